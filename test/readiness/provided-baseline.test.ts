import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ProvidedBaseline, providedBaselineProblems } from '../../lib/config/provided-baseline';
import { ruleContextFor } from '../../lib/aspects/readiness-checks';
import { BudgetDefined } from '../../lib/aspects/rules/dr/budget-defined';
import { AuditTrailEnabled } from '../../lib/aspects/rules/security/audit-trail-enabled';
import { SecurityMonitoringEnabled } from '../../lib/aspects/rules/security/security-monitoring-enabled';
import { evaluateReadiness, EnforceReadinessOptions } from '../../lib/readiness/gate';
import { readinessDataProblems } from '../../lib/readiness/data-file';
import { NO_BUNDLING } from '../helpers/synth';

const NOW = new Date('2026-11-20T12:00:00Z');
const evidence = (providedBy: string) => ({ providedBy, evidenceUrl: 'https://wiki.acme-corp.io/landing-zone/controls', date: '2026-11-02' });
const PROVIDED: ProvidedBaseline = {
  auditTrail: evidence('AWS Control Tower organization trail (log archive account 222222222222)'),
  threatDetection: evidence('GuardDuty delegated administrator (audit account 333333333333)'),
  securityHub: evidence('Security Hub delegated administrator (audit account 333333333333)'),
  budgets: evidence('FinOps (consolidated billing)'),
};

/** A user's own app with plain L2 resources: a queue, and security findings routed to an SNS topic. No trail, detector, hub or budget. */
function userApp(o: { detector?: boolean; routes?: boolean } = {}): App {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Orders', { env: { account: '111111111111', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new sqs.Queue(stack, 'Jobs', { encryptionMasterKey: key });
  if (o.routes ?? true) {
    const topic = new sns.Topic(stack, 'SecurityAlerts', { masterKey: key });
    for (const source of ['aws.guardduty', 'aws.securityhub']) {
      new events.Rule(stack, `Route-${source}`, { eventPattern: { source: [source] }, targets: [new targets.SnsTopic(topic)] });
    }
  }
  if (o.detector) new guardduty.CfnDetector(stack, 'OwnDetector', { enable: true });
  return app;
}

const RULES = [AuditTrailEnabled, SecurityMonitoringEnabled, BudgetDefined];
const run = (app: App, options: Partial<EnforceReadinessOptions> = {}) =>
  evaluateReadiness(app, { stage: 'prod', profiles: ['core'], rules: RULES, awsSolutions: false, nist: false, writeReport: false, dataFile: false, now: NOW, ...options });
const control = (r: ReturnType<typeof run>, id: string) => r.report.controls.find((c) => c.id === id)!;

