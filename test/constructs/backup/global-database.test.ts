import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { addGlobalDatabasePrimary, GlobalDatabaseSecondary } from '../../../lib/constructs/backup/global-database';
import { newTestApp } from '../../helpers/synth';

describe('Aurora Global Database primary and secondary', () => {
  let primary: Template;
  let secondary: Template;
  let version: string | undefined;
  beforeAll(() => {
    const app = newTestApp();
    const data = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(data, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new rds.DatabaseCluster(data, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('Writer'),
    });
    version = addGlobalDatabasePrimary(data, 'readiness-prod-global');

    const dr = new Stack(app, 'Dr', { env: { account: '111111111111', region: 'eu-central-1' } });
    const drVpc = new ec2.Vpc(dr, 'Vpc', { availabilityZones: ['eu-central-1a', 'eu-central-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new GlobalDatabaseSecondary(dr, 'Secondary', { globalClusterIdentifier: 'readiness-prod-global', engineVersion: version!, vpc: drVpc, instanceType: 'r6g.large', port: 5433 });
    primary = Template.fromStack(data);
    secondary = Template.fromStack(dr);
  });

  test('the primary cluster becomes the source of a retained, deletion-protected global cluster', () => {
    expect(version).toBe('16.4');
    primary.hasResource('AWS::RDS::GlobalCluster', {
      DeletionPolicy: 'Retain',
      Properties: { GlobalClusterIdentifier: 'readiness-prod-global', SourceDBClusterIdentifier: { Ref: Match.stringLikeRegexp('^Cluster') }, DeletionProtection: true },
    });
  });

  test('the secondary joins it encrypted with a DR-region key, protected, snapshotted on removal, with two instances', () => {
    secondary.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({
        GlobalClusterIdentifier: 'readiness-prod-global',
        EngineVersion: '16.4',
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecondaryKey'), 'Arn'] },
        DeletionProtection: true,
        MasterUsername: Match.absent(),
        Port: 5433,
      }),
    });
    secondary.resourcePropertiesCountIs('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6g.large', PubliclyAccessible: false }, 2);
  });

  test('the secondary uses IAM authentication and alarms when replication lag exceeds the regional RPO', () => {
    secondary.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: true });
    secondary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuroraGlobalDBReplicationLag',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: { Ref: Match.stringLikeRegexp('^SecondaryCluster') } }],
      Threshold: 60000,
      TreatMissingData: 'breaching',
    });
  });

  test('the secondary accepts no ingress until a failover', () => {
    secondary.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent(), GroupDescription: Match.stringLikeRegexp('no ingress') });
  });

  test('rejects a bad engine version and instance type in one error', () => {
    const stack = new Stack(newTestApp(), 'Bad', { env: { account: '111111111111', region: 'eu-central-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-central-1a', 'eu-central-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new GlobalDatabaseSecondary(stack, 'S', { globalClusterIdentifier: 'g', engineVersion: 'latest', vpc, instanceType: 'db.r6g.large' })).toThrow(
      /engineVersion = "latest"[\s\S]*instanceType = "db.r6g.large"/,
    );
  });
});
