import { MetricAlarm, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ControlStatus } from '../readiness/types';
import { age, CheckContext, ControlCheck, row } from './checks';
import { describeAlarmsByName } from './alarms';
import { DeployedResource } from './inventory';
import { getMetricValues, windowPeriodSeconds } from './metric-data';
import { LiveResourceResult } from './types';

const ALARM_TYPE = 'AWS::CloudWatch::Alarm';
const BURN_RATE = /(\d+(?:\.\d+)?)x burn-rate/;

/** A burn-rate alarm: its SLI's metric math, and the error budget (threshold / burn rate). */
export interface SloAlarm {
  readonly alarm: MetricAlarm;
  readonly errorBudget: number;
  readonly burnRate: number;
}

/** Burn-rate alarms (description names `<n>x burn-rate`, threshold = n x error budget, metric math). */
export function burnRateAlarm(alarm: MetricAlarm): SloAlarm | undefined {
  const m = BURN_RATE.exec(alarm.AlarmDescription ?? '');
  if (!m || !alarm.Metrics?.some((q) => q.Expression && q.ReturnData !== false) || alarm.Threshold === undefined) return undefined;
  const burnRate = Number(m[1]);
  if (!(burnRate > 0)) return undefined;
  return { alarm, burnRate, errorBudget: Number((alarm.Threshold / burnRate).toPrecision(6)) };
}

/** The SLI of a burn-rate alarm, with every period set to the SLO window: one error ratio over the window. */
export function sliQueries(alarm: MetricAlarm, periodSeconds: number, prefix: string): { queries: MetricDataQuery[]; resultId: string } {
  const ids = new Map((alarm.Metrics ?? []).map((q) => [q.Id!, `${prefix}_${q.Id}`]));
  let resultId = '';
  const queries = (alarm.Metrics ?? []).map((q) => {
    const id = ids.get(q.Id!)!;
    const returns = q.ReturnData !== false && q.Expression !== undefined;
    if (returns) resultId = id;
    if (q.Expression) {
      // Expressions refer to the other queries by ID: rename them with the prefix.
      const expression = q.Expression.replace(/\b[a-z][a-zA-Z0-9_]*\b/g, (w) => ids.get(w) ?? w);
      return { Id: id, Expression: expression, Period: periodSeconds, ReturnData: returns };
    }
    return { Id: id, MetricStat: { ...q.MetricStat!, Period: periodSeconds }, ReturnData: false };
  });
  return { queries, resultId };
}

/** Attainment over the window against the objective, with the share of the error budget left. */
export function evaluateSlo(
  name: string,
  errorRatio: number | undefined,
  errorBudget: number,
  windowMs: number,
): { status: ControlStatus; reason: string } {
  const objective = Number(((1 - errorBudget) * 100).toPrecision(6));
  if (errorRatio === undefined) return { status: 'conditional', reason: `${name}: no datapoint over ${age(windowMs)} (no requests?), objective ${objective}%` };
  const attained = Number(((1 - errorRatio) * 100).toFixed(3));
  const left = Math.round((1 - errorRatio / errorBudget) * 1000) / 10;
  const what = `${name}: ${attained}% over ${age(windowMs)}, objective ${objective}%, error budget left ${left}%`;
  return errorRatio <= errorBudget ? { status: 'ready', reason: what } : { status: 'missing', reason: `${what}: objective missed` };
}

/**
 * SLO attainment: for each SLI of the stage's burn-rate alarms (one alarm per distinct SLI), its error
 * ratio over the SLO window from the same metric math the alarms use, against the objective.
 */
export const sloCheck: ControlCheck = {
  check: 'slo',
  control: 'SLO',
  needs: 'burn-rate alarm',
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const out: LiveResourceResult[] = [];
    const windowMs = ctx.settings.sloWindowMs;
    const period = Math.ceil(windowPeriodSeconds(windowMs) / 3600) * 3600;
    const alarms = ctx.inventory.ofType(ALARM_TYPE);
    for (const region of [...new Set(alarms.map((a) => a.region))].sort()) {
      const here = alarms.filter((a) => a.region === region);
      const found = await describeAlarmsByName(ctx.clients.cloudWatch(region), here.map((a) => a.physicalId), { region, profile: ctx.profile });
      const bySli = new Map<string, { slo: SloAlarm; resource: DeployedResource }>();
      for (const resource of here) {
        const alarm = found.get(resource.physicalId);
        const slo = alarm ? burnRateAlarm(alarm) : undefined;
        if (!slo) continue;
        // The SLI without its periods: every burn-rate window of one SLI maps to the same key.
        const key = JSON.stringify((alarm!.Metrics ?? []).map((q) => [q.Expression, q.MetricStat?.Metric, q.MetricStat?.Stat]));
        const seen = bySli.get(key);
        if (!seen || slo.burnRate < seen.slo.burnRate) bySli.set(key, { slo, resource });
      }
      const entries = [...bySli.values()];
      const built = entries.map((e, i) => sliQueries(e.slo.alarm, period, `s${i}`));
      if (entries.length === 0) continue;
      const values = await getMetricValues(
        ctx.clients.cloudWatch(region),
        built.flatMap((b) => b.queries),
        new Date(ctx.now.getTime() - windowMs),
        ctx.now,
        { region, profile: ctx.profile, resource: `SLIs of ${entries.length} burn-rate alarms` },
      );
      entries.forEach((e, i) => {
        const ratio = values.get(built[i].resultId)?.[0];
        const v = evaluateSlo(e.slo.alarm.AlarmName ?? e.resource.physicalId, ratio, e.slo.errorBudget, windowMs);
        out.push(row(e.resource, v.status, v.reason, ctx.now));
      });
    }
    return out;
  },
};
