import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { cacheAuthTokenRows } from '../../lib/verify/cache-auth';
import { checkContext, denied } from './check-context';
import { daysAgo } from './fixtures';

const ec = mockClient(ElastiCacheClient);
beforeEach(() => ec.reset());

const ctx = () => checkContext([{ type: 'AWS::ElastiCache::ReplicationGroup', logicalId: 'Redis', physicalId: 'prod-redis' }]);

describe('cache AUTH token rotation reached the cache', () => {
  test('healthy: AuthTokenLastModifiedDate within 31 days', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: 'prod-redis', AuthTokenEnabled: true, AuthTokenLastModifiedDate: daysAgo(12) }] });
    const [r] = await cacheAuthTokenRows(ctx());
    expect(r).toMatchObject({ status: 'ready', constructPath: 'Prod/Resilience/Redis/Resource', evidenceAt: daysAgo(12).toISOString() });
    expect(r.reason).toBe('AUTH token of prod-redis changed on the cache 2026-11-09T12:00:00.000Z, 12 d ago (rotation at most every 31 d)');
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)[0].args[0].input).toEqual({ ReplicationGroupId: 'prod-redis' });
  });

  test('failing: the token on the cache is older than the rotation period', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: 'prod-redis', AuthTokenEnabled: true, AuthTokenLastModifiedDate: daysAgo(75) }] });
    const [r] = await cacheAuthTokenRows(ctx());
    expect(r).toMatchObject({ status: 'missing', reason: expect.stringMatching(/75 d ago \(rotation at most every 31 d\): the rotation did not reach the cache$/) });
  });

  test('missing: the group is gone, or has no AUTH token', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(Object.assign(new Error('not found'), { name: 'ReplicationGroupNotFoundFault' }));
    expect((await cacheAuthTokenRows(ctx()))[0]).toMatchObject({ status: 'missing', reason: 'replication group prod-redis does not exist in ElastiCache' });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: 'prod-redis', AuthTokenEnabled: false }] });
    expect((await cacheAuthTokenRows(ctx()))[0].status).toBe('missing');
  });

  test('never changed since creation is conditional', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: 'prod-redis', AuthTokenEnabled: true }] });
    expect((await cacheAuthTokenRows(ctx()))[0].status).toBe('conditional');
  });

  test('access denied names elasticache:DescribeReplicationGroups', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(denied());
    await expect(cacheAuthTokenRows(ctx())).rejects.toThrow(/^Access denied: elasticache:DescribeReplicationGroups on prod-redis in eu-west-1/);
  });
});
