import { Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { CacheAlarmThresholds } from '../../config/stage-config';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { AlarmKit, FIVE_MINUTES, ONE_MINUTE } from './alarm-kit';
import { AlarmRoutingProps } from './routing';

const { GREATER_THAN_THRESHOLD: GT } = cloudwatch.ComparisonOperator;
const { BREACHING, NOT_BREACHING, MISSING } = cloudwatch.TreatMissingData;

/** SRE defaults for a production Valkey/Redis OSS replication group. */
export const DEFAULT_CACHE_THRESHOLDS: CacheAlarmThresholds = {
  engineCpuPercent: 75,
  memoryPercent: 80,
  evictionsPer5Min: 100,
  replicationLagSeconds: 5,
  connections: 5000,
};

/** CloudWatch alarms on metric math accept at most 10 metrics; a MAX over the nodes uses one per node. */
const MAX_NODES = 10;

export interface CacheAlarmsProps extends AlarmRoutingProps {
  /** The replication group to watch (its `Ref` is the replication group ID). */
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /**
   * Shards (node groups).
   * @default - `numNodeGroups` of the replication group, or 1
   */
  readonly shards?: number;
  /**
   * Replicas per shard.
   * @default - `replicasPerNodeGroup`, or `numCacheClusters - 1`, of the replication group
   */
  readonly replicasPerShard?: number;
  /**
   * Whether cluster mode is on (it changes the node IDs).
   * @default - the replication group's `clusterMode` is `enabled`
   */
  readonly clusterMode?: boolean;
  /**
   * Alarm thresholds.
   * @default DEFAULT_CACHE_THRESHOLDS
   */
  readonly thresholds?: CacheAlarmThresholds;
}

interface Topology {
  readonly shards: number;
  readonly replicasPerShard: number;
  readonly clusterMode: boolean;
}

function topologyOf(props: CacheAlarmsProps): Topology {
  const rg = props.replicationGroup;
  const shards = props.shards ?? rg.numNodeGroups ?? 1;
  const replicasPerShard = props.replicasPerShard ?? rg.replicasPerNodeGroup ?? (rg.numCacheClusters !== undefined ? rg.numCacheClusters - 1 : NaN);
  return { shards, replicasPerShard, clusterMode: props.clusterMode ?? rg.clusterMode === 'enabled' };
}

const RULES: readonly ValidationRule<Topology>[] = [
  { field: 'shards', value: (t) => t.shards, check: (v) => Number.isInteger(v) && v >= 1, fix: 'give shards (a literal number) when the replication group has none' },
  { field: 'replicasPerShard', value: (t) => t.replicasPerShard, check: (v) => Number.isInteger(v) && v >= 0 && v <= 5, fix: 'give replicasPerShard (0 to 5) when the replication group has no literal replica count' },
  {
    field: 'shards',
    value: (t) => t.shards,
    check: (v, t) => v * (t.replicasPerShard + 1) <= MAX_NODES,
    fix: `watch at most ${MAX_NODES} nodes per CacheAlarms (a CloudWatch metric-math alarm takes 10 metrics): split the shards over several CacheAlarms`,
  },
];

/**
 * The node IDs ElastiCache gives the members of a replication group: `<id>-001` without cluster mode,
 * `<id>-0001-001` with it. Node metrics are published per node only.
 */
export function cacheNodeIds(replicationGroupId: string, topology: Topology): { id: string; primary: boolean }[] {
  const nodes: { id: string; primary: boolean }[] = [];
  for (let shard = 1; shard <= topology.shards; shard++) {
    for (let node = 1; node <= topology.replicasPerShard + 1; node++) {
      const suffix = topology.clusterMode ? `-${String(shard).padStart(4, '0')}-${String(node).padStart(3, '0')}` : `-${String(node).padStart(3, '0')}`;
      // The first member is the primary at creation; after a failover roles swap, which MAX over all nodes tolerates.
      nodes.push({ id: Fn.join('', [replicationGroupId, suffix]), primary: node === 1 });
    }
  }
  return nodes;
}

/**
 * Alarms on a Valkey/Redis OSS replication group (worst node of each metric), each with a runbook and
 * an SNS action, rolled up into `health`.
 */
export class CacheAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[];
  /** In ALARM while any critical cache alarm is: a stop condition for failover drills. */
  public readonly health: cloudwatch.CompositeAlarm;
  public readonly widgets: cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: CacheAlarmsProps) {
    super(scope, id);
    const topology = topologyOf(props);
    assertValid(`CacheAlarms "${this.node.path}"`, topology, RULES);
    const t = props.thresholds ?? DEFAULT_CACHE_THRESHOLDS;
    const kit = new AlarmKit(this, { critical: props.criticalTopic, warning: props.warningTopic, dashboardName: props.dashboardName });
    const nodes = cacheNodeIds(props.replicationGroup.ref, topology);

    const worst = (metricName: string, statistic: string, label: string, members = nodes, period = ONE_MINUTE, fn: 'MAX' | 'SUM' = 'MAX') => {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      members.forEach((n, i) => {
        usingMetrics[`${metricName.toLowerCase()}_${i}`] = new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, statistic, period, dimensionsMap: { CacheClusterId: n.id } });
      });
      return new cloudwatch.MathExpression({ expression: `${fn}([${Object.keys(usingMetrics).join(',')}])`, usingMetrics, period, label });
    };

    const cpu = worst('EngineCPUUtilization', 'Average', 'Engine CPU % (worst node)');
    kit.alarm('EngineCpu', {
      metric: cpu,
      threshold: t.engineCpuPercent,
      comparisonOperator: GT,
      evaluationPeriods: 10,
      datapointsToAlarm: 8,
      // Every node reports engine CPU each minute: silence means the nodes are gone.
      treatMissingData: BREACHING,
      severity: 'critical',
      runbook: {
        meaning: `Cache engine CPU above ${t.engineCpuPercent}% on a node (or no data): the single-threaded engine queues commands and API latency rises.`,
        checks: ['SLOWLOG (slow-log group) for O(N) commands such as KEYS or large HGETALL', 'a hot key on one shard (cluster mode) or one node', 'whether more shards or a larger node type are needed'],
      },
    });
    const memory = worst('DatabaseMemoryUsagePercentage', 'Maximum', 'Memory % of maxmemory (worst node)');
    kit.alarm('MemoryUsage', {
      metric: memory,
      threshold: t.memoryPercent,
      comparisonOperator: GT,
      evaluationPeriods: 3,
      treatMissingData: MISSING,
      severity: 'warning',
      runbook: {
        meaning: `Cache memory above ${t.memoryPercent}% of maxmemory: evictions start and the hit rate drops.`,
        checks: ['keys without TTL growing (INFO keyspace)', 'a new feature caching larger values', 'whether to scale the node type up'],
      },
    });
    kit.alarm('Evictions', {
      metric: worst('Evictions', 'Sum', 'Evictions per 5 min (worst node)', nodes, FIVE_MINUTES),
      threshold: t.evictionsPer5Min,
      comparisonOperator: GT,
      evaluationPeriods: 2,
      treatMissingData: NOT_BREACHING,
      severity: 'warning',
      runbook: {
        meaning: `More than ${t.evictionsPer5Min} evictions per 5 min: the cache is too small for the working set; sessions or locks may be lost.`,
        checks: ['memory usage of the nodes', 'the maxmemory-policy of the parameter group', 'keys without TTL'],
      },
    });
    const replicas = nodes.filter((n) => !n.primary);
    if (replicas.length > 0) {
      kit.alarm('ReplicationLag', {
        metric: worst('ReplicationLag', 'Maximum', 'Replication lag s (worst replica)', replicas),
        threshold: t.replicationLagSeconds,
        comparisonOperator: GT,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // Only replicas report lag; after a failover the old primary reports instead.
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: `Cache replication lag above ${t.replicationLagSeconds} s: replicas serve stale data and a failover loses recent writes.`,
          checks: ['write bursts on the primary (SetTypeCmds)', 'network bytes out of the primary', 'a replica doing a full resync (engine log)'],
        },
      });
    }
    kit.alarm('Connections', {
      metric: worst('CurrConnections', 'Maximum', 'Client connections (worst node)'),
      threshold: t.connections,
      comparisonOperator: GT,
      evaluationPeriods: 5,
      treatMissingData: MISSING,
      severity: 'warning',
      runbook: {
        meaning: `More than ${t.connections} client connections on a node: a connection leak or a reconnect storm.`,
        checks: ['NewConnections rate (reconnect storm after a failover?)', 'client pool sizes times task count', 'tasks stuck in a restart loop'],
      },
    });

    this.health = kit.rollUp('Health', 'Cache', {
      meaning: 'Roll-up of the critical cache alarms; a stop condition for failover drills.',
      checks: ['which child alarm is in ALARM', 'ElastiCache events of the replication group', 'the cache panels of the dashboard'],
    });
    this.alarms = kit.alarms;
    this.widgets = [
      new cloudwatch.GraphWidget({ title: 'Cache: engine CPU and memory (saturation)', left: [cpu], right: [memory], width: 12 }),
      new cloudwatch.GraphWidget({
        title: 'Cache: hits, misses, evictions (traffic/errors)',
        left: [worst('CacheHits', 'Sum', 'Hits (all nodes)', nodes, FIVE_MINUTES, 'SUM'), worst('CacheMisses', 'Sum', 'Misses (all nodes)', nodes, FIVE_MINUTES, 'SUM')],
        right: [worst('Evictions', 'Sum', 'Evictions (all nodes)', nodes, FIVE_MINUTES, 'SUM')],
        width: 12,
      }),
    ];
  }
}
