import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag';
import { CacheHighlyAvailable as rule } from '../../../../lib/aspects/rules/cache/cache-highly-available';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-CACHE-HA', () => {
  let stack: Stack;
  const groups: Record<string, elasticache.CfnReplicationGroup> = {};
  let standalone: elasticache.CfnCacheCluster;
  let memcached: elasticache.CfnCacheCluster;

  beforeAll(() => {
    stack = userStack();
    const token = new secretsmanager.Secret(stack, 'AuthToken', { generateSecretString: { excludePunctuation: true } });
    const group = (id: string, props: Partial<elasticache.CfnReplicationGroupProps>, policy = RemovalPolicy.SNAPSHOT) => {
      const g = new elasticache.CfnReplicationGroup(stack, id, {
        replicationGroupDescription: id,
        engine: 'valkey',
        cacheNodeType: 'cache.r7g.large',
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        authToken: token.secretValue.unsafeUnwrap(),
        snapshotRetentionLimit: 7,
        ...props,
      });
      g.applyRemovalPolicy(policy);
      groups[id] = g;
    };
    group('Resilient', {});
    group('Rbac', { authToken: undefined, userGroupIds: ['app-users'] });
    group('ClusterMode', { numCacheClusters: undefined, numNodeGroups: 3, replicasPerNodeGroup: 1 });
    group('NoFailover', { automaticFailoverEnabled: false, multiAzEnabled: false, numCacheClusters: 1 });
    group('NoReplicaInShard', { numCacheClusters: undefined, nodeGroupConfiguration: [{ replicaCount: 1 }, { replicaCount: 0 }] });
    group('NoAuth', { authToken: undefined });
    group('NoSnapshots', { snapshotRetentionLimit: 0 });
    group('Deleted', {}, RemovalPolicy.DESTROY);
    group('TokenTransit', {});
    groups.TokenTransit.addPropertyOverride('TransitEncryptionEnabled', new CfnParameter(stack, 'Tls', { type: 'String' }).valueAsString);
    standalone = new elasticache.CfnCacheCluster(stack, 'Standalone', { engine: 'redis', cacheNodeType: 'cache.t4g.small', numCacheNodes: 1 });
    memcached = new elasticache.CfnCacheCluster(stack, 'Memcached', { engine: 'memcached', cacheNodeType: 'cache.t4g.small', numCacheNodes: 2 });
  });

  test('a Multi-AZ replication group with failover, replicas, encryption, AUTH, snapshots and Snapshot policy is compliant', () => {
    expect(check(rule, groups.Resilient)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, groups.ClusterMode)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an RBAC user group replaces the AUTH token', () => {
    expect(check(rule, groups.Rbac)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test.each([
    ['NoFailover', 'AutomaticFailoverEnabled is false, needs true; MultiAZEnabled is false, needs true; NumCacheClusters is 1, needs >= 2 (a primary and a replica)'],
    ['NoReplicaInShard', 'NodeGroupConfiguration.1.ReplicaCount is 0, needs >= 1'],
    ['NoAuth', 'neither AuthToken nor UserGroupIds is set, needs one of them'],
    ['NoSnapshots', 'SnapshotRetentionLimit is 0, needs >= 1'],
    ['Deleted', 'DeletionPolicy is "Delete", needs Snapshot or Retain'],
  ])('%s is non-compliant and the finding names the property', (id, finding) => {
    expect(check(rule, groups[id])).toEqual([finding]);
  });

  test('TransitEncryptionEnabled from an unresolvable parameter is non-compliant', () => {
    expect(check(rule, groups.TokenTransit)).toEqual(['TransitEncryptionEnabled is Ref Tls (not readable from the template), needs true']);
  });

  test('a standalone Redis cache cluster is non-compliant; memcached is not applicable', () => {
    expect(check(rule, standalone)).toEqual(['a standalone AWS::ElastiCache::CacheCluster (Engine "redis") has no replica, needs an AWS::ElastiCache::ReplicationGroup']);
    expect(check(rule, memcached)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('the Readiness pack flags exactly the non-compliant caches', () => {
    const expected = ['NoFailover', 'NoReplicaInShard', 'NoAuth', 'NoSnapshots', 'Deleted', 'TokenTransit'].map((id) => groups[id].node.path);
    expect(flaggedPaths(rule, stack).sort()).toEqual([...expected, standalone.node.path].sort());
  });
});
