import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsCommandInput, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { describeAlarmsByName, evaluateAlarm, findUndeclaredAlarms } from '../../lib/verify/alarms';
import { VerifyError } from '../../lib/verify/errors';
import { API_ALARM, REGION, TOPIC_ARN } from './fixtures';

const cw = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: REGION });
const ctx = { region: REGION };

function alarm(name: string, overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:123456789012:alarm:${name}`,
    ActionsEnabled: true,
    AlarmActions: [TOPIC_ARN],
    StateValue: 'OK',
    StateReason: 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (5.0).',
    StateUpdatedTimestamp: new Date('2026-11-21T10:00:00Z'),
    ...overrides,
  };
}

beforeEach(() => cw.reset());

describe('describeAlarmsByName', () => {
  test('batches 250 names into calls of at most 100 and follows NextToken within a batch', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `alarm-${i}`);
    cw.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
      const batch = input.AlarmNames ?? [];
      // Each batch comes back in two pages: first half with a token, then the rest.
      const half = Math.ceil(batch.length / 2);
      if (!input.NextToken) return { MetricAlarms: batch.slice(0, half).map((n) => alarm(n)), NextToken: `page2:${batch[0]}` };
      return { MetricAlarms: batch.slice(half).map((n) => alarm(n)) };
    });

    const found = await describeAlarmsByName(client, names, ctx);

    const calls = cw.commandCalls(DescribeAlarmsCommand);
    expect(calls).toHaveLength(6);
    expect(calls.map((c) => c.args[0].input.AlarmNames!.length)).toEqual([100, 100, 100, 100, 50, 50]);
    expect(calls.filter((c) => c.args[0].input.NextToken !== undefined)).toHaveLength(3);
    expect(calls[1].args[0].input.NextToken).toBe('page2:alarm-0');
    expect(found.size).toBe(250);
    expect(found.get('alarm-249')?.StateValue).toBe('OK');
  });

  test('a name that does not exist is simply absent from the result', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [alarm('present')] });
    const found = await describeAlarmsByName(client, ['present', 'gone'], ctx);
    expect([...found.keys()]).toEqual(['present']);
  });

  test('AccessDenied names the action and the alarms', async () => {
    cw.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const err = await describeAlarmsByName(client, [API_ALARM], ctx).catch((e) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect(err.kind).toBe('access-denied');
    expect(err.message).toMatch(/^Access denied: cloudwatch:DescribeAlarms on alarm Prod-Observability-Api5xxAlarm-1A2B3C in eu-west-1/);
  });

  test('throttling that outlasts the retry strategy is reported with the attempts', async () => {
    cw.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400, attempts: 3 } }));
    const err = await describeAlarmsByName(client, [API_ALARM], ctx).catch((e) => e);
    expect(err.kind).toBe('throttled');
    expect(err.message).toMatch(/cloudwatch:DescribeAlarms in eu-west-1 was still throttled after 3 attempts/);
  });
});

describe('findUndeclaredAlarms (drift)', () => {
  test('asks per on-call topic with ActionPrefix, pages, and keeps only undeclared alarms that notify the topic', async () => {
    cw.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
      if (!input.NextToken) {
        return {
          MetricAlarms: [alarm(API_ALARM), alarm('hand-made-latency', { StateValue: 'ALARM' })],
          NextToken: 't2',
        };
      }
      return {
        MetricAlarms: [alarm('other-topic', { AlarmActions: [`${TOPIC_ARN}-test`] })],
        CompositeAlarms: [{ AlarmName: 'composite-by-hand', AlarmActions: [TOPIC_ARN], StateValue: 'OK' }],
      };
    });

    const drift = await findUndeclaredAlarms(client, [TOPIC_ARN], new Set([API_ALARM]), ctx);

    const calls = cw.commandCalls(DescribeAlarmsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0].args[0].input).toMatchObject({ ActionPrefix: TOPIC_ARN, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(calls[0].args[0].input.AlarmNames).toBeUndefined();
    expect(drift.map((d) => d.alarmName)).toEqual(['composite-by-hand', 'hand-made-latency']);
    expect(drift[1]).toMatchObject({ region: REGION, state: 'ALARM', topicArn: TOPIC_ARN });
  });
});

describe('evaluateAlarm', () => {
  const topics = new Set([TOPIC_ARN]);

  test('OK with actions enabled and an action on the on-call topic is ready', () => {
    expect(evaluateAlarm(alarm(API_ALARM), API_ALARM, topics)).toEqual({
      status: 'ready',
      reason: expect.stringMatching(/^OK since 2026-11-21T10:00:00.000Z/),
    });
  });

  test('INSUFFICIENT_DATA is conditional and carries the state reason', () => {
    const r = evaluateAlarm(alarm(API_ALARM, { StateValue: 'INSUFFICIENT_DATA', StateReason: 'Unchecked: Initial alarm creation' }), API_ALARM, topics);
    expect(r.status).toBe('conditional');
    expect(r.reason).toMatch(/INSUFFICIENT_DATA.*Unchecked: Initial alarm creation/);
  });

  test('ALARM is missing, with when and why', () => {
    const r = evaluateAlarm(alarm(API_ALARM, { StateValue: 'ALARM', StateReason: 'Threshold Crossed: 3 datapoints > 5' }), API_ALARM, topics);
    expect(r.status).toBe('missing');
    expect(r.reason).toMatch(/^in ALARM since 2026-11-21T10:00:00.000Z: Threshold Crossed: 3 datapoints > 5/);
  });

  test('actions disabled is missing even when OK', () => {
    const r = evaluateAlarm(alarm(API_ALARM, { ActionsEnabled: false }), API_ALARM, topics);
    expect(r).toEqual({ status: 'missing', reason: expect.stringMatching(/actions are disabled/) });
  });

  test('an alarm that notifies another topic, or nobody, is missing', () => {
    const other = evaluateAlarm(alarm(API_ALARM, { AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:team-chat'] }), API_ALARM, topics);
    expect(other).toEqual({ status: 'missing', reason: expect.stringMatching(/no alarm action on the on-call topic \(actions: .*team-chat\)/) });
    const none = evaluateAlarm(alarm(API_ALARM, { AlarmActions: [] }), API_ALARM, topics);
    expect(none).toEqual({ status: 'missing', reason: expect.stringMatching(/no alarm action/) });
  });

  test('an OK-only action on the topic does not count: it must page on ALARM', () => {
    const r = evaluateAlarm(alarm(API_ALARM, { AlarmActions: [], OKActions: [TOPIC_ARN] }), API_ALARM, topics);
    expect(r.status).toBe('missing');
  });

  test('a declared alarm that does not exist is missing', () => {
    expect(evaluateAlarm(undefined, API_ALARM, topics)).toEqual({ status: 'missing', reason: `alarm ${API_ALARM} does not exist in CloudWatch` });
  });

  test('without a declared on-call topic no alarm can be ready', () => {
    expect(evaluateAlarm(alarm(API_ALARM), API_ALARM, new Set()).status).toBe('missing');
  });
});
