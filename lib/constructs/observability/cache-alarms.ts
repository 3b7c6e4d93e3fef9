import { Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { AlarmKit, AlarmSpec, FIVE_MINUTES, ONE_MINUTE } from './alarm-kit';
import { AlarmRoutingProps } from './routing';

/** Thresholds of the cache tier alarms (ElastiCache Valkey/Redis OSS). */
export interface CacheAlarmThresholds {
  /** Engine (main thread) CPU (%) on any node. */
  readonly engineCpuPercent: number;
  /** Memory used as a percentage of maxmemory. */
  readonly memoryPercent: number;
  /** Evictions per 5 minutes on any node. */
  readonly evictionsPer5Min: number;
  /** Replication lag ceiling in seconds. */
  readonly replicationLagSeconds: number;
  /** Client connections per node (the engine's maxclients is 65000). */
  readonly connections: number;
}

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
export const MAX_NODES = 10;

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
];

/**
 * Splits the nodes into groups of at most MAX_NODES, one alarm per group: a metric-math alarm takes
 * at most 10 metrics, and every node of every shard must be watched.
 */
export function nodeGroups<T>(nodes: readonly T[], size = MAX_NODES): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < nodes.length; i += size) groups.push(nodes.slice(i, i + size));
  return groups;
}

/**
 * The node IDs ElastiCache gives the members of a replication group: `<id>-001` without cluster mode,
 * `<id>-0001-001` with it. Node metrics are published per node only.
 */
export function cacheNodeIds(replicationGroupId: string, topology: Topology): { id: string; primary: boolean }[] {
  const nodes: { id: string; primary: boolean }[] = [];
  for (let shard = 1; shard <= topology.shards; shard++) {
    for (let node = 1; node <= topology.replicasPerShard + 1; node++) {
      const suffix = topology.clusterMode ? `-${String(shard).padStart(4, '0')}-${String(node).padStart(3, '0')}` : `-${String(node).padStart(3, '0')}`;
      // The first member is the primary at creation only: after a failover it is a replica, so per-node
      // alarms (replication lag included) watch every member of every shard.
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

    const worst = (metricName: string, statistic: string, label: string, members = nodes, period = ONE_MINUTE, fn: 'MAX' | 'SUM' = 'MAX', offset = 0) => {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      members.forEach((n, i) => {
        usingMetrics[`${metricName.toLowerCase()}_${offset + i}`] = new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName, statistic, period, dimensionsMap: { CacheClusterId: n.id } });
      });
      return new cloudwatch.MathExpression({ expression: `${fn}([${Object.keys(usingMetrics).join(',')}])`, usingMetrics, period, label });
    };
    const groups = nodeGroups(nodes);
    /**
     * One alarm per group of at most 10 nodes (the first keeps the plain ID, the others `<id>Part<n>`),
     * so that a MAX over the nodes stays within CloudWatch's 10 metrics per alarm.
     */
    const perNodeAlarms = (id: string, metricName: string, statistic: string, label: string, spec: Omit<AlarmSpec, 'metric'>, period = ONE_MINUTE) => {
      let offset = 0;
      return groups.map((members, g) => {
        const metric = worst(metricName, statistic, groups.length === 1 ? label : `${label}, nodes ${offset + 1}-${offset + members.length}`, members, period, 'MAX', offset);
        offset += members.length;
        return { metric, alarm: kit.alarm(g === 0 ? id : `${id}Part${g + 1}`, { ...spec, metric }) };
      });
    };

    const cpu = perNodeAlarms('EngineCpu', 'EngineCPUUtilization', 'Average', 'Engine CPU % (worst node)', {
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
    const memory = perNodeAlarms('MemoryUsage', 'DatabaseMemoryUsagePercentage', 'Maximum', 'Memory % of maxmemory (worst node)', {
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
    perNodeAlarms(
      'Evictions',
      'Evictions',
      'Sum',
      'Evictions per 5 min (worst node)',
      {
        threshold: t.evictionsPer5Min,
        comparisonOperator: GT,
        evaluationPeriods: 2,
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: `More than ${t.evictionsPer5Min} evictions per 5 min: the cache is too small for the working set; sessions or locks may be lost.`,
          checks: ['memory usage of the nodes', 'the maxmemory-policy of the parameter group', 'keys without TTL'],
        },
      },
      FIVE_MINUTES,
    );
    if (topology.replicasPerShard > 0) {
      // Every node, the creation-time primaries included: after a failover the old primary is a
      // replica and reports lag, while the promoted node stops reporting it.
      perNodeAlarms('ReplicationLag', 'ReplicationLag', 'Maximum', 'Replication lag s (worst replica)', {
        threshold: t.replicationLagSeconds,
        comparisonOperator: GT,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // Only replicas report lag: a primary's silence is expected.
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: `Cache replication lag above ${t.replicationLagSeconds} s: replicas serve stale data and a failover loses recent writes.`,
          checks: ['write bursts on the primary (SetTypeCmds)', 'network bytes out of the primary', 'a replica doing a full resync (engine log)'],
        },
      });
    }
    perNodeAlarms('Connections', 'CurrConnections', 'Maximum', 'Client connections (worst node)', {
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
      new cloudwatch.GraphWidget({ title: 'Cache: engine CPU and memory (saturation)', left: cpu.map((c) => c.metric), right: memory.map((m) => m.metric), width: 12 }),
      new cloudwatch.GraphWidget({
        title: 'Cache: hits, misses, evictions (traffic/errors)',
        left: [worst('CacheHits', 'Sum', 'Hits (all nodes)', nodes, FIVE_MINUTES, 'SUM'), worst('CacheMisses', 'Sum', 'Misses (all nodes)', nodes, FIVE_MINUTES, 'SUM')],
        right: [worst('Evictions', 'Sum', 'Evictions (all nodes)', nodes, FIVE_MINUTES, 'SUM')],
        width: 12,
      }),
    ];
  }
}
