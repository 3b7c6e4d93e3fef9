import { CloudWatchClient, CompositeAlarm, DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
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
  if (state === 'ALARM') problems.unshift(`in ALARM${since(alarm.StateUpdatedTimestamp)}: ${clip(alarm.StateReason)}`);
  else if (state !== 'OK' && state !== 'INSUFFICIENT_DATA') problems.push(`unknown state ${String(state)}`);
  if (problems.length > 0) return { status: 'missing', reason: problems.join('; ') };
  if (state === 'INSUFFICIENT_DATA') {
    return { status: 'conditional', reason: `INSUFFICIENT_DATA${since(alarm.StateUpdatedTimestamp)}: ${clip(alarm.StateReason)}` };
  }
  return { status: 'ready', reason: `OK${since(alarm.StateUpdatedTimestamp)}, actions enabled, notifies the on-call topic` };
}
