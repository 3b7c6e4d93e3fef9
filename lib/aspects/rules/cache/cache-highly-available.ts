import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { attribute, finding, isTrue, numberOf, primitive, prop, shown, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** Redis OSS and Valkey; `Engine` defaults to redis on a replication group. */
function isRedisLike(node: CfnResource, fallback: string | undefined): boolean | undefined {
  const raw = prop(node, 'Engine');
  const engine = raw === undefined ? fallback : stringOf(node, raw)?.toLowerCase();
  if (engine === undefined) return undefined;
  return engine === 'redis' || engine === 'valkey';
}

/** What is missing for a replica in every shard, whichever way the template declares shards; empty when every shard has one. */
function replicaFindings(node: CfnResource): string[] {
  const perGroup = prop(node, 'ReplicasPerNodeGroup');
  if (perGroup !== undefined) return (numberOf(node, perGroup) ?? 0) >= 1 ? [] : [finding(node, 'ReplicasPerNodeGroup', perGroup, '>= 1')];
  const groups = prop(node, 'NodeGroupConfiguration');
  if (Array.isArray(groups) && groups.length > 0) {
    return groups.flatMap((g, i) => {
      const count = g && typeof g === 'object' ? (g as any).ReplicaCount : undefined;
      return (numberOf(node, count) ?? 0) >= 1 ? [] : [finding(node, `NodeGroupConfiguration.${i}.ReplicaCount`, count, '>= 1')];
    });
  }
  // Cluster mode disabled: one primary plus replicas.
  const clusters = prop(node, 'NumCacheClusters');
  return (numberOf(node, clusters) ?? 0) >= 2 ? [] : [finding(node, 'NumCacheClusters', clusters, '>= 2 (a primary and a replica)')];
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
  info: 'The Redis/Valkey cache is not highly available and protected (the finding names the property).',
  explanation:
    'A single Redis node loses every session and lock when it fails (gap 1.3: "No clustering or persistence"). ' +
    'Use AWS::ElastiCache::ReplicationGroup with replicas in other AZs, automatic failover and Multi-AZ, encryption, AUTH/RBAC, snapshots and DeletionPolicy Snapshot or Retain.',
  test: 'test/aspects/rules/cache/cache-highly-available.spec.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::ElastiCache::CacheCluster') {
      const redis = isRedisLike(node, undefined);
      if (redis === false) return NagRuleCompliance.NOT_APPLICABLE;
      // A standalone node has no replica to fail over to.
      return [`a standalone AWS::ElastiCache::CacheCluster (Engine ${shown(node, prop(node, 'Engine'))}) has no replica, needs an AWS::ElastiCache::ReplicationGroup`];
    }
    const redis = isRedisLike(node, 'redis');
    if (redis === false) return NagRuleCompliance.NOT_APPLICABLE;
    if (redis === undefined) return [finding(node, 'Engine', prop(node, 'Engine'), 'redis or valkey')];
    const findings: string[] = [];
    for (const name of ['AutomaticFailoverEnabled', 'MultiAZEnabled']) {
      if (!isTrue(node, prop(node, name))) findings.push(finding(node, name, prop(node, name), 'true'));
    }
    findings.push(...replicaFindings(node));
    for (const name of ['AtRestEncryptionEnabled', 'TransitEncryptionEnabled']) {
      if (!isTrue(node, prop(node, name))) findings.push(finding(node, name, prop(node, name), 'true'));
    }
    // The AUTH token is a secret: only its presence is read, never its value (AWS::NoValue is absent).
    const hasAuthToken = prop(node, 'AuthToken') !== undefined;
    const userGroups = prop(node, 'UserGroupIds');
    const hasRbac = Array.isArray(userGroups) ? userGroups.length > 0 : userGroups !== undefined && !primitive(node, userGroups).known;
    if (!hasAuthToken && !hasRbac) findings.push('neither AuthToken nor UserGroupIds is set, needs one of them');
    const snapshots = prop(node, 'SnapshotRetentionLimit');
    if ((numberOf(node, snapshots) ?? 0) < 1) findings.push(finding(node, 'SnapshotRetentionLimit', snapshots, '>= 1'));
    // CloudFormation deletes a replication group without a DeletionPolicy.
    const policy = attribute(node, 'DeletionPolicy');
    if (policy === undefined || policy === 'Delete' || typeof policy !== 'string') findings.push(finding(node, 'DeletionPolicy', policy, 'Snapshot or Retain'));
    return verdict(findings);
  },
});
