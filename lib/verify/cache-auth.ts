import { DescribeReplicationGroupsCommand, ReplicationGroup } from '@aws-sdk/client-elasticache';
import { ControlStatus } from '../readiness/types';
import { age, CheckContext, iso, row } from './checks';
import { mapLimit } from './concurrency';
import { toVerifyError } from './errors';
import { LiveResourceResult } from './types';

export const REPLICATION_GROUP_TYPE = 'AWS::ElastiCache::ReplicationGroup';

/**
 * The AUTH token was actually changed on the cache, not only in its secret: ElastiCache's
 * `AuthTokenLastModifiedDate` is within the maximum rotation age (a rotation that updates the secret
 * but fails to apply it to the replication group leaves this date behind).
 */
export function evaluateCacheAuthToken(
  group: ReplicationGroup | undefined,
  id: string,
  maxAgeMs: number,
  now: Date,
): { status: ControlStatus; reason: string; evidenceAt?: Date } {
  if (!group) return { status: 'missing', reason: `replication group ${id} does not exist in ElastiCache` };
  if (group.AuthTokenEnabled !== true) return { status: 'missing', reason: `replication group ${id} has no AUTH token, so nothing rotates` };
  const changed = group.AuthTokenLastModifiedDate;
  const limit = `rotation at most every ${age(maxAgeMs)}`;
  if (!changed) {
    return { status: 'conditional', reason: `AUTH token of ${id} never changed since the group was created (${limit}); ElastiCache reports no AuthTokenLastModifiedDate` };
  }
  const ageMs = now.getTime() - changed.getTime();
  if (ageMs > maxAgeMs) {
    return { status: 'missing', reason: `AUTH token of ${id} last changed on the cache ${iso(changed)}, ${age(ageMs)} ago (${limit}): the rotation did not reach the cache`, evidenceAt: changed };
  }
  return { status: 'ready', reason: `AUTH token of ${id} changed on the cache ${iso(changed)}, ${age(ageMs)} ago (${limit})`, evidenceAt: changed };
}

/** One row per replication group of the stage: part of the secret-rotation check. */
export async function cacheAuthTokenRows(ctx: CheckContext): Promise<LiveResourceResult[]> {
  const groups = ctx.inventory.ofType(REPLICATION_GROUP_TYPE);
  return mapLimit(groups, ctx.concurrency, async (g) => {
    let group: ReplicationGroup | undefined;
    try {
      group = (await ctx.clients.elastiCache(g.region).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: g.physicalId }))).ReplicationGroups?.[0];
    } catch (err) {
      if ((err as { name?: string }).name !== 'ReplicationGroupNotFoundFault') {
        throw toVerifyError(err, { action: 'elasticache:DescribeReplicationGroups', resource: g.physicalId, region: g.region, profile: ctx.profile });
      }
    }
    const v = evaluateCacheAuthToken(group, g.physicalId, ctx.settings.authTokenMaxAgeMs, ctx.now);
    return row(g, v.status, v.reason, v.evidenceAt);
  });
}
