import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { READINESS_RULES } from '../../lib/aspects/rules';
import { enforceReadiness, ReadinessEvaluation } from '../../lib/readiness/gate';
import { ReadinessReport } from '../../lib/readiness/types';
import { addUnreadyShop } from '../fixtures/unready-app';
import { NO_BUNDLING } from '../helpers/synth';

const tmpOutdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-gate-'));
const readReport = (outdir: string, stage: string): ReadinessReport => JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', `${stage}.json`), 'utf8'));

describe('enforceReadiness on a user app (plain L1/L2, stacks nested in a Stage)', () => {
  let outdir: string;
  let error: Error | undefined;

  beforeAll(() => {
    outdir = tmpOutdir();
    const app = new App({ outdir, context: NO_BUNDLING });
    addUnreadyShop(app);
    enforceReadiness(app, { stage: 'prod' });
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
  });

  test('synth fails with each rule ID of the single-AZ database, the Redis without failover and the unrotated secret', () => {
    expect(error).toBeDefined();
    // One block per finding: the message, the construct path, then "Acknowledge with '<Pack>::<rule>'".
    const blocks = error!.message.split(/\n\s*\n/);
    const finding = (ruleId: string, constructPath: string) => blocks.some((b) => b.includes(`::${ruleId}'`) && b.includes(constructPath));
    expect(finding('Readiness-DB-HA', 'Shop/Storefront/Orders')).toBe(true);
    expect(finding('Readiness-CACHE-HA', 'Shop/Storefront/Sessions')).toBe(true);
    expect(finding('Readiness-SECRET-ROTATION', 'Shop/Storefront/PaymentApiKey/Resource')).toBe(true);
  });

  test('the AwsSolutions pack runs on the nested stack too', () => {
    expect(error!.message).toMatch(/AwsSolutions-RDS3/);
    expect(error!.message).toMatch(/AwsSolutions-SMG4/);
  });

  test('the report is written into the assembly directory even when synth fails', () => {
    const report = readReport(outdir, 'prod');
    const dbHa = report.controls.find((c) => c.id === 'DB-HA')!;
    expect(dbHa.status).toBe('missing');
    expect(dbHa.findings).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'Readiness-DB-HA', constructPath: 'Shop/Storefront/Orders', level: 'error' })]));
    expect(fs.readFileSync(path.join(outdir, 'readiness', 'prod.md'), 'utf8')).toMatch(/^# Readiness report: prod/);
  });
});

describe('enforceReadiness per Stage: each stage keeps its own levels and report', () => {
  let outdir: string;
  let dev: ReadinessEvaluation;
  let prod: ReadinessEvaluation;
  let error: Error | undefined;

  beforeAll(() => {
    outdir = tmpOutdir();
    const app = new App({ outdir, context: NO_BUNDLING });
    const devStage = addUnreadyShop(app, 'Dev').node.scope as Stage;
    const prodStage = addUnreadyShop(app, 'Prod').node.scope as Stage;
    dev = enforceReadiness(devStage, { stage: 'dev', awsSolutions: false }).evaluate();
    prod = enforceReadiness(prodStage, { stage: 'prod', awsSolutions: false }).evaluate();
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
  });

  const severityOf = (e: ReadinessEvaluation, rule: string) => e.readiness.violations.find((v) => v.ruleName === rule)?.severity;

  test('prod: every finding is an error', () => {
    expect(severityOf(prod, 'Readiness-DB-HA')).toBe('error');
    expect(severityOf(prod, 'Readiness-CACHE-HA')).toBe('error');
    expect(severityOf(prod, 'Readiness-SECRET-ROTATION')).toBe('error');
  });

  test('dev: HA findings are warnings, secrets stay errors', () => {
    expect(severityOf(dev, 'Readiness-DB-HA')).toBe('warning');
    expect(severityOf(dev, 'Readiness-CACHE-HA')).toBe('warning');
    expect(severityOf(dev, 'Readiness-SECRET-ROTATION')).toBe('error');
  });

  test('a stage only sees its own resources, although CDK hands every plugin the root app', () => {
    const paths = prod.readiness.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p!.startsWith('Prod/'))).toBe(true);
  });

  test('synth fails and writes one report per stage', () => {
    expect(error?.message).toMatch(/Readiness-SECRET-ROTATION/);
    expect(readReport(outdir, 'dev').scopePath).toBe('Dev');
    expect(readReport(outdir, 'prod').scopePath).toBe('Prod');
  });
});

describe('dev: warnings are reported but do not fail synth', () => {
  let outdir: string;
  let error: unknown;

  beforeAll(() => {
    outdir = tmpOutdir();
    const app = new App({ outdir, context: NO_BUNDLING });
    const stage = new Stage(app, 'Dev');
    const db = new rds.CfnDBInstance(new Stack(stage, 'Orders'), 'Db', {
      engine: 'postgres',
      dbInstanceClass: 'db.t4g.micro',
      allocatedStorage: '20',
      backupRetentionPeriod: 7,
      deletionProtection: true,
      storageEncrypted: true,
    });
    db.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    const dataRules = READINESS_RULES.filter((r) => ['DB-HA', 'DB-BACKUP', 'DATA-RETENTION'].includes(r.id));
    enforceReadiness(stage, { stage: 'dev', rules: dataRules, awsSolutions: false, nist: false });
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
  });

  test('synth passes and the report shows the HA gap as a warning', () => {
    expect(error).toBeUndefined();
    const dbHa = readReport(outdir, 'dev').controls.find((c) => c.id === 'DB-HA')!;
    expect(dbHa.status).toBe('missing');
    expect(dbHa.findings).toEqual([expect.objectContaining({ ruleId: 'Readiness-DB-HA', level: 'warning' })]);
  });
});
