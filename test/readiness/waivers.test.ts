import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag';
import { Construct } from 'constructs';
import { RuleResult } from '../../lib/aspects/results';
import { ResourceRule } from '../../lib/aspects/rule';
import { READINESS_RULES } from '../../lib/aspects/rules';
import { buildCatalogue } from '../../lib/readiness/catalogue';
import { enforceReadiness, evaluateReadiness } from '../../lib/readiness/gate';
import { PROD } from '../../lib/config/stages';
import { ACK_WITHOUT_WAIVER_RULE, checkWaivers, collectWaivers, WAIVER_METADATA_TYPE, waive } from '../../lib/readiness/waivers';
import { NO_BUNDLING } from '../helpers/synth';

// The rules of this area only, so that other areas' rules do not change what these tests see.
const DATA_RULES = READINESS_RULES.filter((r) => ['DB-HA', 'DB-BACKUP', 'DB-POOLING', 'CACHE-HA', 'SECRET-ROTATION', 'DATA-RETENTION'].includes(r.id));
const NOW = new Date('2026-06-01T00:00:00Z');
const REASON = 'Vendor API key, rotated by the vendor portal until the rotation Lambda ships';

function singleAzDatabase(stack: Stack, id: string): rds.CfnDBInstance {
  const db = new rds.CfnDBInstance(stack, id, {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    backupRetentionPeriod: 14,
    deletionProtection: true,
    storageEncrypted: true,
  });
  db.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
  return db;
}

describe('waive(): a waived finding no longer fails synth, in cdk-nag and in CDK report', () => {
  let outdir: string;
  let synthError: unknown;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-waiver-'));
    const app = new App({ outdir, context: NO_BUNDLING });
    const stack = new Stack(app, 'Vendor');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const secret = new secretsmanager.Secret(stack, 'VendorApiKey', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    // Waives Readiness-SECRET-ROTATION and AwsSolutions-SMG4 (the control's rules).
    waive(secret, { control: 'SECRET-ROTATION', reason: REASON, owner: 'Payments team', expires: '2026-08-15' });
    enforceReadiness(app, { stage: 'prod', rules: DATA_RULES, nist: false, now: NOW });
    try {
      app.synth();
    } catch (e) {
      synthError = e;
    }
  });

  test('synth passes: both packs honour the plain rule IDs waive() acknowledges', () => {
    expect(synthError).toBeUndefined();
  });

  test('the report lists the waiver on the control, which is conditional', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8'));
    const control = report.controls.find((c: any) => c.id === 'SECRET-ROTATION');
    expect(control.status).toBe('conditional');
    expect(control.waivers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: 'Readiness-SECRET-ROTATION', owner: 'Payments team', expires: '2026-08-15', reason: REASON, problems: [] }),
        expect.objectContaining({ ruleId: 'AwsSolutions-SMG4' }),
      ]),
    );
    expect(fs.readFileSync(path.join(outdir, 'readiness', 'prod.md'), 'utf8')).toMatch(/## Waivers[\s\S]*Payments team \| 2026-08-15/);
  });
});

describe('acknowledgment forms: the plain ID and the CLI suggestion both silence the Readiness pack', () => {
  test.each(['Readiness-DB-HA', 'Readiness::Readiness-DB-HA'])('%s (and the gate flags it as a bypass of waive())', (id) => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Orders');
    const db = singleAzDatabase(stack, 'Db');
    Validations.of(db).acknowledge({ id, reason: 'single-AZ accepted for the pilot customer only' });
    const evaluation = evaluateReadiness(app, { stage: 'prod', rules: DATA_RULES, awsSolutions: false, now: NOW });
    expect(evaluation.readiness.violations.map((v) => v.ruleName)).not.toContain('Readiness-DB-HA');
    expect(evaluation.results.find((r) => r.ruleId === 'Readiness-DB-HA')).toMatchObject({ compliance: 'non-compliant', acknowledged: true });
    expect(evaluation.waivers.violations.map((v) => v.ruleName)).toEqual([ACK_WITHOUT_WAIVER_RULE]);
  });
});