describe('organization-provided account baseline', () => {
  test('declared in code: AUDIT-TRAIL, SECURITY-MONITORING and COST are conditional without the resources, and name their live check', () => {
    const r = run(userApp(), { provided: PROVIDED });
    expect(r.scopeRules.violations).toEqual([]);
    expect(control(r, 'AUDIT-TRAIL')).toMatchObject({ status: 'conditional', live: { check: 'security-baseline', resources: [] } });
    expect(control(r, 'SECURITY-MONITORING')).toMatchObject({ status: 'conditional', live: { check: 'security-baseline' } });
    expect(control(r, 'COST')).toMatchObject({ status: 'conditional', live: { check: 'cost' } });
    expect(control(r, 'AUDIT-TRAIL').statusReason).toMatch(/provided by the organization \(AWS Control Tower organization trail .*; evidence https:\/\/wiki\.acme-corp\.io\/landing-zone\/controls; checked 2026-11-02\), to be proven live/);
    expect(control(r, 'SECURITY-MONITORING').statusReason).toMatch(/GuardDuty provided by the organization .*Security Hub provided by the organization/);
    expect(control(r, 'COST').statusReason).toMatch(/Cost budgets \(organization FinOps\) provided by the organization \(FinOps/);
    expect(r.report.controls.filter((c) => c.status === 'ready').map((c) => c.id)).not.toEqual(expect.arrayContaining(['AUDIT-TRAIL', 'SECURITY-MONITORING', 'COST']));
  });

  test('without a declaration the same app misses all three, and no live check is named', () => {
    const r = run(userApp());
    for (const id of ['AUDIT-TRAIL', 'SECURITY-MONITORING', 'COST']) {
      expect(control(r, id).status).toBe('missing');
      expect(control(r, id).live).toBeUndefined();
    }
    expect(r.scopeRules.violations.map((v) => v.ruleName).sort()).toEqual(['Readiness-AUDIT-TRAIL', 'Readiness-COST', 'Readiness-SECURITY-MONITORING']);
  });

  test('only the declared services count: GuardDuty alone still needs Security Hub', () => {
    const result = SecurityMonitoringEnabled.check(userApp(), ruleContextFor('prod', undefined, { providedBaseline: { threatDetection: PROVIDED.threatDetection } }));
    expect(result.compliant).toBe(false);
    expect(result.findings.join(' ')).toMatch(/no AWS::SecurityHub::Hub/);
    expect(result.findings.join(' ')).not.toMatch(/GuardDuty::Detector\./);
  });

  test('the routes are still required: a declaration pages nobody', () => {
    const r = run(userApp({ routes: false }), { provided: PROVIDED });
    expect(control(r, 'SECURITY-MONITORING').status).toBe('missing');
    expect(control(r, 'AUDIT-TRAIL').status).toBe('conditional');
  });

  describe('fooling attempts', () => {
    test('placeholder evidence, no date or a future date: an error naming the field, and the control stays missing', () => {
      const bad: ProvidedBaseline = {
        auditTrail: { providedBy: 'Control Tower', evidenceUrl: 'https://example.com/trail', date: '2026-11-02' },
        budgets: { providedBy: 'FinOps', evidenceUrl: 'https://finops.acme-corp.io/budgets', date: '2027-01-01' },
        threatDetection: { providedBy: 'GuardDuty admin', evidenceUrl: 'https://wiki.acme-corp.io/gd' } as never,
      };
      const r = run(userApp(), { provided: bad });
      const invalid = r.scopeRules.violations.filter((v) => v.ruleName === 'Readiness-PROVIDED-INVALID');
      expect(invalid.map((v) => v.severity)).toEqual(['error', 'error', 'error']);
      expect(invalid.map((v) => v.description).join('\n')).toMatch(/provided\.auditTrail: evidenceUrl "https:\/\/example\.com\/trail" is a placeholder host \(example\.com\)/);
      expect(invalid.map((v) => v.description).join('\n')).toMatch(/provided\.budgets: date 2027-01-01 is in the future/);
      expect(invalid.map((v) => v.description).join('\n')).toMatch(/provided\.threatDetection: date undefined is not a calendar date/);
      for (const id of ['AUDIT-TRAIL', 'COST', 'SECURITY-MONITORING']) expect(control(r, id).status).toBe('missing');
    });

    test('a declared GuardDuty plus a detector the app creates in the same account and region: non-compliant, naming the detector', () => {
      const r = run(userApp({ detector: true }), { provided: PROVIDED });
      expect(control(r, 'SECURITY-MONITORING').status).toBe('missing');
      const finding = r.scopeRules.violations.find((v) => v.ruleName === 'Readiness-SECURITY-MONITORING')!;
      expect(finding.description).toMatch(/Orders\/OwnDetector \(AWS::GuardDuty::Detector\) creates GuardDuty, but GuardDuty is declared provided by the organization \(GuardDuty delegated administrator/);
    });

    test('a declared Security Hub plus a hub the app creates: non-compliant, naming the hub', () => {
      const app = userApp();
      new securityhub.CfnHub(app.node.findChild('Orders') as Stack, 'OwnHub', {});
      const result = SecurityMonitoringEnabled.check(app, ruleContextFor('prod', undefined, { providedBaseline: PROVIDED }));
      expect(result.compliant).toBe(false);
      expect(result.findings).toEqual([expect.stringMatching(/^Orders\/OwnHub \(AWS::SecurityHub::Hub\) creates Security Hub, but Security Hub is declared provided by the organization/)]);
    });

    test('a disabled detector does not escape the conflict check', () => {
      const app = userApp();
      new guardduty.CfnDetector(app.node.findChild('Orders') as Stack, 'Disabled', { enable: false });
      expect(SecurityMonitoringEnabled.check(app, ruleContextFor('prod', undefined, { providedBaseline: PROVIDED })).compliant).toBe(false);
    });

    test('an unknown service name is reported, not ignored', () => {
      expect(providedBaselineProblems({ guardDuty: PROVIDED.threatDetection }, NOW)).toEqual([expect.stringMatching(/provided\.guardDuty: not a provided service; use one of auditTrail, threatDetection, securityHub, budgets/)]);
    });
  });

  describe('readiness.json', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provided-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('`provided` in the data file counts like the option', () => {
      const file = path.join(dir, 'readiness.json');
      fs.writeFileSync(file, JSON.stringify({ profiles: ['core'], provided: PROVIDED }));
      const r = run(userApp(), { dataFile: file, profiles: undefined });
      for (const id of ['AUDIT-TRAIL', 'SECURITY-MONITORING', 'COST']) expect(control(r, id).status).toBe('conditional');
    });

    test('a malformed entry fails with the JSON path, the value and the fix', () => {
      expect(readinessDataProblems({ provided: { budgets: { providedBy: 'FinOps', evidenceUrl: 'http://x', date: 'soon' }, cloudTrail: {} } })).toEqual([
        expect.stringMatching(/^\$\.provided\.cloudTrail = \{\}: unknown field\. Fix: remove it/),
        expect.stringMatching(/^\$\.provided\.budgets\.evidenceUrl = "http:\/\/x": not an https URL/),
        expect.stringMatching(/^\$\.provided\.budgets\.date = "soon": not a date/),
      ]);
    });

    test('the schema and the loader agree on provided and targets', () => {
      const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../readiness.schema.json'), 'utf8'));
      const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
      const e = PROVIDED.budgets!;
      const samples: unknown[] = [
        { provided: PROVIDED },
        { provided: { budgets: { ...e, date: undefined } } },
        { provided: { budgets: { ...e, evidenceUrl: 'http://finops.acme-corp.io' } } },
        { provided: { budgets: { ...e, extra: 1 } } },
        { provided: { guardDuty: e } },
        { provided: { budgets: { ...e, providedBy: ' ' } } },
        { targets: { prod: { targetConcurrentUsers: 10000, recovery: { region: { rpoMinutes: 60, rtoMinutes: 240 } }, dataSizeGiB: 50, redeployMinutes: 45 } } },
        { targets: { prod: { targetConcurrentUsers: 1.5 } } },
        { targets: { prod: { recovery: { region: { rpoMinutes: 60 } } } } },
        { targets: { prod: { dataSizeGiB: 0 } } },
        { targets: { qa: {} } },
      ];
      for (const sample of samples) {
        expect({ sample, valid: validate(JSON.parse(JSON.stringify(sample))) }).toEqual({ sample, valid: readinessDataProblems(JSON.parse(JSON.stringify(sample))).length === 0 });
      }
    });

    test('the schema describes the same fields', () => {
      const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../readiness.schema.json'), 'utf8'));
      expect(Object.keys(schema.properties.provided.properties)).toEqual(['auditTrail', 'threatDetection', 'securityHub', 'budgets']);
      expect(schema.definitions.providedService.required).toEqual(['providedBy', 'evidenceUrl', 'date']);
    });
  });

  test('a fresh app with only the gate and the declaration: the baseline controls are conditional under every rule', () => {
    const r = evaluateReadiness(userApp(), { stage: 'prod', profiles: ['core'], provided: PROVIDED, dataFile: false, writeReport: false, now: NOW });
    for (const id of ['AUDIT-TRAIL', 'SECURITY-MONITORING', 'COST']) expect(control(r as never, id).status).toBe('conditional');
    expect(r.scopeRules.violations.map((v) => v.ruleName)).not.toEqual(expect.arrayContaining(['Readiness-AUDIT-TRAIL', 'Readiness-SECURITY-MONITORING', 'Readiness-COST', 'Readiness-PROVIDED-INVALID']));
  });
});
