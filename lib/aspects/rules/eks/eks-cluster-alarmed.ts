import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { memoPerRun, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { ALARM_TYPE, notifiesSns } from '../../analysis/alarm-graph';
import { EKS_CLUSTER_TYPES, field } from '../../analysis/eks-cluster';

/** Container Insights metrics (namespace ContainerInsights, dimension ClusterName) that show node health. */
export const NODE_HEALTH_METRICS = ['cluster_failed_node_count', 'node_status_condition_ready', 'node_cpu_utilization', 'node_memory_utilization'];
/** ... and pod health. */
export const POD_HEALTH_METRICS = ['pod_number_of_container_restarts', 'pod_status_failed', 'pod_status_pending', 'pod_container_status_waiting_reason_crash_loop_back_off', 'service_number_of_running_pods'];

interface InsightsWatch {
  readonly alarm: CfnResource;
  readonly metricName: string;
  readonly clusterName: unknown;
}

/** Every Container Insights metric of every alarm in the app, with its ClusterName dimension. */
function insightsWatches(root: CfnResource): InsightsWatch[] {
  const app = root.node.root;
  return memoPerRun(app, 'eks-alarms:watches', () => {
    const out: InsightsWatch[] = [];
    for (const alarm of resourcesOfType(app, ALARM_TYPE)) {
      const metrics: any[] = [];
      const list = prop(alarm, 'Metrics');
      if (Array.isArray(list)) for (const m of list) if (m?.MetricStat?.Metric) metrics.push(m.MetricStat.Metric);
      if (prop(alarm, 'MetricName') !== undefined) metrics.push({ Namespace: prop(alarm, 'Namespace'), MetricName: prop(alarm, 'MetricName'), Dimensions: prop(alarm, 'Dimensions') });
      for (const m of metrics) {
        if (stringOf(alarm, m.Namespace) !== 'ContainerInsights' || !Array.isArray(m.Dimensions)) continue;
        const dim = m.Dimensions.find((d: any) => d?.Name === 'ClusterName');
        const metricName = stringOf(alarm, m.MetricName);
        if (dim && metricName) out.push({ alarm, metricName, clusterName: dim.Value });
      }
    }
    return out;
  });
}

/** Whether a ClusterName dimension value names this cluster: a reference to it, or its literal name. */
function namesCluster(watch: InsightsWatch, cluster: CfnResource): boolean {
  if (referencedResource(watch.alarm, watch.clusterName) === cluster) return true;
  const literal = stringOf(watch.alarm, watch.clusterName);
  const own = cluster.cfnResourceType === 'AWS::EKS::Cluster' ? prop(cluster, 'Name') : field(prop(cluster, 'Config'), 'Name');
  const ownName = own !== undefined ? stringOf(cluster, own) : undefined;
  return literal !== undefined && ownName !== undefined && literal === ownName && Stack.of(watch.alarm).region === Stack.of(cluster).region;
}

/**
 * Readiness-EKS-ALARMS (control ALARMS): every EKS cluster has an alarm on node health and one on pod
 * health from Container Insights (namespace `ContainerInsights`, dimension `ClusterName` naming the cluster
 * by reference or literal name), each notifying an SNS topic.
 */
export const EksClusterAlarmed: ResourceRule = {
  kind: 'resource',
  id: 'EKS-ALARMS',
  controlId: 'ALARMS',
  category: 'operations',
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster has no routed Container Insights alarm on node health or on pod health.',
  explanation:
    'EKS publishes no node or pod health metric by itself: without Container Insights alarms, failed nodes and crash-looping pods ' +
    'go unnoticed until customers report them (gap 4.2). Install the amazon-cloudwatch-observability add-on and alarm on ' +
    `a node metric (${NODE_HEALTH_METRICS.join(', ')}) and a pod metric (${POD_HEALTH_METRICS.join(', ')}) with dimension ClusterName, ` +
    'each with an SNS alarm action (EksClusterAlarms does this).',
  test: 'test/aspects/rules/eks/eks-cluster-alarmed.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const watches = insightsWatches(node).filter((w) => namesCluster(w, node) && notifiesSns(w.alarm));
    const findings: string[] = [];
    if (!watches.some((w) => NODE_HEALTH_METRICS.includes(w.metricName))) findings.push(`no alarm notifying SNS on a node health metric (${NODE_HEALTH_METRICS.join(', ')}) for this cluster`);
    if (!watches.some((w) => POD_HEALTH_METRICS.includes(w.metricName))) findings.push(`no alarm notifying SNS on a pod health metric (${POD_HEALTH_METRICS.join(', ')}) for this cluster`);
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
