import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  albAvailabilitySli,
  albLatencySli,
  BurnRateAlarms,
  isAlarmableWindow,
  SRE_WORKBOOK_POLICIES,
} from '../../../lib/constructs/observability/burn-rate-alarms';
import { newTestApp } from '../../helpers/synth';
import { ENV } from './fixtures';

function fixture() {
  const stack = new Stack(newTestApp(), 'Slo', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const routing = { criticalTopic: new sns.Topic(stack, 'Critical'), warningTopic: new sns.Topic(stack, 'Warning'), dashboardName: 'Prod-Observability' };
  return { stack, alb, routing };
}

describe('BurnRateAlarms for a 99.9% availability SLO (SRE workbook windows)', () => {
  let template: Template;
  let resources: Record<string, any>;
  beforeAll(() => {
    const { stack, alb, routing } = fixture();
    new BurnRateAlarms(stack, 'Availability', { ...routing, sli: albAvailabilitySli(alb), objectivePercent: 99.9 });
    new BurnRateAlarms(stack, 'Latency', { ...routing, sli: albLatencySli(alb, Duration.millis(500)), objectivePercent: 99 });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  const windowAlarm = (id: RegExp) => Object.entries(resources).find(([k, r]) => id.test(k) && r.Type === 'AWS::CloudWatch::Alarm')![1].Properties;
  const periodsOf = (alarm: any) => alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Period);

  test.each([
    ['Page1h', 0.0144, 3600, 300],
    ['Page6h', 0.006, 21600, 1800],
    ['Ticket3d', 0.001, 259200, 21600],
  ])('%s: error ratio above %d over a %d s window and a %d s window', (name, threshold, longSeconds, shortSeconds) => {
    const long = windowAlarm(new RegExp(`^Availability${name}LongWindow`));
    const short = windowAlarm(new RegExp(`^Availability${name}ShortWindow`));
    for (const [alarm, seconds] of [[long, longSeconds], [short, shortSeconds]] as const) {
      expect(alarm.Threshold).toBe(threshold);
      expect(alarm.EvaluationPeriods).toBe(1);
      expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(new Set(periodsOf(alarm))).toEqual(new Set([seconds]));
      expect(alarm.Metrics).toEqual(expect.arrayContaining([expect.objectContaining({ Expression: '(FILL(t5, 0) + FILL(e5, 0)) / req', ReturnData: true })]));
      // Window alarms feed the composite only.
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  test('each policy is a composite that needs both windows in ALARM and notifies its severity topic', () => {
    for (const policy of SRE_WORKBOOK_POLICIES) {
      const [id, composite] = Object.entries(resources).find(([k, r]) => r.Type === 'AWS::CloudWatch::CompositeAlarm' && k.startsWith(`Availability${policy.name}`))!;
      const rule = JSON.stringify(composite.Properties.AlarmRule);
      expect(rule).toContain(`Availability${policy.name}LongWindow`);
      expect(rule).toContain(`Availability${policy.name}ShortWindow`);
      expect(rule).toMatch(/\(ALARM\(.*\) AND ALARM\(/);
      const topic = policy.severity === 'critical' ? 'Critical' : 'Warning';
      expect(JSON.stringify(composite.Properties.AlarmActions)).toContain(topic);
      expect(id).toBeDefined();
    }
  });

  test('pages go to the critical topic, the 3-day ticket to the warning topic', () => {
    expect(SRE_WORKBOOK_POLICIES.map((p) => [p.name, p.burnRate, p.longWindow.toMinutes(), p.shortWindow.toMinutes(), p.severity])).toEqual([
      ['Page1h', 14.4, 60, 5, 'critical'],
      ['Page6h', 6, 360, 30, 'critical'],
      ['Ticket3d', 1, 4320, 360, 'warning'],
    ]);
  });

  test('the latency SLI is the share of requests slower than the threshold, from the PR(:0.5) statistic', () => {
    const long = windowAlarm(/^LatencyPage1hLongWindow/);
    expect(long.Threshold).toBe(0.144);
    expect(long.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Expression: '(100 - fast) / 100' }),
        expect.objectContaining({ MetricStat: expect.objectContaining({ Stat: 'PR(0:0.5)', Period: 3600 }) }),
      ]),
    );
  });

  test('the dashboard widgets show the error budget remaining over 30 days', () => {
    const { stack, alb, routing } = fixture();
    const slo = new BurnRateAlarms(stack, 'Availability', { ...routing, sli: albAvailabilitySli(alb), objectivePercent: 99.9 });
    const widget = JSON.stringify(stack.resolve(slo.widgets[0].toJson()));
    expect(widget).toContain('100 * (1 - bad / 0.001)');
    expect(widget).toContain('"period":2592000');
  });
});

describe('BurnRateAlarms validation and CloudWatch window limits', () => {
  test('CloudWatch evaluation ranges: under an hour at most 1 day, otherwise at most 7 days, multiples of 60 s', () => {
    expect(isAlarmableWindow(Duration.minutes(5))).toBe(true);
    expect(isAlarmableWindow(Duration.days(3))).toBe(true);
    expect(isAlarmableWindow(Duration.days(7))).toBe(true);
    expect(isAlarmableWindow(Duration.days(8))).toBe(false);
    expect(isAlarmableWindow(Duration.seconds(90))).toBe(false);
  });

  test('an objective whose page threshold exceeds 100% and a window CloudWatch refuses are both named', () => {
    const { stack, alb, routing } = fixture();
    expect(
      () =>
        new BurnRateAlarms(stack, 'Bad', {
          ...routing,
          sli: albAvailabilitySli(alb),
          objectivePercent: 90,
          policies: [{ name: 'Slow', burnRate: 1, longWindow: Duration.days(8), shortWindow: Duration.hours(6), severity: 'warning' }, SRE_WORKBOOK_POLICIES[0]],
        }),
    ).toThrow(/policies = \[1,14\.4\]: use burn rates .*\n.*policies = \[691200,21600,3600,300\]: use windows that are multiples of 60 s/);
  });
});
