import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { DatabaseHighlyAvailable as rule } from '../../../../lib/aspects/rules/database/database-highly-available';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-DB-HA', () => {
  let stack: Stack;
  let aurora: rds.DatabaseCluster;
  let auroraWriterOnly: rds.DatabaseCluster;
  let multiAzInstance: rds.DatabaseInstance;
  let singleAzInstance: rds.DatabaseInstance;
  let multiAzDbCluster: rds.CfnDBCluster;
  let pinnedCluster: rds.CfnDBCluster;
  let tokenInstance: rds.CfnDBInstance;
  let oracle: rds.CfnDBInstance;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
    aurora = new rds.DatabaseCluster(stack, 'Aurora', {
      engine,
      vpc,
      vpcSubnets,
      writer: rds.ClusterInstance.provisioned('Writer'),
      readers: [rds.ClusterInstance.provisioned('Reader')],
    });
    auroraWriterOnly = new rds.DatabaseCluster(stack, 'AuroraWriterOnly', { engine, vpc, vpcSubnets, writer: rds.ClusterInstance.provisioned('Writer') });
    const pgEngine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
    multiAzInstance = new rds.DatabaseInstance(stack, 'MultiAz', { engine: pgEngine, vpc, vpcSubnets, multiAz: true });
    singleAzInstance = new rds.DatabaseInstance(stack, 'SingleAz', { engine: pgEngine, vpc, vpcSubnets });
    multiAzDbCluster = new rds.CfnDBCluster(stack, 'MultiAzDbCluster', {
      engine: 'postgres',
      dbClusterInstanceClass: 'db.r6gd.large',
      allocatedStorage: 100,
      storageType: 'io1',
      iops: 1000,
    });
    // Two Aurora instances pinned to one zone: an AZ outage takes both.
    pinnedCluster = new rds.CfnDBCluster(stack, 'Pinned', { engine: 'aurora-mysql' });
    for (const id of ['PinnedA', 'PinnedB']) {
      new rds.CfnDBInstance(stack, id, { engine: 'aurora-mysql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: pinnedCluster.ref, availabilityZone: 'eu-west-1a' });
    }
    tokenInstance = new rds.CfnDBInstance(stack, 'FromParameter', { engine: 'mysql', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' });
    tokenInstance.addPropertyOverride('MultiAZ', new CfnParameter(stack, 'MultiAzParam', { type: 'String' }).valueAsString);
    oracle = new rds.CfnDBInstance(stack, 'Oracle', { engine: 'oracle-ee', dbInstanceClass: 'db.m5.large', allocatedStorage: '20' });
  });

  test('an Aurora cluster with a writer and a reader is compliant', () => {
    expect(check(rule, aurora)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a Multi-AZ instance and a Multi-AZ DB cluster are compliant', () => {
    expect(check(rule, multiAzInstance)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, multiAzDbCluster)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a single-AZ instance and a writer-only Aurora cluster are non-compliant', () => {
    expect(check(rule, singleAzInstance)).toEqual(['MultiAZ is not set, needs true']);
    expect(check(rule, auroraWriterOnly)).toEqual(['the Aurora cluster has 1 AWS::RDS::DBInstance, needs 2 or more (a writer and a reader)']);
  });

  test('two Aurora instances pinned to the same zone are non-compliant', () => {
    expect(check(rule, pinnedCluster)).toEqual(["the Aurora cluster's instances are not in 2 or more zones; AvailabilityZone is \"eu-west-1a\" on PinnedA, PinnedB"]);
  });

  test('cluster members and non-PostgreSQL/MySQL engines are not applicable', () => {
    expect(check(rule, aurora.node.findChild('Writer'))).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, oracle)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('an escape-hatch override is read: MultiAZ from an unresolvable parameter is non-compliant', () => {
    expect(check(rule, tokenInstance)).toEqual(['MultiAZ is Ref MultiAzParam (not readable from the template), needs true']);
  });

  test('the Readiness pack flags exactly the non-compliant databases', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(
      [cfnOf(singleAzInstance), cfnOf(auroraWriterOnly), pinnedCluster, tokenInstance].map((r) => r.node.path).sort(),
    );
  });
});
