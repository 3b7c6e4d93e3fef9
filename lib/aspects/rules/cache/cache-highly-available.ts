import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isTrue, numberOf, primitive, prop, rendered, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** Redis OSS and Valkey; `Engine` defaults to redis on a replication group. */
function isRedisLike(node: CfnResource, fallback: string | undefined): boolean | undefined {
  const raw = prop(node, 'Engine');
  const engine = raw === undefined ? fallback : stringOf(node, raw)?.toLowerCase();
  if (engine === undefined) return undefined;
  return engine === 'redis' || engine === 'valkey';
}

/** At least one replica in every shard, whichever way the template declares shards. */
function hasReplicaPerShard(node: CfnResource): boolean {
  const perGroup = prop(node, 'ReplicasPerNodeGroup');
  if (perGroup !== undefined) return (numberOf(node, perGroup) ?? 0) >= 1;
  const groups = prop(node, 'NodeGroupConfiguration');
  if (Array.isArray(groups) && groups.length > 0) {
    return groups.every((g) => g && typeof g === 'object' && (numberOf(node, (g as any).ReplicaCount) ?? 0) >= 1);
  }
  // Cluster mode disabled: one primary plus replicas.
  return (numberOf(node, prop(node, 'NumCacheClusters')) ?? 0) >= 2;
}

/**
 * Readiness-CACHE-HA: every Redis/Valkey replication group fails over automatically across AZs,
 * has a replica per shard, is encrypted at rest and in transit, requires AUTH or RBAC, keeps
 * snapshots, and is not deleted with the stack. A standalone Redis cache cluster is non-compliant.
 */
export const CacheHighlyAvailable: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'CACHE-HA',
  controlId: 'CACHE-HA',
  category: 'ha',
  resourceTypes: ['AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::CacheCluster'],
  info:
    'The Redis/Valkey cache is not highly available and protected: it needs a replication group with AutomaticFailoverEnabled, MultiAZEnabled, ' +
    '1+ replica per shard, AtRestEncryptionEnabled, TransitEncryptionEnabled, an AuthToken or UserGroupIds, SnapshotRetentionLimit >= 1 and a DeletionPolicy other than Delete.',
  explanation:
    'A single Redis node loses every session and lock when it fails (gap 1.3: "No clustering or persistence"). ' +
    'Use AWS::ElastiCache::ReplicationGroup with replicas in other AZs, automatic failover and Multi-AZ, encryption, AUTH/RBAC, snapshots and DeletionPolicy Snapshot or Retain.',
  test: 'test/aspects/rules/cache/cache-highly-available.test.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::ElastiCache::CacheCluster') {
      const redis = isRedisLike(node, undefined);
      if (redis === false) return NagRuleCompliance.NOT_APPLICABLE;
      // A standalone node has no replica to fail over to.
      return NagRuleCompliance.NON_COMPLIANT;
    }
    const redis = isRedisLike(node, 'redis');
    if (redis === false) return NagRuleCompliance.NOT_APPLICABLE;
    if (redis === undefined) return NagRuleCompliance.NON_COMPLIANT;
    // The AUTH token is a secret: only its presence is read, never its value.
    const hasAuthToken = prop(node, 'AuthToken') !== undefined;
    const userGroups = prop(node, 'UserGroupIds');
    const hasRbac = Array.isArray(userGroups) ? userGroups.length > 0 : userGroups !== undefined && !primitive(node, userGroups).known;
    const policy = rendered(node).DeletionPolicy;
    const ok =
      isTrue(node, prop(node, 'AutomaticFailoverEnabled')) &&
      isTrue(node, prop(node, 'MultiAZEnabled')) &&
      hasReplicaPerShard(node) &&
      isTrue(node, prop(node, 'AtRestEncryptionEnabled')) &&
      isTrue(node, prop(node, 'TransitEncryptionEnabled')) &&
      (hasAuthToken || hasRbac) &&
      (numberOf(node, prop(node, 'SnapshotRetentionLimit')) ?? 0) >= 1 &&
      // CloudFormation deletes a replication group without a DeletionPolicy.
      policy !== undefined &&
      policy !== 'Delete';
    return ok ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
