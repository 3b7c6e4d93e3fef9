import { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ControlStatus } from '../readiness/types';
import { age, CheckContext, ControlCheck, row } from './checks';
import { getMetricValues, windowPeriodSeconds } from './metric-data';
import { LiveResourceResult } from './types';

export const CANARY_TYPE = 'AWS::Synthetics::Canary';

/**
 * Success rate from the metrics every canary run publishes (`CloudWatchSynthetics` `SuccessPercent`,
 * dimension `CanaryName`): the average over the window is the share of passed runs, the sample count
 * is the number of runs. Read with GetMetricData, so the check needs no Synthetics permission.
 */
export function evaluateCanary(
  name: string,
  successPercent: number | undefined,
  runs: number,
  targetPercent: number,
  windowMs: number,
): { status: ControlStatus; reason: string } {
  if (runs === 0 || successPercent === undefined) {
    return { status: 'missing', reason: `canary ${name} published no run in the last ${age(windowMs)} (stopped, or never started)` };
  }
  const rate = Math.round(successPercent * 100) / 100;
  const failed = Math.round(runs * (1 - successPercent / 100));
  const what = `canary ${name}: ${rate}% of ${runs} runs passed in the last ${age(windowMs)} (${failed} failed), SLO target ${targetPercent}%`;
  return rate >= targetPercent ? { status: 'ready', reason: what } : { status: 'missing', reason: `${what}: below target` };
}

export const canariesCheck: ControlCheck = {
  check: 'canaries',
  control: 'HEALTH-CHECK',
  needs: `${CANARY_TYPE}`,
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const canaries = ctx.inventory.ofType(CANARY_TYPE);
    const windowMs = ctx.settings.sinceMs;
    const end = ctx.now;
    const start = new Date(end.getTime() - windowMs);
    const period = windowPeriodSeconds(windowMs);
    const out: LiveResourceResult[] = [];
    for (const region of [...new Set(canaries.map((c) => c.region))].sort()) {
      const here = canaries.filter((c) => c.region === region);
      const queries: MetricDataQuery[] = here.flatMap((c, i) => {
        const metric = { Namespace: 'CloudWatchSynthetics', MetricName: 'SuccessPercent', Dimensions: [{ Name: 'CanaryName', Value: c.physicalId }] };
        return [
          { Id: `avg${i}`, MetricStat: { Metric: metric, Period: period, Stat: 'Average' }, ReturnData: true },
          { Id: `n${i}`, MetricStat: { Metric: metric, Period: period, Stat: 'SampleCount' }, ReturnData: true },
        ];
      });
      const values = await getMetricValues(ctx.clients.cloudWatch(region), queries, start, end, {
        region,
        profile: ctx.profile,
        resource: `SuccessPercent of ${here.length} canaries`,
      });
      here.forEach((c, i) => {
        const avgs = values.get(`avg${i}`) ?? [];
        const counts = values.get(`n${i}`) ?? [];
        const runs = counts.reduce((a, b) => a + b, 0);
        // One period covers the window; with more, weight each period's average by its run count.
        const weighted = avgs.length === counts.length && runs > 0 ? avgs.reduce((sum, a, k) => sum + a * counts[k], 0) / runs : avgs[0];
        const v = evaluateCanary(c.physicalId, weighted, runs, ctx.settings.sloTargetPercent, windowMs);
        out.push(row(c, v.status, v.reason, end));
      });
    }
    return out;
  },
};
