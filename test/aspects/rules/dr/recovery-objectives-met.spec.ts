import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { RecoveryObjectivesMet } from '../../../../lib/aspects/rules/dr/recovery-objectives-met';
import { StageConfig } from '../../../../lib/config/stage-config';
import { PROD } from '../../../../lib/config/stages';
import { evaluateReadiness } from '../../../../lib/readiness/gate';
import { readinessDataProblems } from '../../../../lib/readiness/data-file';
import { buildStage, newTestApp } from '../../../helpers/synth';

const withRegionalRpo = (rpoMinutes: number): StageConfig => ({ ...PROD, dr: { ...PROD.dr, targets: { ...PROD.dr.targets, region: { rpoMinutes, rtoMinutes: 240 } } } });

describe('Readiness-RTO-RPO on a plain user app', () => {
  let app: App;
  let stack: Stack;
  beforeAll(() => {
    app = newTestApp();
    stack = new Stack(app, 'UserApp', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('Writer'),
      readers: [rds.ClusterInstance.provisioned('Reader')],
    });
    Tags.of(cluster).add('backup', 'dr');
    new elasticache.CfnReplicationGroup(stack, 'Cache', {
      replicationGroupDescription: 'sessions',
      engine: 'valkey',
      cacheNodeType: 'cache.t4g.small',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      multiAzEnabled: true,
    });
    const plan = new backup.BackupPlan(stack, 'Plan');
    plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Hourly',
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '*' }),
        copyActions: [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'Dr', 'arn:aws:backup:eu-central-1:111111111111:backup-vault:dr') }],
      }),
    );
    plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'dr')] });
    app.synth();
  });

  test('meets the prod targets: failover within a minute, regional RPO of the hourly copy', () => {
    const result = RecoveryObjectivesMet.check(stack, ruleContextFor('prod', PROD));
    expect(result.findings).toEqual([]);
    expect(result.compliant).toBe(true);
    expect(result.evidence.map((e) => e.note)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^az: RPO 0 min \(target 0 min\), RTO 1 min .*2 instances: a reader takes over/),
        expect.stringMatching(/^region: RPO 60 min \(target 60 min\).*copy interval of rule Hourly/),
      ]),
    );
  });

  test('misses a regional RPO of 1 minute with backup copies, and says why', () => {
    const result = RecoveryObjectivesMet.check(stack, ruleContextFor('prod', withRegionalRpo(1)));
    expect(result.compliant).toBe(false);
    expect(result.findings).toEqual([expect.stringMatching(/^region RPO: estimate 60 min > target 1 min \(dr\.targets\.region\.rpoMinutes\): UserApp\/Db\/Resource: .*copy interval of rule Hourly .* 1 h = 60 min/)]);
  });

  test('without the stage config: the prod defaults (RPO 60 min / RTO 240 min for a region) and default inputs, stated in the report', () => {
    const result = RecoveryObjectivesMet.check(stack, ruleContextFor('prod'));
    expect(result.findings).toEqual([]);
    expect(result.compliant).toBe(true);
    const run = evaluateReadiness(app, { stage: 'prod', rules: [RecoveryObjectivesMet], awsSolutions: false, nist: false, writeReport: false, dataFile: false });
    const section = run.report.sections.find((x) => x.title === 'Recovery objectives (RTO/RPO)')!;
    expect(section.markdown).toMatch(/Targets and inputs from the stage targets .*prod defaults for recovery\.instance, recovery\.az, recovery\.region, dataSizeGiB \(200\), redeployMinutes \(60\)/);
    expect(section.markdown).toMatch(/\| region \| 60 min \/ 4 h/);
  });

  test('declared stage targets and inputs (enforceReadiness targets) are what the estimate is held to', () => {
    const context = ruleContextFor('prod', undefined, { readinessTargets: { recovery: { region: { rpoMinutes: 15, rtoMinutes: 240 } }, dataSizeGiB: 2000 } });
    const result = RecoveryObjectivesMet.check(stack, context);
    expect(result.compliant).toBe(false);
    expect(result.findings).toEqual([
      expect.stringMatching(/^region RPO: estimate 60 min > target 15 min .*\(targets from the stage targets .*prod defaults for recovery\.instance, recovery\.az, redeployMinutes \(60\)/),
      expect.stringMatching(/^region RTO: estimate .* > target 4 h .*2000 GiB/),
    ]);
  });

  test('readiness.json targets.<stage>.recovery: read by the gate; bad values name the JSON path and the fix', () => {
    expect(readinessDataProblems({ targets: { prod: { recovery: { region: { rpoMinutes: -5 }, zone: {} }, redeployMinutes: 0 } } })).toEqual([
      expect.stringMatching(/^\$\.targets\.prod\.redeployMinutes = 0: not a positive number/),
      expect.stringMatching(/^\$\.targets\.prod\.recovery\.zone = \{\}: unknown field/),
      expect.stringMatching(/^\$\.targets\.prod\.recovery\.region\.rpoMinutes = -5: not a number of minutes >= 0/),
      expect.stringMatching(/^\$\.targets\.prod\.recovery\.region\.rtoMinutes = missing: not a number of minutes >= 0/),
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rto-'));
    try {
      const file = path.join(dir, 'readiness.json');
      fs.writeFileSync(file, JSON.stringify({ targets: { prod: { recovery: { region: { rpoMinutes: 15, rtoMinutes: 240 } } } } }));
      const run = evaluateReadiness(app, { stage: 'prod', rules: [RecoveryObjectivesMet], awsSolutions: false, nist: false, writeReport: false, dataFile: file });
      expect(run.scopeRules.violations.find((v) => v.ruleName === 'Readiness-RTO-RPO')?.description).toMatch(/region RPO: estimate 60 min > target 15 min/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fooling: an app whose data tier the estimate does not understand (an RDS instance) is not proven by an empty estimate', () => {
    const other = new Stack(newTestApp(), 'InstanceOnly', { env: { account: '111111111111', region: 'eu-west-1' } });
    new rds.CfnDBInstance(other, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', multiAz: true });
    expect(RecoveryObjectivesMet.check(other, ruleContextFor('prod'))).toMatchObject({ compliant: false, findings: [expect.stringMatching(/No AWS::RDS::DBCluster or AWS::ElastiCache::ReplicationGroup in scope/)] });
  });
});

describe('Readiness-RTO-RPO on the prod stage with a regional RPO of 1 minute and backup-copy', () => {
  test('fails with the arithmetic', () => {
    const config = withRegionalRpo(1);
    const { app, stage } = buildStage(config);
    app.synth();
    const evaluation = evaluateReadiness(stage, { stage: 'prod', config, rules: [RecoveryObjectivesMet], awsSolutions: false });
    const violation = evaluation.scopeRules.violations.find((v) => v.ruleName === 'Readiness-RTO-RPO');
    expect(violation?.severity).toBe('error');
    expect(violation?.description).toMatch(
      /region RPO: estimate 60 min > target 1 min .*Prod\/Data\/Database\/Cluster\/Resource: region: RPO = copy interval of rule SnapshotCopiedToDrRegion \(Prod\/Backup\/Plan\/Plan\/Resource\) 1 h = 60 min; RTO = snapshot-restore-fixed 20 min \+ 200 GiB \/ 2 GiB per min 100 min \+ redeploy 45 min \(dr\.redeployMinutes\) = 165 min/,
    );
  });
});
