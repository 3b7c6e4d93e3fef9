import { App, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { AlarmedAndRouted as rule } from '../../../../lib/aspects/rules/observability/alarmed-and-routed';
import { enforceReadiness, evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check, flaggedPaths } from '../rule-test-kit';

/** A user's app: an Aurora cluster and a queue, with or without alarms on them. */
function userApp(alarms: 'routed' | 'unrouted' | 'none' | 'cross-stack'): { app: App; stack: Stack; cluster: rds.DatabaseCluster; queue: sqs.Queue; alarm?: cloudwatch.Alarm } {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 });
  const cluster = new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.provisioned('Writer'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  const queue = new sqs.Queue(stack, 'Jobs');
  if (alarms === 'none') return { app, stack, cluster, queue };
  const alarmStack = alarms === 'cross-stack' ? new Stack(app, 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } }) : stack;
  const topic = new sns.Topic(alarmStack, 'OnCall');
  const alarm = cluster.metricCPUUtilization().createAlarm(alarmStack, 'DbCpu', { threshold: 80, evaluationPeriods: 3 });
  const queueAlarm = queue.metricApproximateAgeOfOldestMessage().createAlarm(alarmStack, 'QueueAge', { threshold: 300, evaluationPeriods: 3 });
  if (alarms !== 'unrouted') {
    alarm.addAlarmAction(new actions.SnsAction(topic));
    queueAlarm.addAlarmAction(new actions.SnsAction(topic));
  }
  return { app, stack, cluster, queue, alarm };
}

describe('Readiness-ALARMS', () => {
  test('a cluster and a queue with alarms on their own metrics, each notifying SNS, are compliant', () => {
    const { cluster, queue, alarm } = userApp('routed');
    expect(check(rule, cluster)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, queue)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, alarm!)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster and a queue without any alarm are non-compliant', () => {
    const { cluster, queue } = userApp('none');
    expect(check(rule, cluster)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, queue)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an alarm without an SNS action is non-compliant; so is one whose actions are disabled', () => {
    const { alarm } = userApp('unrouted');
    expect(check(rule, alarm!)).toBe(NagRuleCompliance.NON_COMPLIANT);
    const routed = userApp('routed');
    (routed.alarm!.node.defaultChild as cloudwatch.CfnAlarm).addPropertyOverride('ActionsEnabled', false);
    expect(check(rule, routed.alarm!)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an alarm whose action is an unresolvable parameter is non-compliant, a literal SNS ARN is compliant', () => {
    const { alarm } = userApp('unrouted');
    const cfn = alarm!.node.defaultChild as cloudwatch.CfnAlarm;
    cfn.addPropertyOverride('AlarmActions', [{ Ref: 'SomeParameter' }]);
    expect(check(rule, alarm!)).toBe(NagRuleCompliance.NON_COMPLIANT);
    cfn.addPropertyOverride('AlarmActions', ['arn:aws:sns:eu-west-1:111111111111:oncall']);
    expect(check(rule, alarm!)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a window alarm without actions is compliant when a composite that notifies SNS reads it', () => {
    const { stack, cluster } = userApp('none');
    const window = cluster.metricCPUUtilization().createAlarm(stack, 'Window', { threshold: 90, evaluationPeriods: 1 });
    expect(check(rule, window)).toBe(NagRuleCompliance.NON_COMPLIANT);
    const composite = new cloudwatch.CompositeAlarm(stack, 'Both', { alarmRule: cloudwatch.AlarmRule.allOf(cloudwatch.AlarmRule.fromAlarm(window, cloudwatch.AlarmState.ALARM)) });
    expect(check(rule, window)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, composite)).toBe(NagRuleCompliance.NON_COMPLIANT);
    composite.addAlarmAction(new actions.SnsAction(new sns.Topic(stack, 'Pager')));
    expect(check(rule, window)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, composite)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a step-scaling alarm is a control loop: not applicable, and it does not count as the queue\'s alarm', () => {
    const { stack, queue } = userApp('none');
    const target = new appscaling.ScalableTarget(stack, 'Workers', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: 'service/cluster/worker',
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: 1,
      maxCapacity: 4,
    });
    target.scaleOnMetric('Depth', { metric: queue.metricApproximateNumberOfMessagesVisible(), scalingSteps: [{ upper: 0, change: -1 }, { lower: 100, change: +1 }] });
    const scalingAlarms = stack.node.findAll().filter((c): c is cloudwatch.CfnAlarm => c instanceof cloudwatch.CfnAlarm);
    expect(scalingAlarms).toHaveLength(2);
    for (const a of scalingAlarms) expect(check(rule, a)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, queue)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('alarms in another stack count once the app is prepared (cross-stack exports)', () => {
    const { app, cluster, queue } = userApp('cross-stack');
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [rule] });
    app.synth({ validateOnSynthesis: false });
    expect(report.validateScope(app).violations).toEqual([]);
    expect(check(rule, cluster)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, queue)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('the pack flags the unwatched cluster and queue by path', () => {
    const { app } = userApp('none');
    expect(flaggedPaths(rule, app)).toEqual(expect.arrayContaining(['UserStack/Db/Resource', 'UserStack/Jobs/Resource']));
  });

  test("a user's app with a database and no alarms fails the prod gate with Readiness-ALARMS", () => {
    const evaluation = evaluateReadiness(userApp('none').app, { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(evaluation.readiness.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-ALARMS', severity: 'error' })]);
    const { app } = userApp('none');
    enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(() => app.synth()).toThrow(/Readiness-ALARMS|Validation failed/);
  });
});
