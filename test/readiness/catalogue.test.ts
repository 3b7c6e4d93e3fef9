import * as fs from 'fs';
import * as path from 'path';
import { ruleIdOf } from '../../lib/aspects/rule';
import { READINESS_RULES } from '../../lib/aspects/rules';
import { CONTROLS, CONTROL_DEFINITIONS, controlOfRule } from '../../lib/readiness/catalogue';

const ROOT = path.join(__dirname, '..', '..');

// Every gap of the gap analysis (sections 1-10, five gaps each; 5.1 is printed "4.1" in the seed).
const GAPS = Array.from({ length: 10 }, (_, s) => Array.from({ length: 5 }, (__, g) => `${s + 1}.${g + 1}`)).flat();
// The controls of the readiness seed, by the catalogue ID that answers each.
const SEED_CONTROLS: Record<string, string> = {
  'Legal pages': 'LEGAL-PAGES',
  'Monitoring and incident response': 'INCIDENT-RESPONSE',
  'Customer rollout controls': 'CUSTOMER-ROLLOUT',
  'Launch control room': 'LAUNCH-CONTROL-ROOM',
  'Tenant isolation': 'TENANT-ISOLATION',
  'Security hardening': 'SECURITY-HARDENING',
  'Audit logs': 'AUDIT-TRAIL',
  'Admin security controls': 'ADMIN-CONTROLS',
  'Access review': 'ACCESS-REVIEW',
  'Billing production validation': 'BILLING-VALIDATION',
};
const FIXED_SYNTH_IDS = [
  'DB-HA', 'DB-BACKUP', 'DB-POOLING', 'CACHE-HA', 'SECRET-ROTATION', 'DATA-RETENTION',
  'WAF', 'AUTOSCALING', 'HEALTH-CHECK', 'DEPLOY-SAFETY', 'CAPACITY', 'CDN', 'ASYNC-QUEUE',
  'ALARMS', 'SLO', 'OBSERVABILITY', 'INCIDENT-RESPONSE',
  'AUDIT-TRAIL', 'SECURITY-MONITORING', 'ENCRYPTION', 'ACCESS-REVIEW', 'SECURITY-HARDENING',
  'BACKUP-DR', 'RTO-RPO', 'CHAOS', 'COST', 'BUSINESS-CONTINUITY',
];

describe('the control catalogue', () => {
  const byId = new Map(CONTROLS.map((c) => [c.id, c]));

  test('control IDs are unique', () => {
    expect(byId.size).toBe(CONTROLS.length);
  });

  test('every gap of the gap analysis is answered by a control', () => {
    const answered = new Set(CONTROLS.flatMap((c) => c.sources));
    expect(GAPS.filter((g) => !answered.has(g))).toEqual([]);
  });

  test('every seed control and every fixed control ID is in the catalogue', () => {
    expect(Object.values(SEED_CONTROLS).filter((id) => !byId.has(id))).toEqual([]);
    expect(FIXED_SYNTH_IDS.filter((id) => !byId.has(id))).toEqual([]);
  });

  test('the issue\'s attested controls are attested', () => {
    for (const id of ['LEGAL-PAGES', 'TENANT-ISOLATION', 'ACCESS-REVIEW', 'BILLING-VALIDATION', 'CONTRACT-AUDIT', 'MULTISIG-WALLETS', 'KYC-AML', 'INSURANCE', 'SUPPORT-24X7', 'BUSINESS-CONTINUITY']) {
      expect([id, byId.get(id)?.verification]).toEqual([id, 'attested']);
    }
  });

  test('incident response, launch control room and customer rollout are synth controls that keep an attested part', () => {
    for (const id of ['INCIDENT-RESPONSE', 'CUSTOMER-ROLLOUT', 'LAUNCH-CONTROL-ROOM']) {
      expect([id, byId.get(id)?.verification, byId.get(id)?.attestedPart]).toEqual([id, 'synth', expect.any(String)]);
    }
    expect(byId.get('INCIDENT-RESPONSE')!.attestedPart).toMatch(/post-incident review.*commanders are trained/);
  });

  test('owners and risks use the seeds\' wording', () => {
    expect(byId.get('LAUNCH-CONTROL-ROOM')).toMatchObject({ owner: 'Launch Commander', risk: 'Production launch decisions may happen without documented readiness gates or rollback authority.' });
    expect(byId.get('DB-HA')!.risk).toMatch(/^No replication or failover \(current state: Single PostgreSQL instance\)/);
    expect(byId.get('BUSINESS-CONTINUITY')).toMatchObject({ severity: 'Critical', sources: ['10.1'] });
  });

  test('a control\'s rules and tests are derived from the registered rules', () => {
    for (const rule of READINESS_RULES) {
      const control = byId.get(rule.controlId);
      expect([ruleIdOf(rule), control?.id]).toEqual([ruleIdOf(rule), rule.controlId]);
      expect(control!.rules).toContain(ruleIdOf(rule));
      expect(control!.tests).toContain(rule.test);
      expect(controlOfRule(ruleIdOf(rule))?.id).toBe(rule.controlId);
    }
    expect(byId.get('DB-HA')!.rules).toEqual(['Readiness-DB-HA', 'AwsSolutions-RDS3', 'NIST.800.53.R5-RDSMultiAZSupport']);
  });

  test('every rule cites a test file that exists', () => {
    expect(READINESS_RULES.map((r) => r.test).filter((t) => !fs.existsSync(path.join(ROOT, t)))).toEqual([]);
  });

  test('live checks sit on ALARMS, INCIDENT-RESPONSE and SECRET-ROTATION', () => {
    expect(CONTROL_DEFINITIONS.filter((c) => c.liveCheck).map((c) => [c.id, c.liveCheck])).toEqual([
      ['SECRET-ROTATION', 'secret-rotation'],
      ['ALARMS', 'alarms'],
      ['INCIDENT-RESPONSE', 'alarms'],
    ]);
  });
});