describe('a Readiness rule acknowledged without waive() fails the gate in every stage', () => {
  const RAW_ACK =
    /Readiness-DB-HA acknowledged at Orders\/Db without waive\(\): use waive\(construct, \{ control, reason, owner, expires \}\) so the waiver has an owner and an expiry/;

  const userApp = (outdir: string, stage: 'dev' | 'staging' | 'prod', mark: (db: rds.CfnDBInstance) => void) => {
    const app = new App({ outdir, context: NO_BUNDLING });
    mark(singleAzDatabase(new Stack(app, 'Orders'), 'Db'));
    enforceReadiness(app, { stage, rules: DATA_RULES, awsSolutions: false, nist: false, now: NOW });
    try {
      app.synth();
      return undefined;
    } catch (e) {
      return e as Error;
    }
  };

  test.each(['dev', 'staging', 'prod'] as const)('%s: a raw Validations.acknowledge of Readiness-DB-HA fails synth with how to fix it', (stage) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-raw-ack-'));
    const error = userApp(outdir, stage, (db) => Validations.of(db).acknowledge({ id: 'Readiness-DB-HA', reason: 'single-AZ accepted for the pilot customer only' }));
    expect(error).toBeDefined();
    expect(error!.message).toMatch(RAW_ACK);
    // The report shows the finding as missing (not waived) and the acknowledgment without owner or expiry.
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', `${stage}.json`), 'utf8'));
    const control = report.controls.find((c: any) => c.id === 'DB-HA');
    expect(control.status).toBe('missing');
    expect(report.waivers).toEqual([
      expect.objectContaining({ ruleId: 'Readiness-DB-HA', constructPath: 'Orders/Db', owner: '', expires: '', problems: ['acknowledged without waive(): no owner, no expiry'] }),
    ]);
  });

  test('the same app with waive() passes, and the report shows the waiver', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-waived-'));
    const error = userApp(outdir, 'prod', (db) => waive(db, { control: 'Readiness-DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' }));
    expect(error).toBeUndefined();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8'));
    expect(report.controls.find((c: any) => c.id === 'DB-HA').status).toBe('conditional');
    expect(report.waivers).toEqual([
      expect.objectContaining({ ruleId: 'Readiness-DB-HA', constructPath: 'Orders/Db', owner: 'DBA', expires: '2026-08-15', reason: REASON, problems: [] }),
    ]);
  });

  test('an acknowledgment on an ancestor is flagged where it is; a waiver elsewhere does not cover it', () => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Orders');
    const db = singleAzDatabase(stack, 'Db');
    waive(db, { control: 'Readiness-DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' });
    Validations.of(stack).acknowledge({ id: 'Readiness-DB-HA', reason: 'the whole stack is a pilot for now' });
    const v = evaluateReadiness(app, { stage: 'prod', rules: DATA_RULES, awsSolutions: false, now: NOW }).waivers.violations;
    expect(v.map((x) => x.ruleName)).toEqual([ACK_WITHOUT_WAIVER_RULE]);
    expect(v[0].description).toMatch(/^Readiness-DB-HA acknowledged at Orders without waive\(\)/);
    expect(v[0].violatingResources[0].constructPath).toBe('Orders');
  });

  test('AwsSolutions and NIST 800-53 acknowledgments of rules no control is decided by stay allowed (cdk-nag\'s own mechanism)', () => {
    const app = new App({ context: NO_BUNDLING });
    const db = singleAzDatabase(new Stack(app, 'Orders'), 'Db');
    db.multiAz = true;
    Validations.of(db).acknowledge(
      { id: 'AwsSolutions-RDS11', reason: 'the pilot keeps the default port for its legacy client' },
      { id: 'NIST.800.53.R5-RDSLoggingEnabled', reason: 'the pilot exports its logs through the legacy agent' },
    );
    const evaluation = evaluateReadiness(app, { stage: 'prod', rules: DATA_RULES, now: NOW });
    expect(evaluation.waivers.violations).toEqual([]);
    expect(evaluation.report.waivers).toEqual([]);
  });

  test.each(['AwsSolutions-RDS3', 'NIST.800.53.R5-RDSMultiAZSupport'])('%s decides DB-HA: acknowledged without waive() it is an error in prod, a warning elsewhere', (id) => {
    const evaluationIn = (stage: 'prod' | 'staging') => {
      const app = new App({ context: NO_BUNDLING });
      const db = singleAzDatabase(new Stack(app, 'Orders'), 'Db');
      waive(db, { control: 'Readiness-DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' });
      Validations.of(db).acknowledge({ id, reason: 'single-AZ accepted for the pilot customer only' });
      return evaluateReadiness(app, { stage, rules: DATA_RULES, nist: true, now: NOW });
    };
    const prod = evaluationIn('prod');
    expect(prod.waivers.violations).toEqual([
      expect.objectContaining({ ruleName: ACK_WITHOUT_WAIVER_RULE, severity: 'error', description: expect.stringMatching(new RegExp(`^${id.replace(/\./g, '\\.')} acknowledged at Orders/Db without waive\\(\\).*decides control DB-HA`)) }),
    ]);
    // The report shows the finding as missing, not waived.
    expect(prod.report.controls.find((c) => c.id === 'DB-HA')!.status).toBe('missing');
    expect(evaluationIn('staging').waivers.violations).toEqual([expect.objectContaining({ ruleName: ACK_WITHOUT_WAIVER_RULE, severity: 'warning' })]);
  });

  test('the compliant twin: waive() of the control covers its AwsSolutions and NIST rules, and synth passes', () => {
    const app = new App({ context: NO_BUNDLING });
    waive(singleAzDatabase(new Stack(app, 'Orders'), 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' });
    const gate = enforceReadiness(app, { stage: 'prod', rules: DATA_RULES, nist: true, now: NOW, writeReport: false });
    const evaluation = gate.evaluate();
    // The database's other NIST findings (logging, monitoring) are not DB-HA's: only DB-HA's rules are waived.
    expect(evaluation.waivers.violations).toEqual([]);
    expect(Object.keys(evaluation.report.gate!.errors!)).not.toEqual(expect.arrayContaining([expect.stringMatching(/RDS3|RDSMultiAZSupport|Readiness-DB-HA/)]));
    const waived = evaluation.report.controls.find((c) => c.id === 'DB-HA')!;
    expect(waived.status).toBe('conditional');
    expect(waived.waivers.map((w) => w.ruleId)).toEqual(['Readiness-DB-HA', 'AwsSolutions-RDS3', 'NIST.800.53.R5-RDSMultiAZSupport']);
    expect(evaluation.results.filter((r) => r.ruleId === 'NIST.800.53.R5-RDSMultiAZSupport')).toEqual([expect.objectContaining({ compliance: 'non-compliant', acknowledged: true })]);
  });
});

