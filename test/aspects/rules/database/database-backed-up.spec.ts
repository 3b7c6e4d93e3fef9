import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { DatabaseBackedUp as rule } from '../../../../lib/aspects/rules/database/database-backed-up';
import { PROD } from '../../../../lib/config/stages';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-DB-BACKUP', () => {
  let stack: Stack;
  let protectedCluster: rds.DatabaseCluster;
  let defaultsCluster: rds.DatabaseCluster;
  let sevenDayInstance: rds.CfnDBInstance;
  let deletedInstance: rds.CfnDBInstance;
  let tokenRetention: rds.CfnDBInstance;

  const l1 = (id: string, props: Partial<rds.CfnDBInstanceProps>) =>
    new rds.CfnDBInstance(stack, id, {
      engine: 'postgres',
      dbInstanceClass: 'db.t4g.micro',
      allocatedStorage: '20',
      multiAz: true,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      storageEncrypted: true,
      ...props,
    });

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
    const common = { engine, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, writer: rds.ClusterInstance.provisioned('Writer') };
    protectedCluster = new rds.DatabaseCluster(stack, 'Protected', {
      ...common,
      backup: { retention: Duration.days(14) },
      deletionProtection: true,
      storageEncrypted: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    // CDK defaults: 1 day of backups, no deletion protection.
    defaultsCluster = new rds.DatabaseCluster(stack, 'Defaults', common);
    sevenDayInstance = l1('SevenDays', {});
    sevenDayInstance.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    deletedInstance = l1('Deleted', {});
    deletedInstance.applyRemovalPolicy(RemovalPolicy.DESTROY);
    tokenRetention = l1('TokenRetention', {});
    tokenRetention.applyRemovalPolicy(RemovalPolicy.RETAIN);
    tokenRetention.addPropertyOverride('BackupRetentionPeriod', new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber);
  });

  test('14 days of backups, deletion protection, encryption and a Snapshot policy are compliant', () => {
    expect(check(rule, protectedCluster)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('the CDK defaults (1 day, no deletion protection) are non-compliant', () => {
    expect(check(rule, defaultsCluster)).toEqual(['BackupRetentionPeriod is not set, needs >= 7 days (RDS keeps 1 day by default); DeletionProtection is not set, needs true; StorageEncrypted is not set, needs true']);
  });

  test('prod requires the configured retention: 7 days pass in staging, not in prod (14 configured)', () => {
    expect(rule.check(cfnOf(sevenDayInstance), ruleContextFor('staging'))).toBe(NagRuleCompliance.COMPLIANT);
    expect(rule.check(cfnOf(sevenDayInstance), ruleContextFor('prod', PROD))).toEqual(['BackupRetentionPeriod is 7, needs >= 14 days']);
  });

  test('DeletionPolicy Delete is non-compliant', () => {
    expect(check(rule, deletedInstance, 'staging')).toEqual(['DeletionPolicy is "Delete", needs Snapshot or Retain']);
  });

  test('an unresolvable retention is non-compliant, never compliant', () => {
    expect(check(rule, tokenRetention, 'staging')).toEqual(['BackupRetentionPeriod is Ref Days (not readable from the template), needs >= 7 days']);
  });

  test('the Readiness pack flags the unprotected databases and not the protected cluster', () => {
    const flagged = flaggedPaths(rule, stack, 'staging');
    expect(flagged).toEqual(expect.arrayContaining([cfnOf(defaultsCluster).node.path, deletedInstance.node.path, tokenRetention.node.path]));
    expect(flagged).not.toContain(cfnOf(protectedCluster).node.path);
    expect(flagged).not.toContain(sevenDayInstance.node.path);
  });
});
