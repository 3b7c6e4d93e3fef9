import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EKS_CLUSTER_TYPES } from '../../../lib/aspects/analysis/eks-cluster';
import { READINESS_RULES } from '../../../lib/aspects/rules';
import { ResourceRule } from '../../../lib/aspects/rule';
import { KUBERNETES_RESOURCE_TYPE } from '../../../lib/aspects/analysis/kubernetes-manifests';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EksClusterAlarms, KubernetesNamespace, KubernetesWorkload, ProductionCluster } from '../../../lib/constructs/eks';
import { NO_BUNDLING } from '../../helpers/synth';
import { flaggedPaths } from '../../aspects/rules/eks/eks-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };

function build() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Platform', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
  const platform = new ProductionCluster(stack, 'Eks', { vpc });
  new EksClusterAlarms(stack, 'EksAlarms', { clusterName: platform.cluster.clusterName, alarmTopic: new sns.Topic(stack, 'OnCall') });
  const ns = new KubernetesNamespace(stack, 'Shop', { cluster: platform.cluster, name: 'shop', egress: [{ cidr: '10.0.0.0/16', port: 5432 }, { cidr: '10.0.0.0/16', port: 6379 }], ingressCidr: '10.0.0.0/16', ingressPorts: [8080] });
  platform.podIdentityRole('Web', 'shop', 'web');
  new KubernetesWorkload(stack, 'Web', { cluster: platform.cluster, namespace: ns, name: 'web', image: 'public.ecr.aws/nginx/nginx:1.27', serviceAccountName: 'web', cpuMillis: 500, memoryMiB: 1024, minReplicas: 3, maxReplicas: 100, scaling: { kind: 'cpu', targetUtilizationPercent: 60 }, concurrencyPerPod: 100, port: 8080 });
  new KubernetesWorkload(stack, 'Worker', { cluster: platform.cluster, namespace: ns, name: 'worker', image: 'public.ecr.aws/nginx/nginx:1.27', serviceAccountName: 'worker', cpuMillis: 250, memoryMiB: 512, minReplicas: 2, maxReplicas: 20, scaling: { kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs', region: 'eu-west-1', messagesPerPod: 10 }, concurrencyPerPod: 5 });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('ProductionCluster and Kubernetes workloads', () => {
  let f: ReturnType<typeof build>;
  beforeAll(() => {
    f = build();
  });

  test('native AWS::EKS::Cluster: private endpoint, every log type, secrets under a rotating customer key, Auto Mode, a supported version', () => {
    f.template.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.35',
      ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false, EndpointPrivateAccess: true }),
      Logging: { ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }, { Type: 'controllerManager' }, { Type: 'scheduler' }] } },
      EncryptionConfig: [{ Provider: { KeyArn: Match.anyValue() }, Resources: ['secrets'] }],
      ComputeConfig: Match.objectLike({ Enabled: true, NodePools: ['system', 'general-purpose'] }),
      AccessConfig: Match.objectLike({ AuthenticationMode: 'API' }),
    });
    f.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    f.template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'amazon-cloudwatch-observability' });
    f.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'amazon-cloudwatch', ServiceAccount: 'cloudwatch-agent' });
    f.template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'shop', ServiceAccount: 'web' });
  });

  test('the workloads carry requests and limits, three probes, zone spread, non-root read-only containers, an HPA or a KEDA ScaledObject and a PDB', () => {
    const manifests = Object.values(f.template.findResources(KUBERNETES_RESOURCE_TYPE)).map((r: any) => (typeof r.Properties.Manifest === 'string' ? r.Properties.Manifest : JSON.stringify(r.Properties.Manifest)));
    const web = manifests.find((m) => m.includes('"name":"web"') && m.includes('Deployment'))!;
    expect(web).toMatch(/"topologyKey":"topology.kubernetes.io\/zone","whenUnsatisfiable":"DoNotSchedule"/);
    expect(web).toMatch(/"readOnlyRootFilesystem":true/);
    expect(web).toMatch(/"runAsNonRoot":true/);
    expect(web).toMatch(/"startupProbe"/);
    expect(web).toMatch(/"kind":"HorizontalPodAutoscaler".*"maxReplicas":100/);
    expect(manifests.some((m) => m.includes('"kind":"ScaledObject"') && m.includes('aws-sqs-queue'))).toBe(true);
    expect(manifests.some((m) => m.includes('"name":"default-deny"') && m.includes('"policyTypes":["Ingress","Egress"]'))).toBe(true);
  });

  test('every EKS and Kubernetes readiness rule passes on the stack', () => {
    // The zone drill (Readiness-EKS-CHAOS) comes from FailoverDrills in the stage, not from the cluster.
    const rules = READINESS_RULES.filter((r): r is ResourceRule => r.kind === 'resource' && r.id !== 'EKS-CHAOS' && r.resourceTypes.some((t) => [...EKS_CLUSTER_TYPES, KUBERNETES_RESOURCE_TYPE].includes(t)));
    expect(rules.length).toBe(13);
    for (const rule of rules) expect([rule.id, flaggedPaths(rule, f.stack)]).toEqual([rule.id, []]);
  });

  test('bad props fail with one error naming each field', () => {
    const stack = new Stack(new App(), 'Bad', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b'], subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new ProductionCluster(stack, 'Eks', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, publicAccessCidrs: ['0.0.0.0/0'] })).toThrow(
      /vpcSubnets = .*eu-west-1a.*select subnets in at least minAvailabilityZones[\s\S]*publicAccessCidrs = .*0\.0\.0\.0\/0/,
    );
  });

  test('a workload that cannot survive a pod or zone loss fails with one error naming each field', () => {
    expect(() => new KubernetesWorkload(f.stack, 'BadWorkload', {
      cluster: (f.stack.node.findChild('Eks') as ProductionCluster).cluster,
      namespace: f.stack.node.findChild('Shop') as KubernetesNamespace,
      name: 'bad', image: 'public.ecr.aws/nginx/nginx:1.27', serviceAccountName: 'bad',
      cpuMillis: 0, memoryMiB: 256, minReplicas: 1, maxReplicas: 1, scaling: { kind: 'cpu', targetUtilizationPercent: 60 }, concurrencyPerPod: 10,
    })).toThrow(/minReplicas = 1: use 2 or more[\s\S]*maxReplicas = 1: use more than minReplicas[\s\S]*cpuMillis = 0/);
  });
});