describe('waivers that fail the gate', () => {
  const violationsFor = (build: (stack: Stack) => void) => {
    const app = new App({ context: NO_BUNDLING });
    build(new Stack(app, 'Orders'));
    return evaluateReadiness(app, { stage: 'prod', rules: DATA_RULES, awsSolutions: false, now: NOW }).waivers.violations;
  };

  test('an expired waiver is an error', () => {
    const v = violationsFor((s) => waive(singleAzDatabase(s, 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-05-31' }));
    expect(v).toEqual([expect.objectContaining({ ruleName: 'Readiness-WAIVER-EXPIRED', severity: 'error' })]);
    expect(v[0].violatingResources[0].constructPath).toBe('Orders/Db');
  });

  test('a waiver that matches no finding is an error', () => {
    const v = violationsFor((s) => {
      const db = singleAzDatabase(s, 'Db');
      db.multiAz = true;
      waive(db, { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' });
    });
    expect(v.map((x) => x.ruleName)).toEqual(['Readiness-WAIVER-UNMATCHED']);
  });

  test('a reason under 20 characters is an error', () => {
    const v = violationsFor((s) => waive(singleAzDatabase(s, 'Db'), { control: 'Readiness-DB-HA', reason: 'pilot only', owner: 'DBA', expires: '2026-08-15' }));
    expect(v.map((x) => x.ruleName)).toEqual(['Readiness-WAIVER-REASON']);
  });

  test('a valid waiver raises nothing and keeps the finding out of the Readiness report', () => {
    const app = new App({ context: NO_BUNDLING });
    waive(singleAzDatabase(new Stack(app, 'Orders'), 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' });
    const evaluation = evaluateReadiness(app, { stage: 'prod', rules: DATA_RULES, awsSolutions: false, now: NOW });
    expect(evaluation.waivers.violations).toEqual([]);
    expect(evaluation.readiness.violations.map((v) => v.ruleName)).not.toContain('Readiness-DB-HA');
    expect(evaluation.report.controls.find((c) => c.id === 'DB-HA')!.status).toBe('conditional');
  });

  test('Critical controls cannot be waived in prod; elsewhere they can', () => {
    // A Critical control (WAF) with a test rule, checked against the waiver checker directly.
    const wafRule: ResourceRule = {
      kind: 'resource',
      id: 'TEST-WAF',
      controlId: 'WAF',
      category: 'security',
      resourceTypes: ['AWS::RDS::DBInstance'],
      info: 'test',
      explanation: 'test',
      test: 'test/readiness/waivers.test.ts',
      check: () => NagRuleCompliance.NON_COMPLIANT,
    };
    const controls = buildCatalogue([wafRule]);
    const app = new App({ context: NO_BUNDLING });
    const db = singleAzDatabase(new Stack(app, 'Orders'), 'Db');
    const found = [{ control: 'WAF', ruleIds: ['Readiness-TEST-WAF'], reason: REASON, owner: 'Security', expires: '2026-08-15', construct: db }];
    const results: RuleResult[] = [
      { ruleId: 'Readiness-TEST-WAF', findingId: 'Readiness-TEST-WAF', compliance: 'non-compliant', level: 'error', acknowledged: true, message: 'test', construct: db },
    ];
    expect(checkWaivers(found, results, 'prod', NOW, controls).violations.map((v) => v.ruleName)).toEqual(['Readiness-WAIVER-CRITICAL']);
    expect(checkWaivers(found, results, 'staging', NOW, controls).violations).toEqual([]);
  });

  test('a waiver beyond the stage horizon is an error: prod 90 days, other stages 180', () => {
    const v = violationsFor((s) => waive(singleAzDatabase(s, 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2099-12-31' }));
    expect(v).toEqual([expect.objectContaining({ ruleName: 'Readiness-WAIVER-HORIZON', description: expect.stringMatching(/more than 90 days ahead \(prod: the latest allowed is 2026-08-30\)/) })]);
    expect(violationsFor((s) => waive(singleAzDatabase(s, 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-30' }))).toEqual([]);
    const app = new App({ context: NO_BUNDLING });
    waive(singleAzDatabase(new Stack(app, 'Orders'), 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-11-01' });
    expect(evaluateReadiness(app, { stage: 'staging', rules: DATA_RULES, awsSolutions: false, now: NOW }).waivers.violations).toEqual([]);
    expect(evaluateReadiness(app, { stage: 'prod', rules: DATA_RULES, awsSolutions: false, now: NOW }).waivers.violations.map((x) => x.ruleName)).toEqual(['Readiness-WAIVER-HORIZON']);
  });

  test('the stage config can shorten the horizon', () => {
    const app = new App({ context: NO_BUNDLING });
    waive(singleAzDatabase(new Stack(app, 'Orders'), 'Db'), { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' });
    const config = { ...PROD, attestations: {}, readiness: { waiverHorizonDays: 30 } };
    expect(evaluateReadiness(app, { stage: 'prod', config, rules: DATA_RULES, awsSolutions: false, now: NOW }).waivers.violations.map((x) => x.ruleName)).toEqual([
      'Readiness-WAIVER-HORIZON',
    ]);
  });

  test('a waiver on the App, a Stage or a Stack is refused; recorded there anyway, it fails the gate', () => {
    const app = new App({ context: NO_BUNDLING });
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Orders');
    const db = singleAzDatabase(stack, 'Db');
    for (const root of [app, stage, stack]) {
      expect(() => waive(root, { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-08-15' })).toThrow(/waive\(\): a waiver on (the App|the Stage Prod|the whole stack Prod\/Orders) would cover every resource below it/);
    }
    // Metadata written by hand (or by an older version) on the Stage covers every database of every stack.
    stage.node.addMetadata(WAIVER_METADATA_TYPE, { control: 'DB-HA', ruleIds: ['Readiness-DB-HA'], reason: REASON, owner: 'DBA', expires: '2026-08-15' });
    const results: RuleResult[] = [
      { ruleId: 'Readiness-DB-HA', findingId: 'Readiness-DB-HA', compliance: 'non-compliant', level: 'error', acknowledged: true, message: 'test', construct: db },
    ];
    expect(checkWaivers(collectWaivers(app), results, 'prod', NOW).violations.map((v) => v.ruleName)).toEqual(['Readiness-WAIVER-SCOPE']);
  });

  test('an expiry that is not a calendar date is refused by waive() and by the gate', () => {
    const app = new App({ context: NO_BUNDLING });
    const db = singleAzDatabase(new Stack(app, 'Orders'), 'Db');
    expect(() => waive(db, { control: 'DB-HA', reason: REASON, owner: 'DBA', expires: '2026-02-30' })).toThrow(/expires "2026-02-30" is not a calendar date/);
    db.node.addMetadata(WAIVER_METADATA_TYPE, { control: 'DB-HA', ruleIds: ['Readiness-DB-HA'], reason: REASON, owner: 'DBA', expires: '2026-06-31' });
    const results: RuleResult[] = [
      { ruleId: 'Readiness-DB-HA', findingId: 'Readiness-DB-HA', compliance: 'non-compliant', level: 'error', acknowledged: true, message: 'test', construct: db },
    ];
    expect(checkWaivers(collectWaivers(app), results, 'prod', NOW).violations.map((v) => v.ruleName)).toEqual(['Readiness-WAIVER-DATE']);
  });

  test('waive() rejects an unknown control, a control without rules and a malformed date at once', () => {
    const app = new App();
    const stack = new Construct(new Stack(app, 'S'), 'Db');
    expect(() => waive(stack, { control: 'NOPE', reason: REASON, owner: 'x', expires: '2026-08-15' })).toThrow(/NOPE.*neither a catalogue control/);
    expect(() => waive(stack, { control: 'CONTRACT-AUDIT', reason: REASON, owner: 'x', expires: '2026-08-15' })).toThrow(/CONTRACT-AUDIT has no rules.*attest/);
    expect(() => waive(stack, { control: 'DB-HA', reason: REASON, owner: 'x', expires: '31/12/2026' })).toThrow(/expires "31\/12\/2026".*YYYY-MM-DD/);
  });
});
