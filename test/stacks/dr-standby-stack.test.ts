/**
 * The warm-standby EKS cluster in the DR region (`dr.standbyCluster`, with compute eks), on a small app:
 * the DR region's network and the standby stack only.
 */
import { App, CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { KUBERNETES_RESOURCE_TYPE } from '../../lib/aspects/analysis/kubernetes-manifests';
import { StageConfig } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';
import { DrStandbyStack, standbyCidr } from '../../lib/stacks/dr-standby-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { NO_BUNDLING } from '../helpers/synth';

const CONFIG: StageConfig = { ...PROD, compute: 'eks' };

describe('DrStandbyStack (prod on EKS)', () => {
  let stack: DrStandbyStack;
  let template: Template;
  let manifests: string[];
  beforeAll(() => {
    const app = new App({ context: NO_BUNDLING });
    const drConfig: StageConfig = { ...CONFIG, availabilityZones: CONFIG.dr.drAvailabilityZones, network: { ...CONFIG.network, cidr: standbyCidr(CONFIG.network.cidr) } };
    const network = new NetworkStack(app, 'DrNetwork', { config: drConfig, env: { account: CONFIG.account, region: CONFIG.drRegion } });
    stack = new DrStandbyStack(app, 'DrStandby', { config: CONFIG, vpc: network.vpc });
    template = Template.fromStack(stack);
    manifests = Object.values(template.findResources(KUBERNETES_RESOURCE_TYPE)).map((r) => JSON.stringify(r.Properties.Manifest));
  });

  test('prod turns the standby on, in the DR region, across its three zones', () => {
    expect(PROD.dr.standbyCluster).toEqual({ enabled: true, minReplicas: 2 });
    expect(stack.region).toBe(PROD.drRegion);
    template.resourceCountIs('AWS::EKS::Cluster', 1);
    template.hasResourceProperties('AWS::EKS::Cluster', { ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false }), ComputeConfig: Match.objectLike({ Enabled: true }) });
    expect(standbyCidr('10.20.0.0/16')).toBe('10.170.0.0/16');
  });

  test('the workloads run at the standby minimum, each HPA able to reach the primary\'s maximum', () => {
    const web = manifests.find((m) => m.includes('HorizontalPodAutoscaler') && m.includes('\\"name\\":\\"web\\"'))!;
    expect(web).toContain(`\\"minReplicas\\":2,\\"maxReplicas\\":${PROD.service.maxTasks}`);
    const worker = manifests.find((m) => m.includes('HorizontalPodAutoscaler') && m.includes('\\"name\\":\\"worker\\"'))!;
    expect(worker).toContain(`\\"minReplicas\\":2,\\"maxReplicas\\":${PROD.service.worker.maxTasks}`);
    expect(manifests.some((m) => m.includes('\\"name\\":\\"default-deny\\"'))).toBe(true);
  });

  test('it pages on its own nodes and pods in its region, and is drilled like the primary', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'pod_status_failed', AlarmActions: Match.anyValue() });
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Actions: { DeletePods0: Match.objectLike({ ActionId: 'aws:eks:pod-delete' }) },
      StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::EKS::AccessEntry', { Username: 'fis-experiment' });
    expect(manifests.some((m) => m.includes('RoleBinding') && m.includes('fis-experiment'))).toBe(true);
  });

  test('its on-call topics page like every other region that alarms: the pager on the critical topic, from the DR region\'s secret', () => {
    const pager = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'https' } })).map((r) => r.Properties);
    const critical = stack.getLogicalId(stack.topics.critical.node.defaultChild as CfnElement);
    expect(pager).toEqual([expect.objectContaining({ TopicArn: { Ref: critical } })]);
    expect(JSON.stringify(pager[0].Endpoint)).toContain(`:secretsmanager:${PROD.drRegion}:${PROD.account}:secret:${PROD.observability.pagerUrlSecretName}:SecretString:::}}`);
  });

  test('bad standby config fails naming the field, the value and the fix', () => {
    const bad = { ...CONFIG, dr: { ...CONFIG.dr, standbyCluster: { enabled: 'yes', minReplicas: 1 } } } as unknown as StageConfig;
    expect(() => validateStageConfig(bad)).toThrow(/dr\.standbyCluster\.enabled = "yes": use true or false[\s\S]*dr\.standbyCluster\.minReplicas = 1: use 2 or more/);
    const tooMany = { ...CONFIG, dr: { ...CONFIG.dr, standbyCluster: { enabled: true, minReplicas: PROD.service.maxTasks } } };
    expect(() => validateStageConfig(tooMany)).toThrow(new RegExp(`dr\\.standbyCluster\\.minReplicas = ${PROD.service.maxTasks}: .*less than service\\.maxTasks`));
  });
});
