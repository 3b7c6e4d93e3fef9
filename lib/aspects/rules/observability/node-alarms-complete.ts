import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, memoPerRun, numberOf, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { referenceTest } from '../../analysis/references';
import { ALARM_TYPE } from '../../analysis/alarm-graph';

const REPLICATION_GROUP = 'AWS::ElastiCache::ReplicationGroup';

/** One metric of one alarm that names a cache node by `CacheClusterId`. */
interface NodeWatch {
  readonly alarm: CfnResource;
  readonly stack: Stack;
  readonly metricName: string;
  /** The rendered `CacheClusterId` value. */
  readonly value: unknown;
}

/** Every per-node ElastiCache metric of every alarm in the app, read once per gate run. */
function nodeWatches(root: IConstruct): NodeWatch[] {
  return memoPerRun(root, 'node-alarms:watches', () => {
    const out: NodeWatch[] = [];
    for (const alarm of resourcesOfType(root, ALARM_TYPE)) {
      const stack = Stack.of(alarm);
      const metrics: any[] = [];
      const list = prop(alarm, 'Metrics');
      if (Array.isArray(list)) for (const m of list) if (m?.MetricStat?.Metric) metrics.push(m.MetricStat.Metric);
      if (prop(alarm, 'MetricName') !== undefined) metrics.push({ Namespace: prop(alarm, 'Namespace'), MetricName: prop(alarm, 'MetricName'), Dimensions: prop(alarm, 'Dimensions') });
      for (const m of metrics) {
        if (m.Namespace !== 'AWS/ElastiCache' || typeof m.MetricName !== 'string' || !Array.isArray(m.Dimensions)) continue;
        const node = m.Dimensions.find((d: any) => d?.Name === 'CacheClusterId');
        if (node) out.push({ alarm, stack, metricName: m.MetricName, value: node.Value });
      }
    }
    return out;
  });
}

/** The node IDs' suffixes the group will have, or a reason they cannot be known from the template. */
export function nodeSuffixes(group: CfnResource): { suffixes: string[] } | { unknown: string } {
  const mode = stringOf(group, prop(group, 'ClusterMode'));
  const numNodeGroups = prop(group, 'NumNodeGroups');
  const configs = prop(group, 'NodeGroupConfiguration');
  // In `compatible` mode the group is moving between the two ID schemes.
  if (mode === 'compatible') return { unknown: 'ClusterMode is compatible' };
  const clusterMode = mode === 'enabled' || numNodeGroups !== undefined || (Array.isArray(configs) && configs.length > 1);
  if (!clusterMode) {
    const raw = prop(group, 'NumCacheClusters');
    const replicas = prop(group, 'ReplicasPerNodeGroup');
    const n = raw !== undefined ? numberOf(group, raw) : replicas !== undefined ? (numberOf(group, replicas) ?? NaN) + 1 : 1;
    if (n === undefined || !Number.isInteger(n) || n < 1) return { unknown: 'NumCacheClusters cannot be read' };
    return { suffixes: Array.from({ length: n }, (_, i) => `-${String(i + 1).padStart(3, '0')}`) };
  }
  const shards = numNodeGroups !== undefined ? numberOf(group, numNodeGroups) : Array.isArray(configs) ? configs.length : 1;
  if (shards === undefined || !Number.isInteger(shards) || shards < 1) return { unknown: 'NumNodeGroups cannot be read' };
  const suffixes: string[] = [];
  for (let s = 1; s <= shards; s++) {
    const perGroup = prop(group, 'ReplicasPerNodeGroup');
    const config = Array.isArray(configs) ? (configs[s - 1] as any) : undefined;
    const replicas = perGroup !== undefined ? numberOf(group, perGroup) : config?.ReplicaCount !== undefined ? numberOf(group, config.ReplicaCount) : 1;
    if (replicas === undefined || !Number.isInteger(replicas) || replicas < 0) return { unknown: 'ReplicasPerNodeGroup cannot be read' };
    for (let n = 1; n <= replicas + 1; n++) suffixes.push(`-${String(s).padStart(4, '0')}-${String(n).padStart(3, '0')}`);
  }
  return { suffixes };
}

