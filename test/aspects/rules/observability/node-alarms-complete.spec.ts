import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance } from 'cdk-nag';
import { NodeAlarmsComplete as rule } from '../../../../lib/aspects/rules/observability/node-alarms-complete';
import { CacheAlarms } from '../../../../lib/constructs/observability/cache-alarms';
import { check, userStack } from '../rule-test-kit';

const group = (stack: Stack, id: string, props: Partial<elasticache.CfnReplicationGroupProps>) =>
  new elasticache.CfnReplicationGroup(stack, id, { replicationGroupDescription: 'cache', engine: 'valkey', cacheNodeType: 'cache.r7g.large', ...props });

/** A user's worst-node alarm: MAX over the given node IDs of one metric. */
function worstNodeAlarm(stack: Stack, id: string, metricName: string, nodeIds: string[]) {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  nodeIds.forEach((n, i) => (usingMetrics[`m${i}`] = new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: n } })));
  return new cloudwatch.MathExpression({ expression: `MAX([${Object.keys(usingMetrics).join(',')}])`, usingMetrics }).createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 });
}
const nodesOf = (rg: elasticache.CfnReplicationGroup, suffixes: string[]) => suffixes.map((s) => Fn.join('', [rg.ref, s]));
const findings = (result: unknown) => (Array.isArray(result) ? result.join('\n') : String(result));

describe('Readiness-NODE-ALARMS-COMPLETE', () => {
  test('cluster mode off, 3 nodes, every node watched for each per-node metric: compliant', () => {
    const stack = userStack();
    const rg = group(stack, 'Cache', { numCacheClusters: 3 });
    worstNodeAlarm(stack, 'Lag', 'ReplicationLag', nodesOf(rg, ['-001', '-002', '-003']));
    worstNodeAlarm(stack, 'Cpu', 'EngineCPUUtilization', nodesOf(rg, ['-001', '-002', '-003']));
    expect(check(rule, rg)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('replication lag on the creation-time replicas only (-002, -003): non-compliant, naming the node nobody watches after a failover', () => {
    const stack = userStack();
    const rg = group(stack, 'Cache', { numCacheClusters: 3 });
    worstNodeAlarm(stack, 'Lag', 'ReplicationLag', nodesOf(rg, ['-002', '-003']));
    worstNodeAlarm(stack, 'Cpu', 'EngineCPUUtilization', nodesOf(rg, ['-001', '-002', '-003']));
    expect(check(rule, rg)).toEqual(['ReplicationLag skips Cache-001']);
  });

  test('cluster mode on (2 shards x 3 nodes) watched with cluster-mode-off IDs: every <id>-000S-00N is missing', () => {
    const stack = userStack();
    const rg = group(stack, 'Cache', { replicationGroupId: 'orders', clusterMode: 'enabled', numNodeGroups: 2, replicasPerNodeGroup: 2 });
    worstNodeAlarm(stack, 'Cpu', 'EngineCPUUtilization', ['orders-001', 'orders-002', 'orders-003']);
    expect(findings(check(rule, rg))).toBe(
      'EngineCPUUtilization skips orders-0001-001, orders-0001-002, orders-0001-003, orders-0002-001, orders-0002-002, orders-0002-003',
    );
    worstNodeAlarm(stack, 'Cpu2', 'EngineCPUUtilization', ['orders-0001-001', 'orders-0001-002', 'orders-0001-003', 'orders-0002-001', 'orders-0002-002', 'orders-0002-003']);
    expect(check(rule, rg)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('fooling: nodes of another replication group do not cover this one', () => {
    const stack = userStack();
    const a = group(stack, 'A', { numCacheClusters: 3 });
    const b = group(stack, 'B', { numCacheClusters: 3 });
    worstNodeAlarm(stack, 'Mem', 'DatabaseMemoryUsagePercentage', [...nodesOf(a, ['-001', '-002']), ...nodesOf(b, ['-003'])]);
    expect(check(rule, a)).toEqual(['DatabaseMemoryUsagePercentage skips A-003']);
    expect(check(rule, b)).toEqual(['DatabaseMemoryUsagePercentage skips B-001, B-002']);
  });

  test('fooling: a node count the template does not fix (a parameter) is not a pass', () => {
    const stack = userStack();
    const rg = group(stack, 'Cache', { numCacheClusters: new CfnParameter(stack, 'Nodes', { type: 'Number' }).valueAsNumber });
    worstNodeAlarm(stack, 'Cpu', 'EngineCPUUtilization', nodesOf(rg, ['-001', '-002']));
    expect(findings(check(rule, rg))).toMatch(/NumCacheClusters cannot be read/);
  });

  test('a group without per-node alarms is not applicable (Readiness-ALARMS asks for alarms)', () => {
    const stack = userStack();
    expect(check(rule, group(stack, 'Cache', { numCacheClusters: 2 }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('CacheAlarms over 3 shards x 4 nodes (12 nodes, alarms split at 10 metrics) covers every node', () => {
    const stack = userStack();
    const rg = group(stack, 'Cache', { clusterMode: 'enabled', numNodeGroups: 3, replicasPerNodeGroup: 3 });
    new CacheAlarms(stack, 'Alarms', { replicationGroup: rg, criticalTopic: new sns.Topic(stack, 'C'), warningTopic: new sns.Topic(stack, 'W'), dashboardName: 'd' });
    expect(check(rule, rg)).toBe(NagRuleCompliance.COMPLIANT);
  });
});
