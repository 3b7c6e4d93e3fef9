import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CustomerRollout, CustomerRolloutProps } from '../../../lib/constructs/rollout';
import { newTestApp } from '../../helpers/synth';

describe('CustomerRollout', () => {
  const stack = new Stack(newTestApp(), 'Rollout', { env: { account: '333333333333', region: 'eu-west-1' } });
  const alarm = new cloudwatch.Alarm(stack, 'ServiceHealth', { metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }), threshold: 1, evaluationPeriods: 1 });
  const props: CustomerRolloutProps = {
    applicationName: 'shop',
    environmentName: 'prod',
    monitors: [alarm],
    deploymentDuration: Duration.minutes(60),
    growthPercent: 20,
    finalBake: Duration.minutes(30),
    flags: { newCheckout: false, publicSignup: true },
  };
  const rollout = new CustomerRollout(stack, 'CustomerRollout', props);
  const template = Template.fromStack(stack);

  test('the environment is monitored by the alarms, through a role that may DescribeAlarms on them', () => {
    template.hasResourceProperties('AWS::AppConfig::Environment', {
      Name: 'prod',
      Monitors: [{ AlarmArn: { 'Fn::GetAtt': [stack.getLogicalId(alarm.node.defaultChild as cloudwatch.CfnAlarm), 'Arn'] }, AlarmRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitorRole'), 'Arn'] } }],
    });
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'appconfig.amazonaws.com' } })] } });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [{ Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } }] } });
  });

  test('a linear strategy from the props, and a feature-flag profile with the launch flags', () => {
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', { GrowthType: 'LINEAR', GrowthFactor: 20, DeploymentDurationInMinutes: 60, FinalBakeTimeInMinutes: 30, ReplicateTo: 'NONE' });
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Type: 'AWS.AppConfig.FeatureFlags', LocationUri: 'hosted' });
    const versions = template.findResources('AWS::AppConfig::HostedConfigurationVersion');
    const content = JSON.parse(Object.values(versions)[0].Properties.Content);
    expect(content).toEqual({ version: '1', flags: { newCheckout: { name: 'newCheckout' }, publicSignup: { name: 'publicSignup' } }, values: { newCheckout: { enabled: false }, publicSignup: { enabled: true } } });
    expect(rollout.flagsProfile.type).toBe('AWS.AppConfig.FeatureFlags');
  });

  test('canary is exponential growth from the canary share', () => {
    const s = new Stack(newTestApp(), 'Canary');
    const a = new cloudwatch.Alarm(s, 'A', { metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }), threshold: 1, evaluationPeriods: 1 });
    new CustomerRollout(s, 'R', { ...props, monitors: [a], strategy: 'canary', growthPercent: 10 });
    Template.fromStack(s).hasResourceProperties('AWS::AppConfig::DeploymentStrategy', { GrowthType: 'EXPONENTIAL', GrowthFactor: 10 });
  });

  test('no monitor, a bad share or a bad flag name: one error naming each', () => {
    const s = new Stack(newTestApp(), 'Bad');
    expect(() => new CustomerRollout(s, 'R', { ...props, monitors: [], growthPercent: 0, flags: { '1bad': true } }))
      .toThrow(/monitors = 0: pass 1 to 5 alarms[\s\S]*growthPercent = 0[\s\S]*flags/);
  });
});
