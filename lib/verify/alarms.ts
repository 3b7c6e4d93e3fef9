import { CloudWatchClient, CompositeAlarm, DescribeAlarmsCommand, Dimension, MetricAlarm, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ControlStatus } from '../readiness/types';
import { toVerifyError } from './errors';
import { DriftAlarm } from './types';

/** DescribeAlarms accepts at most 100 names per call and returns at most 100 records per page. */
export const ALARM_NAMES_PER_CALL = 100;

const ACTION = 'cloudwatch:DescribeAlarms';

export interface CallContext {
  readonly region: string;
  readonly profile?: string;
}

/** Fetches the named metric alarms, 100 names per call, following NextToken. Absent names are not in the map. */
export async function describeAlarmsByName(
  client: CloudWatchClient,
  names: readonly string[],
  ctx: CallContext,
  onCall: () => void = () => undefined,
): Promise<Map<string, MetricAlarm>> {
  const found = new Map<string, MetricAlarm>();
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += ALARM_NAMES_PER_CALL) {
    const batch = unique.slice(i, i + ALARM_NAMES_PER_CALL);
    let nextToken: string | undefined;
    do {
      let out;
      try {
        out = await client.send(new DescribeAlarmsCommand({ AlarmNames: batch, MaxRecords: 100, NextToken: nextToken }));
      } catch (err) {
        const resource = batch.length === 1 ? `alarm ${batch[0]}` : `${batch.length} alarms (${batch[0]}, ...)`;
        throw toVerifyError(err, { action: ACTION, resource, ...ctx });
      }
      onCall();
      for (const alarm of out.MetricAlarms ?? []) if (alarm.AlarmName) found.set(alarm.AlarmName, alarm);
      nextToken = out.NextToken || undefined;
    } while (nextToken);
  }
  return found;
}

function actionsOf(alarm: MetricAlarm | CompositeAlarm): string[] {
  return [...(alarm.AlarmActions ?? []), ...(alarm.OKActions ?? []), ...(alarm.InsufficientDataActions ?? [])];
}

/**
 * Drift: alarms whose actions notify one of the stage's on-call topics but that the templates do not
 * declare. One filtered, paginated DescribeAlarms per topic (ActionPrefix), not a scan of every alarm.
 */
export async function findUndeclaredAlarms(
  client: CloudWatchClient,
  topicArns: readonly string[],
  declaredNames: ReadonlySet<string>,
  ctx: CallContext,
  onCall: () => void = () => undefined,
): Promise<DriftAlarm[]> {
  const drift = new Map<string, DriftAlarm>();
  for (const topicArn of [...new Set(topicArns)]) {
    let nextToken: string | undefined;
    do {
      let out;
      try {
        out = await client.send(
          new DescribeAlarmsCommand({
            ActionPrefix: topicArn,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: 100,
            NextToken: nextToken,
          }),
        );
      } catch (err) {
        throw toVerifyError(err, { action: ACTION, resource: `alarms with actions on ${topicArn}`, ...ctx });
      }
      onCall();
      for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        const name = alarm.AlarmName;
        // ActionPrefix is a prefix match: `...:oncall` also matches `...:oncall-test`.
        if (!name || declaredNames.has(name) || drift.has(name) || !actionsOf(alarm).includes(topicArn)) continue;
        drift.set(name, { alarmName: name, alarmArn: alarm.AlarmArn, region: ctx.region, state: alarm.StateValue, topicArn });
      }
      nextToken = out.NextToken || undefined;
    } while (nextToken);
  }
  return [...drift.values()].sort((a, b) => a.alarmName.localeCompare(b.alarmName));
}

function since(date: Date | undefined): string {
  return date ? ` since ${date.toISOString()}` : '';
}

