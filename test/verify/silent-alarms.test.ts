import { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { alarmMetricQueries, evaluateAlarm, evaluateSilence } from '../../lib/verify/alarms';
import { API_ALARM, NOW, REGION, TOPIC_ARN } from './fixtures';

const HOUR = 3_600_000;
const topics = new Set([TOPIC_ARN]);
const silence = (datapoints?: number) => ({ now: NOW, factor: 3, windowMs: 24 * HOUR, datapoints });

function alarm(overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: API_ALARM,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:123456789012:alarm:${API_ALARM}`,
    ActionsEnabled: true,
    AlarmActions: [TOPIC_ARN],
    StateValue: 'OK',
    StateReason: 'fine',
    StateUpdatedTimestamp: new Date(NOW.getTime() - 2 * HOUR),
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'HTTPCode_Target_5XX_Count',
    Dimensions: [{ Name: 'LoadBalancer', Value: 'app/prod/abc' }],
    Period: 300,
    EvaluationPeriods: 3,
    ...overrides,
  };
}

describe('silent alarms', () => {
  test('an alarm with datapoints in the window is not silent', () => {
    expect(evaluateAlarm(alarm(), API_ALARM, topics, silence(288)).status).toBe('ready');
    expect(evaluateSilence(alarm(), silence(288))).toBeUndefined();
  });

  test('INSUFFICIENT_DATA for longer than 3 x its 15 min window is silent (missing), with since and the window', () => {
    const a = alarm({ StateValue: 'INSUFFICIENT_DATA', StateUpdatedTimestamp: new Date(NOW.getTime() - 50 * HOUR) });
    const r = evaluateAlarm(a, API_ALARM, topics, silence(0));
    expect(r.status).toBe('missing');
    expect(r.reason).toBe(
      'silent: INSUFFICIENT_DATA since 2026-11-19T10:00:00.000Z (50 h, more than 3 x its 15 min evaluation window); ' +
        'AWS/ApplicationELB/HTTPCode_Target_5XX_Count had 0 datapoints in the last 24 h',
    );
  });

  test('a fresh INSUFFICIENT_DATA (within 3 windows) stays conditional', () => {
    const a = alarm({ StateValue: 'INSUFFICIENT_DATA', StateUpdatedTimestamp: new Date(NOW.getTime() - 20 * 60_000) });
    expect(evaluateAlarm(a, API_ALARM, topics, silence(4)).status).toBe('conditional');
  });

  test('an OK alarm whose metric has no datapoint (wrong dimensions) is silent', () => {
    const r = evaluateAlarm(alarm({ TreatMissingData: 'missing' }), API_ALARM, topics, silence(0));
    expect(r).toEqual({ status: 'missing', reason: expect.stringMatching(/^silent: AWS\/ApplicationELB\/HTTPCode_Target_5XX_Count had 0 datapoints in the last 24 h \(wrong dimensions/) });
  });

  test('not breaching on missing data: an event-only metric cannot be told from a wrong one, so conditional', () => {
    const r = evaluateAlarm(alarm({ TreatMissingData: 'notBreaching' }), API_ALARM, topics, silence(0));
    expect(r.status).toBe('conditional');
    expect(r.reason).toMatch(/missing data is treated as not breaching/);
  });

  test('without metric evidence (not queried) nothing changes', () => {
    expect(evaluateAlarm(alarm(), API_ALARM, topics, silence(undefined)).status).toBe('ready');
  });

  test('queries: SampleCount of the metric, or of every metric of a math alarm', () => {
    expect(alarmMetricQueries(alarm(), 'a0', 86_400)).toEqual([
      {
        Id: 'a0_0',
        MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/prod/abc' }] }, Period: 86_400, Stat: 'SampleCount' },
        ReturnData: true,
      },
    ]);
    const math = alarm({
      MetricName: undefined,
      Namespace: undefined,
      Period: undefined,
      Metrics: [
        { Id: 'e', Expression: 'errors / requests' },
        { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5XXError' }, Period: 60, Stat: 'Sum' } },
        { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' }, Period: 60, Stat: 'Sum' } },
      ],
    });
    expect(alarmMetricQueries(math, 'a1', 86_400).map((q) => q.MetricStat!.Metric!.MetricName)).toEqual(['5XXError', 'Count']);
    expect(evaluateSilence(math, silence(0))?.reason).toMatch(/^silent: 2 metrics of its math expression had 0 datapoints/);
  });
});
