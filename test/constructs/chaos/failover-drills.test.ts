import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { FailoverDrills } from '../../../lib/constructs/chaos/failover-drills';
import { newTestApp } from '../../helpers/synth';

describe('FailoverDrills', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Drills', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1234', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] });
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'web', vpc });
    const service = ecs.FargateService.fromFargateServiceAttributes(stack, 'Service', { cluster, serviceName: 'api' });
    const alarm = (id: string) => cloudwatch.Alarm.fromAlarmArn(stack, id, `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:${id}`);
    new FailoverDrills(stack, 'Drills', {
      availabilityZone: 'eu-west-1a',
      vpc,
      taskCluster: cluster,
      taskService: service,
      taskStopPercent: 30,
      databaseStopAlarm: alarm('DatabaseHealth'),
      cacheStopAlarm: alarm('CacheHealth'),
      serviceStopAlarm: alarm('ServiceHealth'),
    });
    template = Template.fromStack(stack);
  });

  test('fails over tagged Aurora clusters and stops on the database tier alarm', () => {
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { Clusters: { ResourceType: 'aws:rds:cluster', ResourceTags: { 'readiness:drill': 'enabled' }, SelectionMode: 'ALL' } },
      Actions: { Failover: { ActionId: 'aws:rds:failover-db-cluster', Targets: { Clusters: 'Clusters' } } },
      StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:DatabaseHealth' }],
      LogConfiguration: { LogSchemaVersion: 2, CloudWatchLogsConfiguration: { LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrillsLogs'), 'Arn'] } } },
    });
  });

  test('interrupts the cache power in one zone', () => {
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { ReplicationGroups: Match.objectLike({ ResourceType: 'aws:elasticache:replicationgroup', Parameters: { availabilityZoneIdentifier: 'eu-west-1a' } }) },
      Actions: { InterruptAzPower: Match.objectLike({ ActionId: 'aws:elasticache:replicationgroup-interrupt-az-power', Parameters: { duration: 'PT10M' } }) },
      StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: Match.stringLikeRegexp('CacheHealth') }],
    });
  });

  test('stops a share of the service tasks and cuts one zone off', () => {
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { Tasks: { ResourceType: 'aws:ecs:task', SelectionMode: 'PERCENT(30)', Parameters: { cluster: 'web', service: 'api' } } },
    });
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { Subnets: { ResourceType: 'aws:ec2:subnet', SelectionMode: 'ALL', Parameters: { availabilityZoneIdentifier: 'eu-west-1a', vpc: 'vpc-1234' } } },
      Actions: { DisruptConnectivity: Match.objectLike({ ActionId: 'aws:network:disrupt-connectivity', Parameters: { duration: 'PT5M', scope: 'all' } }) },
    });
    template.resourceCountIs('AWS::FIS::ExperimentTemplate', 4);
  });

  test('the drill role may fail over and interrupt only tagged resources', () => {
    const tagged = { StringEquals: { 'aws:ResourceTag/readiness:drill': 'enabled' } };
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'rds:FailoverDBCluster', Condition: tagged }),
          Match.objectLike({ Action: 'elasticache:InterruptClusterAzPower', Condition: tagged }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'fis.amazonaws.com' } })] } });
  });

  test('keeps the experiment log encrypted with a rotated key', () => {
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ KmsKeyId: Match.anyValue(), RetentionInDays: 365 }) });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('without alarms the drills have no stop condition, and a cluster without a service is rejected', () => {
    const stack = new Stack(newTestApp(), 'Bare', { env: { account: '111111111111', region: 'eu-west-1' } });
    new FailoverDrills(stack, 'Drills', { availabilityZone: 'eu-west-1b' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::FIS::ExperimentTemplate', 2);
    t.allResourcesProperties('AWS::FIS::ExperimentTemplate', { StopConditions: [{ Source: 'none' }] });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] });
    expect(() => new FailoverDrills(stack, 'Half', { availabilityZone: 'eu-west-1', taskCluster: ecs.Cluster.fromClusterAttributes(stack, 'C', { clusterName: 'c', vpc }) })).toThrow(
      /availabilityZone = "eu-west-1"[\s\S]*taskService = false: give taskCluster and taskService together/,
    );
  });
});
