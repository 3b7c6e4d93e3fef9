import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { RolloutEnvironmentMonitored as rule } from '../../../../lib/aspects/rules/rollout/rollout-environment-monitored';
import { check, userStack } from '../rule-test-kit';

describe('Readiness-ROLLOUT-MONITORED', () => {
  let stack: Stack;
  const envs: Record<string, appconfig.CfnEnvironment> = {};

  beforeAll(() => {
    stack = userStack();
    const app = new appconfig.CfnApplication(stack, 'App', { name: 'shop' });
    const alarm = new cloudwatch.Alarm(stack, 'Errors', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com') });
    const env = (id: string, monitors?: appconfig.CfnEnvironment.MonitorsProperty[]) => (envs[id] = new appconfig.CfnEnvironment(stack, id, { applicationId: app.ref, name: id, monitors }));
    env('Monitored', [{ alarmArn: alarm.alarmArn, alarmRoleArn: role.roleArn }]);
    env('LiteralArns', [{ alarmArn: 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:api-5xx', alarmRoleArn: 'arn:aws:iam::111111111111:role/appconfig-monitor' }]);
    env('NoMonitors');
    env('EmptyMonitors', []);
    // Fooling: an alarm ARN from a parameter, a role that is not a role, a monitor naming a topic.
    const p = new CfnParameter(stack, 'AlarmArn');
    env('ParameterAlarm', [{ alarmArn: p.valueAsString, alarmRoleArn: role.roleArn }]);
    env('NoRole', [{ alarmArn: alarm.alarmArn }]);
    env('TopicNotAlarm', [{ alarmArn: 'arn:aws:sns:eu-west-1:111111111111:alerts', alarmRoleArn: role.roleArn }]);
  });

  test('an environment monitored by an alarm of the app, or a literal alarm ARN, with a role, is compliant', () => {
    expect(check(rule, envs.Monitored)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, envs.LiteralArns)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('no monitors fails, naming the property', () => {
    expect(check(rule, envs.NoMonitors)).toEqual(['Monitors is missing or empty']);
    expect(check(rule, envs.EmptyMonitors)).toEqual(['Monitors is missing or empty']);
  });

  test('fooling: a parameter, a missing role or an SNS ARN do not count as monitors', () => {
    expect(check(rule, envs.ParameterAlarm)).toEqual([expect.stringMatching(/Monitors\[0\]\.AlarmArn \{"Ref":"AlarmArn"\} is not a CloudWatch alarm/)]);
    expect(check(rule, envs.NoRole)).toEqual([expect.stringMatching(/Monitors\[0\]\.AlarmRoleArn null is not an IAM role/)]);
    expect(check(rule, envs.TopicNotAlarm)).toEqual([expect.stringMatching(/AlarmArn "arn:aws:sns:eu-west-1:111111111111:alerts" is not a CloudWatch alarm/)]);
  });

  test('only prod environments are checked', () => {
    expect(rule.stages).toEqual(['prod']);
    expect(rule.resourceTypes).toEqual(['AWS::AppConfig::Environment']);
  });
});
