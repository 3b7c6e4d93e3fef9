import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface EksClusterAlarmsProps {
  /** Name of the cluster (Container Insights' ClusterName dimension). */
  readonly clusterName: string;
  /** Topic that pages on-call. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Container restarts across the cluster in 5 minutes that page.
   * @default 10
   */
  readonly restartThreshold?: number;
}

/**
 * Node and pod health alarms from Container Insights (the amazon-cloudwatch-observability add-on):
 * failed nodes, pods failing and container restarts, each paging through `alarmTopic`.
 */
export class EksClusterAlarms extends Construct {
  public readonly failedNodes: cloudwatch.Alarm;
  public readonly failedPods: cloudwatch.Alarm;
  public readonly restarts: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EksClusterAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'ContainerInsights', metricName, dimensionsMap: { ClusterName: props.clusterName }, statistic, period: Duration.minutes(5) });
    const alarm = (name: string, m: cloudwatch.Metric, threshold: number, description: string) => {
      const a = m.createAlarm(this, name, {
        threshold,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      return a;
    };
    this.failedNodes = alarm('FailedNodes', metric('cluster_failed_node_count', 'Maximum'), 1,
      'A node of the cluster is failing: check the node\'s conditions (kubectl describe node), the Auto Mode node pool events, and the zone\'s health.');
    this.failedPods = alarm('FailedPods', metric('pod_status_failed', 'Maximum'), 1,
      'Pods are failing: check kubectl get pods -A for the failing ones, their events, and the last deployment.');
    this.restarts = alarm('ContainerRestarts', metric('pod_number_of_container_restarts', 'Sum'), props.restartThreshold ?? 10,
      'Containers restart in a loop: check the pod logs (Container Insights), the readiness and liveness probes, and memory limits (OOMKilled).');
    // No data from Container Insights means the agent or the cluster is down: missing data breaches.
  }
}
