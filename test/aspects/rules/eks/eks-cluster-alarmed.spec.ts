import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance } from 'cdk-nag';
import { EksClusterAlarmed as rule } from '../../../../lib/aspects/rules/eks/eks-cluster-alarmed';
import { EksClusterAlarms } from '../../../../lib/constructs/eks/cluster-alarms';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const vpcConfig = { subnetIds: ['subnet-1', 'subnet-2'] };

function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Platform', { env: ENV });
  const topic = new sns.Topic(stack, 'OnCall');
  const watched = new eksv2.CfnCluster(stack, 'Watched', { roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: vpcConfig });
  new EksClusterAlarms(stack, 'WatchedAlarms', { clusterName: watched.ref, alarmTopic: topic });
  // Named cluster watched by literal name from another stack of the same region.
  const named = new eksv2.CfnCluster(stack, 'Named', { name: 'shop', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: vpcConfig });
  new EksClusterAlarms(new Stack(app, 'Observability', { env: ENV }), 'Alarms', { clusterName: 'shop', alarmTopic: sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:eu-west-1:123456789012:on-call') });
  const bare = new eksv2.CfnCluster(stack, 'Bare', { roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: vpcConfig });
  // Alarms that try to fool the rule: node metric without an action, pod metric on AWS/EKS, another cluster's name.
  const fooled = new eksv2.CfnCluster(stack, 'Fooled', { name: 'fooled', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: vpcConfig });
  new cloudwatch.Metric({ namespace: 'ContainerInsights', metricName: 'cluster_failed_node_count', dimensionsMap: { ClusterName: fooled.ref } }).createAlarm(stack, 'NoAction', { threshold: 1, evaluationPeriods: 1 });
  const wrongNs = new cloudwatch.Metric({ namespace: 'AWS/EKS', metricName: 'pod_status_failed', dimensionsMap: { ClusterName: fooled.ref } }).createAlarm(stack, 'WrongNamespace', { threshold: 1, evaluationPeriods: 1 });
  wrongNs.addAlarmAction(new actions.SnsAction(topic));
  const other = new cloudwatch.Metric({ namespace: 'ContainerInsights', metricName: 'pod_status_failed', dimensionsMap: { ClusterName: 'not-fooled' } }).createAlarm(stack, 'OtherCluster', { threshold: 1, evaluationPeriods: 1 });
  other.addAlarmAction(new actions.SnsAction(topic));
  return { watched, named, bare, fooled };
}

describe('Readiness-EKS-ALARMS', () => {
  let f: ReturnType<typeof userApp>;
  beforeAll(() => {
    f = userApp();
  });

  test('a cluster with routed node and pod health alarms (by reference, or by literal name in another stack) is compliant', () => {
    expect(check(rule, f.watched)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.named)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster without Container Insights alarms is named for nodes and pods', () => {
    expect(check(rule, f.bare)).toEqual([expect.stringMatching(/no alarm notifying SNS on a node health metric/), expect.stringMatching(/on a pod health metric/)]);
  });

  test('an alarm without an action, on the wrong namespace, or on another cluster does not count', () => {
    expect(check(rule, f.fooled)).toEqual([expect.stringMatching(/node health/), expect.stringMatching(/pod health/)]);
  });
});
