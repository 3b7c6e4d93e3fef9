import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { toVerifyError } from './errors';

/** GetMetricData accepts at most 500 queries per call. */
export const QUERIES_PER_CALL = 500;

/**
 * Runs metric queries in batches of 500, following NextToken; returns each query's values by ID.
 * A query AWS returns no datapoints for maps to an empty list.
 */
export async function getMetricValues(
  client: CloudWatchClient,
  queries: readonly MetricDataQuery[],
  start: Date,
  end: Date,
  ctx: { region: string; profile?: string; resource: string },
): Promise<Map<string, number[]>> {
  const values = new Map<string, number[]>(queries.map((q) => [q.Id!, []]));
  for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
    const batch = queries.slice(i, i + QUERIES_PER_CALL);
    let nextToken: string | undefined;
    do {
      let out;
      try {
        out = await client.send(
          new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: start, EndTime: end, NextToken: nextToken, ScanBy: 'TimestampDescending' }),
        );
      } catch (err) {
        throw toVerifyError(err, { action: 'cloudwatch:GetMetricData', region: ctx.region, profile: ctx.profile, resource: ctx.resource });
      }
      for (const r of out.MetricDataResults ?? []) {
        if (r.Id && values.has(r.Id)) values.get(r.Id)!.push(...(r.Values ?? []));
      }
      nextToken = out.NextToken || undefined;
    } while (nextToken);
  }
  return values;
}

/** A whole window as one period: seconds, rounded up to a multiple of 60 (GetMetricData's rule). */
export function windowPeriodSeconds(ms: number): number {
  return Math.max(60, Math.ceil(ms / 60_000) * 60);
}
