import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { prop, stringOf } from '../../rule-helpers';
import { elementsOf, referencedResource } from '../intrinsics';

const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

/** Why one monitor cannot roll a deployment back, or undefined when it can. */
function monitorGap(node: CfnResource, monitor: any, i: number): string | undefined {
  const alarmArn = monitor?.AlarmArn;
  const literal = stringOf(node, alarmArn);
  const alarm = referencedResource(node, alarmArn);
  const alarmOk = alarm ? ALARM_TYPES.includes(alarm.cfnResourceType) : literal !== undefined && /^arn:[^:]+:cloudwatch:[^:]+:\d{12}:alarm:.+$/.test(literal);
  if (!alarmOk) return `Monitors[${i}].AlarmArn ${JSON.stringify(Stack.of(node).resolve(alarmArn) ?? null)} is not a CloudWatch alarm the template names`;
  const role = monitor?.AlarmRoleArn;
  const roleLiteral = stringOf(node, role);
  const roleResource = referencedResource(node, role);
  const roleOk = roleResource ? roleResource.cfnResourceType === 'AWS::IAM::Role' : roleLiteral !== undefined && /^arn:[^:]+:iam::\d{12}:role\/.+$/.test(roleLiteral);
  if (!roleOk) return `Monitors[${i}].AlarmRoleArn ${JSON.stringify(Stack.of(node).resolve(role) ?? null)} is not an IAM role (AppConfig needs it to read the alarm)`;
  return undefined;
}

/**
 * Readiness-ROLLOUT-MONITORED: every AppConfig environment in prod has at least one alarm monitor
 * (an alarm ARN and the role AppConfig reads it with), so that an alarm during a rollout rolls it back:
 * the rollout pause criteria. Apps without AppConfig environments are not applicable.
 */
export const RolloutEnvironmentMonitored: ResourceRule = {
  kind: 'resource',
  id: 'ROLLOUT-MONITORED',
  controlId: 'CUSTOMER-ROLLOUT',
  category: 'operations',
  stages: ['prod'],
  resourceTypes: ['AWS::AppConfig::Environment'],
  info: 'A prod AppConfig environment has no alarm monitor: a bad flag or configuration rolls out to every customer without an automatic rollback.',
  explanation:
    'Rollout pause criteria are alarms AppConfig watches during a deployment and its bake; one in ALARM rolls the deployment back. ' +
    'Give the environment Monitors with AlarmArn (the service\'s critical alarm or tier roll-up) and AlarmRoleArn (a role AppConfig assumes with cloudwatch:DescribeAlarms), e.g. the CustomerRollout construct.',
  test: 'test/aspects/rules/rollout/rollout-environment-monitored.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const monitors = elementsOf(node, prop(node, 'Monitors'));
    if (monitors === undefined) return ['Monitors cannot be read'];
    if (monitors.length === 0) return ['Monitors is missing or empty'];
    const gaps = monitors.map((m, i) => monitorGap(node, m, i));
    return gaps.some((g) => g === undefined) ? NagRuleCompliance.COMPLIANT : gaps.filter((g): g is string => g !== undefined);
  },
};