function clip(text: string | undefined, max = 200): string {
  const line = (text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/**
 * One declared alarm: it must exist, have actions enabled, notify an on-call topic on ALARM, and be OK.
 * INSUFFICIENT_DATA is conditional (a fresh alarm, or a metric nobody emits yet); ALARM is missing.
 */
export function evaluateAlarm(
  alarm: MetricAlarm | undefined,
  alarmName: string,
  onCallTopicArns: ReadonlySet<string>,
  silence?: SilenceEvidence,
): { status: ControlStatus; reason: string } {
  if (!alarm) return { status: 'missing', reason: `alarm ${alarmName} does not exist in CloudWatch` };
  const problems: string[] = [];
  if (alarm.ActionsEnabled !== true) problems.push('actions are disabled, so it cannot page anyone');
  const actions = alarm.AlarmActions ?? [];
  if (onCallTopicArns.size === 0) {
    problems.push('the report declares no on-call SNS topic to check its actions against');
  } else if (!actions.some((a) => onCallTopicArns.has(a))) {
    problems.push(actions.length === 0 ? 'it has no alarm action' : `no alarm action on the on-call topic (actions: ${actions.join(', ')})`);
  }
  const state = alarm.StateValue;
  const silent = silence ? evaluateSilence(alarm, silence) : undefined;
  if (silent?.status === 'missing') problems.unshift(silent.reason);
  if (state === 'ALARM') problems.unshift(`in ALARM${since(alarm.StateUpdatedTimestamp)}: ${clip(alarm.StateReason)}`);
  else if (state !== 'OK' && state !== 'INSUFFICIENT_DATA') problems.push(`unknown state ${String(state)}`);
  if (problems.length > 0) return { status: 'missing', reason: problems.join('; ') };
  if (silent) return silent;
  if (state === 'INSUFFICIENT_DATA') {
    return { status: 'conditional', reason: `INSUFFICIENT_DATA${since(alarm.StateUpdatedTimestamp)}: ${clip(alarm.StateReason)}` };
  }
  return { status: 'ready', reason: `OK${since(alarm.StateUpdatedTimestamp)}, actions enabled, notifies the on-call topic` };
}

/** Evidence that an alarm's metric is published: datapoints in the window (undefined when not queried). */
export interface SilenceEvidence {
  readonly now: Date;
  /** An alarm in INSUFFICIENT_DATA longer than its evaluation window times this is silent. */
  readonly factor: number;
  /** The metric window queried, for the message. */
  readonly windowMs: number;
  /** Datapoints of the alarm's metric (of every metric of a math alarm) in the window. */
  readonly datapoints?: number;
}

/** The metric queries (SampleCount over the whole window) that show whether an alarm's metrics are published. */
export function alarmMetricQueries(alarm: MetricAlarm, idPrefix: string, periodSeconds: number): MetricDataQuery[] {
  const stat = (metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }, id: string): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: metric.Namespace, MetricName: metric.MetricName, Dimensions: metric.Dimensions ?? [] },
      Period: periodSeconds,
      Stat: 'SampleCount',
    },
    ReturnData: true,
  });
  if (alarm.MetricName && alarm.Namespace) return [stat({ Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }, `${idPrefix}_0`)];
  return (alarm.Metrics ?? [])
    .filter((m) => m.MetricStat?.Metric?.MetricName)
    .map((m, i) => stat(m.MetricStat!.Metric!, `${idPrefix}_${i}`));
}

/** The alarm's evaluation window: evaluation periods times the period (of the first metric of a math alarm). */
export function evaluationWindowMs(alarm: MetricAlarm): number | undefined {
  const period = alarm.Period ?? alarm.Metrics?.find((m) => m.MetricStat?.Period)?.MetricStat?.Period;
  if (!period || !alarm.EvaluationPeriods) return undefined;
  return period * alarm.EvaluationPeriods * 1000;
}

function hours(ms: number): string {
  const h = Math.round(ms / 360_000) / 10;
  return h >= 1 ? `${h} h` : `${Math.round(ms / 60_000)} min`;
}

/**
 * Silent: the alarm can never page. INSUFFICIENT_DATA for longer than its evaluation window times the
 * factor, or no datapoint of its metric(s) in the window (wrong dimensions, a metric nobody publishes).
 * A single-metric alarm that treats missing data as not breaching may watch an event-only metric
 * (5xx counts are published only when there are some): no datapoints makes it conditional, not silent.
 */
export function evaluateSilence(alarm: MetricAlarm, s: SilenceEvidence): { status: ControlStatus; reason: string } | undefined {
  const metric = alarm.MetricName ? `${alarm.Namespace}/${alarm.MetricName}` : `${(alarm.Metrics ?? []).filter((m) => m.MetricStat).length} metrics of its math expression`;
  const window = evaluationWindowMs(alarm);
  if (alarm.StateValue === 'INSUFFICIENT_DATA' && window && alarm.StateUpdatedTimestamp) {
    const stuck = s.now.getTime() - alarm.StateUpdatedTimestamp.getTime();
    if (stuck > window * s.factor) {
      return {
        status: 'missing',
        reason:
          `silent: INSUFFICIENT_DATA since ${alarm.StateUpdatedTimestamp.toISOString()} (${hours(stuck)}, more than ${s.factor} x its ` +
          `${hours(window)} evaluation window)${s.datapoints === 0 ? `; ${metric} had 0 datapoints in the last ${hours(s.windowMs)}` : ''}`,
      };
    }
  }
  if (s.datapoints === 0) {
    const reason = `silent: ${metric} had 0 datapoints in the last ${hours(s.windowMs)} (wrong dimensions, or a metric nobody publishes)`;
    if (alarm.MetricName && alarm.TreatMissingData === 'notBreaching' && alarm.StateValue === 'OK') {
      return { status: 'conditional', reason: `${reason}; missing data is treated as not breaching, so an event-only metric looks the same` };
    }
    return { status: 'missing', reason };
  }
  return undefined;
}
