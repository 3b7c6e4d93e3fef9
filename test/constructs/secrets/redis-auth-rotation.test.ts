import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { StagedAwsSolutionsChecks } from '../../../lib/aspects/aws-solutions';
import { ResilientRedis } from '../../../lib/constructs/cache/resilient-redis';
import { newTestApp } from '../../helpers/synth';

function build(props: { authTokenRotation?: Duration; withTopic?: boolean } = {}) {
  const app = newTestApp();
  const stack = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const topic = props.withTopic ? new sns.Topic(stack, 'Critical') : undefined;
  const cache = new ResilientRedis(stack, 'Cache', { vpc, authTokenRotation: props.authTokenRotation, rotationAlarmTopic: topic });
  return { stack, cache, topic };
}

describe('ResilientRedis AUTH token rotation', () => {
  let template: Template;
  let stack: Stack;
  let cache: ResilientRedis;

  beforeAll(() => {
    ({ stack, cache } = build({ withTopic: true }));
    template = Template.fromStack(stack);
  });

  test('the AUTH token secret has a 30-day rotation schedule run by the function, after the group exists', () => {
    const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
    const [id, schedule] = Object.entries(schedules)[0];
    expect(Object.keys(schedules)).toHaveLength(1);
    expect(schedule.Properties.SecretId).toEqual({ Ref: stack.getLogicalId(cache.authTokenSecret.node.defaultChild as never) });
    expect(schedule.Properties.RotationLambdaARN).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(cache.authTokenRotation.function.node.defaultChild as never), 'Arn'],
    });
    expect(schedule.Properties.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    expect(schedule.DependsOn).toContain(stack.getLogicalId(cache.replicationGroup));
    expect(id).toBeDefined();
  });

  test('the function runs in the VPC private subnets, long enough to wait out a modification, with the group ID', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 900,
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('AuthTokenRotationSecurityGroup'), 'GroupId'] }] },
      Environment: { Variables: { REPLICATION_GROUP_ID: { Ref: stack.getLogicalId(cache.replicationGroup) }, TOKEN_FIELD: 'authToken' } },
      KmsKeyArn: Match.anyValue(),
    });
  });

  test('IAM is least privilege: this secret, this group, random passwords only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const rotate = statements.find((s) => [].concat(s.Action).includes('secretsmanager:UpdateSecretVersionStage' as never));
    expect(rotate.Resource).toEqual({ Ref: stack.getLogicalId(cache.authTokenSecret.node.defaultChild as never) });
    const group = statements.find((s) => s.Sid === 'SetTokenOnThisGroup');
    expect(group.Action).toEqual(['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup']);
    expect(JSON.stringify(group.Resource)).toContain('replicationgroup:');
    expect(group.Resource).not.toContain('*');
    const wildcard = statements.filter((s) => s.Resource === '*');
    expect(wildcard.map((s) => s.Action)).toEqual(['secretsmanager:GetRandomPassword']);
  });

  test('the cache admits the function on its port; the function egresses only to the cache and HTTPS', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId(cache.securityGroup.node.defaultChild as never), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuthTokenRotationSecurityGroup'), 'GroupId'] },
      FromPort: 6380,
      ToPort: 6380,
    });
    const sg = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).find(([id]) => /AuthTokenRotationSecurityGroup/.test(id))![1];
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuthTokenRotationSecurityGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(cache.securityGroup.node.defaultChild as never), 'GroupId'] },
      FromPort: 6380,
    });
  });

  test('a failed rotation raises an alarm on the given topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(cache.authTokenRotation.function.node.defaultChild as never) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Critical') }],
    });
  });

  test('AwsSolutions has nothing unacknowledged on the rotation (managed Lambda policies and the two scoped wildcards carry reasons)', () => {
    const report = new StagedAwsSolutionsChecks(undefined, { stage: 'prod' }).validateScope(stack);
    const mine = report.violations.flatMap((v) => v.violatingResources.filter((r) => /AuthTokenRotation/.test(r.constructPath ?? '')).map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(mine).toEqual([]);
    const acknowledged = cache.authTokenRotation.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
  });

  test('the function logs to a KMS-encrypted, retained log group', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: Match.anyValue(), RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('ResilientRedis AUTH token rotation props', () => {
  test('an interval outside 1 to 365 whole days is refused with the fix', () => {
    expect(() => build({ authTokenRotation: Duration.days(400) })).toThrow(/rotationInterval = 400: rotate every 1 to 365 whole days/);
  });
});