/** The suffix after the group's ID in a rendered node ID (`<id>-002`), or undefined when it names another group or cannot be read. */
function suffixFor(watch: NodeWatch, group: CfnResource, refers: (stack: Stack, v: unknown) => boolean, literalId: string | undefined, lid: string): string | undefined {
  const v = watch.value;
  if (typeof v === 'string') return literalId !== undefined && v.startsWith(`${literalId}-`) ? v.slice(literalId.length) : undefined;
  if (!v || typeof v !== 'object') return undefined;
  const join = (v as any)['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1]) && join[1].length >= 2) {
    const [head, ...rest] = join[1] as unknown[];
    if (!rest.every((p) => typeof p === 'string')) return undefined;
    const tail = join[0] + (rest as string[]).join(join[0]);
    if (typeof head === 'string') return literalId !== undefined && `${head}${tail}`.startsWith(`${literalId}-`) ? `${head}${tail}`.slice(literalId.length) : undefined;
    // Before synthesis a reference to another stack still renders as its Ref.
    return refers(watch.stack, head) || referencedResource(watch.alarm, head) === group ? tail : undefined;
  }
  const sub = (v as any)['Fn::Sub'];
  if (typeof sub === 'string' && sub.startsWith(`\${${lid}}`)) return sub.slice(lid.length + 3);
  return undefined;
}

/**
 * Readiness-NODE-ALARMS-COMPLETE: for every ElastiCache replication group, each metric that alarms
 * watch per node (`CacheClusterId`) is watched on every node the group will have: `<id>-001...` without
 * cluster mode (NumCacheClusters), `<id>-0001-001...` with it (NumNodeGroups x (ReplicasPerNodeGroup + 1)).
 * A node skipped today is the replica (or primary) nobody watches after the next failover.
 */
export const NodeAlarmsComplete: ResourceRule = {
  kind: 'resource',
  id: 'NODE-ALARMS-COMPLETE',
  controlId: 'ALARMS',
  category: 'operations',
  resourceTypes: [REPLICATION_GROUP],
  info: 'Alarms watch a cache metric per node (CacheClusterId) but skip nodes of the replication group: those nodes can fail, lag or fill up unseen.',
  explanation:
    'ElastiCache publishes node metrics per node only, and roles move on failover: the creation-time primary (-001) becomes a replica, a replica becomes the primary. ' +
    'Watch every node of every shard for each per-node metric (CacheAlarms does: a MAX over the node IDs, split into alarms of at most 10 metrics), ' +
    'with node IDs <ReplicationGroupId>-00N (cluster mode off) or <ReplicationGroupId>-000S-00N (cluster mode on).',
  test: 'test/aspects/rules/observability/node-alarms-complete.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const lid = logicalIdOf(node);
    const refers = referenceTest(node);
    const literalId = stringOf(node, prop(node, 'ReplicationGroupId'));
    const watched = new Map<string, Set<string>>();
    for (const w of nodeWatches(node.node.root)) {
      const suffix = suffixFor(w, node, refers, literalId, lid);
      if (suffix === undefined) continue;
      const set = watched.get(w.metricName) ?? new Set<string>();
      set.add(suffix);
      watched.set(w.metricName, set);
    }
    if (watched.size === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const nodes = nodeSuffixes(node);
    if ('unknown' in nodes) return [`${nodes.unknown}: the node IDs alarms must cover are unknown`];
    const name = literalId ?? lid;
    const findings: string[] = [];
    for (const [metric, suffixes] of [...watched].sort(([a], [b]) => a.localeCompare(b))) {
      const missing = nodes.suffixes.filter((s) => !suffixes.has(s));
      if (missing.length > 0) findings.push(`${metric} skips ${missing.map((s) => `${name}${s}`).join(', ')}`);
    }
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
