import { App, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks, ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { BackupsCopiedCrossRegion } from '../../../../lib/aspects/rules/dr/backups-copied-cross-region';
import { newTestApp } from '../../../helpers/synth';

const cfn = (c: { node: { defaultChild?: unknown } }) => c.node.defaultChild as CfnResource;

describe('Readiness-BACKUP-DR', () => {
  let app: App;
  let stack: Stack;
  let covered: rds.DatabaseCluster;
  let uncovered: rds.DatabaseCluster;
  let localOnly: dynamodb.Table;
  const context = ruleContextFor('prod');

  beforeAll(() => {
    app = newTestApp();
    stack = new Stack(app, 'UserApp', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = (id: string) =>
      new rds.DatabaseCluster(stack, id, {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        writer: rds.ClusterInstance.provisioned('Writer'),
      });
    covered = cluster('Covered');
    uncovered = cluster('Uncovered');
    Tags.of(covered).add('backup', 'dr');
    localOnly = new dynamodb.Table(stack, 'LocalOnly', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    Tags.of(localOnly).add('backup', 'local');

    // Copies to another region: covers what it selects.
    const copied = new backup.BackupPlan(stack, 'Copied');
    copied.addRule(
      new backup.BackupPlanRule({
        ruleName: 'EverySixHours',
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '0/6' }),
        copyActions: [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'DrVault', 'arn:aws:backup:eu-central-1:111111111111:backup-vault:dr') }],
      }),
    );
    copied.addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'dr')] });
    // Backs up in this region only.
    const local = backup.BackupPlan.daily35DayRetention(stack, 'Local');
    local.addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'local')] });
    app.synth();
  });

  test('a cluster selected by a plan that copies to another region is compliant', () => {
    expect(BackupsCopiedCrossRegion.check(cfn(covered), context)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster no plan selects is non-compliant', () => {
    expect(BackupsCopiedCrossRegion.check(cfn(uncovered), context)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a table backed up only in its own region is non-compliant', () => {
    expect(BackupsCopiedCrossRegion.check(cfn(localOnly), context)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('instances of a cluster are covered by their cluster', () => {
    const writer = covered.node.findChild('Writer').node.defaultChild as CfnResource;
    expect(BackupsCopiedCrossRegion.check(writer, context)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('through the gate, only the uncovered cluster and the local-only table are findings', () => {
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [BackupsCopiedCrossRegion] }).validateScope(stack);
    const paths = report.violations.filter((v) => v.ruleName === 'Readiness-BACKUP-DR').flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    expect(paths.sort()).toEqual(['UserApp/LocalOnly/Resource', 'UserApp/Uncovered/Resource']);
  });
});
