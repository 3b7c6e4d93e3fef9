import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance } from 'cdk-nag';
import { SloBurnRateAlerted as rule } from '../../../../lib/aspects/rules/observability/slo-burn-rate-alerted';
import { albAvailabilitySli, BurnRateAlarms } from '../../../../lib/constructs/observability/burn-rate-alarms';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check, flaggedPaths } from '../rule-test-kit';

function userApp(): { app: App; stack: Stack; alb: elbv2.ApplicationLoadBalancer; internal: elbv2.ApplicationLoadBalancer; topic: sns.Topic } {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Public', { vpc, internetFacing: true });
  const internal = new elbv2.ApplicationLoadBalancer(stack, 'Internal', { vpc, internetFacing: false });
  return { app, stack, alb, internal, topic: new sns.Topic(stack, 'Pager') };
}

/** A hand-written burn-rate alert, as a user without the project's constructs would write it. */
function handWrittenBurnRate(stack: Stack, alb: elbv2.ApplicationLoadBalancer, topic: sns.Topic, windows: [Duration, Duration]): cloudwatch.CompositeAlarm {
  const ratio = (w: Duration) =>
    new cloudwatch.MathExpression({
      expression: 'e / r',
      usingMetrics: { e: alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: w }), r: alb.metrics.requestCount({ period: w }) },
      period: w,
    });
  const [long, short] = windows.map((w, i) => ratio(w).createAlarm(stack, `Window${i}`, { threshold: 0.0144, evaluationPeriods: 1 }));
  const composite = new cloudwatch.CompositeAlarm(stack, 'Burn', {
    alarmRule: cloudwatch.AlarmRule.allOf(cloudwatch.AlarmRule.fromAlarm(long, cloudwatch.AlarmState.ALARM), cloudwatch.AlarmRule.fromAlarm(short, cloudwatch.AlarmState.ALARM)),
  });
  composite.addAlarmAction(new actions.SnsAction(topic));
  return composite;
}

describe('Readiness-SLO', () => {
  test('a public ALB with BurnRateAlarms on its availability is compliant', () => {
    const { stack, alb, topic } = userApp();
    new BurnRateAlarms(stack, 'Slo', { sli: albAvailabilitySli(alb), objectivePercent: 99.9, criticalTopic: topic, warningTopic: topic, dashboardName: 'd' });
    expect(check(rule, alb)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a hand-written composite ANDing a 1 h and a 5 min metric-math alarm with an SNS action is compliant', () => {
    const { stack, alb, topic } = userApp();
    handWrittenBurnRate(stack, alb, topic, [Duration.hours(1), Duration.minutes(5)]);
    expect(check(rule, alb)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a public ALB with only a plain 5xx alarm is non-compliant', () => {
    const { stack, alb, topic } = userApp();
    alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT).createAlarm(stack, 'Errors', { threshold: 10, evaluationPeriods: 1 }).addAlarmAction(new actions.SnsAction(topic));
    expect(check(rule, alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('two windows of the same length are not multi-window; a composite without an action pages nobody', () => {
    const same = userApp();
    handWrittenBurnRate(same.stack, same.alb, same.topic, [Duration.hours(1), Duration.hours(1)]);
    expect(check(rule, same.alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
    const silent = userApp();
    const composite = handWrittenBurnRate(silent.stack, silent.alb, silent.topic, [Duration.hours(1), Duration.minutes(5)]);
    (composite.node.defaultChild as cloudwatch.CfnCompositeAlarm).addPropertyDeletionOverride('AlarmActions');
    expect(check(rule, silent.alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an internal ALB is not applicable; an unresolvable Scheme counts as public', () => {
    const { internal, alb } = userApp();
    expect(check(rule, internal)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    (alb.node.defaultChild as elbv2.CfnLoadBalancer).addPropertyOverride('Scheme', { Ref: 'SchemeParameter' });
    expect(check(rule, alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('the rule runs in prod only', () => {
    const { app } = userApp();
    expect(flaggedPaths(rule, app, 'prod')).toEqual(['UserStack/Public/Resource']);
    expect(flaggedPaths(rule, app, 'staging')).toEqual([]);
  });
});
