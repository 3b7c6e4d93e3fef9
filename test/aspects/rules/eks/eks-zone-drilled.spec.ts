import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as fis from 'aws-cdk-lib/aws-fis';
import { Template } from 'aws-cdk-lib/assertions';
import { NagRuleCompliance } from 'cdk-nag';
import { EksZoneDrilled as rule } from '../../../../lib/aspects/rules/eks/eks-zone-drilled';
import { FailoverDrills } from '../../../../lib/constructs/chaos/failover-drills';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const cluster = (stack: Stack, id: string, name: string) => new eksv2.CfnCluster(stack, id, { name, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] } });

function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Platform', { env: ENV });
  const drilled = cluster(stack, 'Drilled', 'shop');
  const bare = cluster(stack, 'Bare', 'bare');
  const unstopped = cluster(stack, 'Unstopped', 'unstopped');
  const anyZone = cluster(stack, 'AnyZone', 'anyzone');
  const alarm = new cloudwatch.Metric({ namespace: 'ContainerInsights', metricName: 'pod_status_failed', dimensionsMap: { ClusterName: 'shop' } }).createAlarm(stack, 'Health', { threshold: 1, evaluationPeriods: 1 });
  const drills = new FailoverDrills(new Stack(app, 'Resilience', { env: ENV }), 'Drills', {
    availabilityZone: 'eu-west-1a',
    serviceStopAlarm: alarm,
    eksZonePods: [{ clusterName: 'shop', namespace: 'shop', labelSelector: 'app.kubernetes.io/name=web', kubernetesServiceAccount: 'fis-experiment' }],
  });
  new FailoverDrills(stack, 'NoAlarm', {
    availabilityZone: 'eu-west-1a',
    eksZonePods: [{ clusterName: 'unstopped', namespace: 'shop', labelSelector: 'app=web', kubernetesServiceAccount: 'fis' }],
  });
  // A plain L1 template that deletes pods everywhere (no zone), with an alarm: not a zone drill.
  new fis.CfnExperimentTemplate(stack, 'Everywhere', {
    description: 'delete pods',
    roleArn: 'arn:aws:iam::123456789012:role/fis',
    stopConditions: [{ source: 'aws:cloudwatch:alarm', value: alarm.alarmArn }],
    targets: { Pods: { resourceType: 'aws:eks:pod', selectionMode: 'PERCENT(50)', parameters: { clusterIdentifier: 'anyzone', namespace: 'shop', selectorType: 'labelSelector', selectorValue: 'app=web' } } },
    actions: { Delete: { actionId: 'aws:eks:pod-delete', parameters: { kubernetesServiceAccount: 'fis' }, targets: { Pods: 'Pods' } } },
    tags: {},
  });
  return { drilled, bare, unstopped, anyZone, drills };
}

describe('Readiness-EKS-CHAOS and the EKS zone drill', () => {
  let f: ReturnType<typeof userApp>;
  beforeAll(() => {
    f = userApp();
  });

  test('FailoverDrills deletes a share of the pods in one zone, stopped by the alarm, and may describe only the cluster', () => {
    const t = Template.fromStack(Stack.of(f.drills));
    t.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { Pods0: { ResourceType: 'aws:eks:pod', SelectionMode: 'PERCENT(50)', Parameters: { clusterIdentifier: 'shop', availabilityZoneIdentifier: 'eu-west-1a', selectorType: 'labelSelector', selectorValue: 'app.kubernetes.io/name=web', namespace: 'shop' } } },
      Actions: { DeletePods0: { ActionId: 'aws:eks:pod-delete', Parameters: { kubernetesServiceAccount: 'fis-experiment' } } },
    });
    expect(JSON.stringify(t.toJSON())).toMatch(/eks:DescribeCluster/);
  });

  test('a cluster with a zone drill stopped by an alarm is compliant', () => {
    expect(check(rule, f.drilled)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('no drill, a drill without an alarm, and a drill without a zone are named', () => {
    expect(check(rule, f.bare)).toEqual([expect.stringMatching(/no FIS experiment template deletes its pods in one zone/)]);
    expect(check(rule, f.unstopped)).toEqual(['its zone drill has no aws:cloudwatch:alarm stop condition']);
    expect(check(rule, f.anyZone)).toEqual([expect.stringMatching(/no FIS experiment template/)]);
  });
});
