import { App, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { NagRuleCompliance } from 'cdk-nag';
import { K8sDeploymentCapacityPlanned } from '../../../../lib/aspects/rules/eks/k8s-deployment-capacity-planned';
import { K8sDeploymentAutoscaled } from '../../../../lib/aspects/rules/eks/k8s-deployment-autoscaled';
import { K8sDeploymentDisruptionBudgeted } from '../../../../lib/aspects/rules/eks/k8s-deployment-disruption-budgeted';
import { K8sDeploymentReadinessProbed } from '../../../../lib/aspects/rules/eks/k8s-deployment-readiness-probed';
import { K8sDeploymentResourcesBounded } from '../../../../lib/aspects/rules/eks/k8s-deployment-resources-bounded';
import { K8sNamespaceDefaultDeny } from '../../../../lib/aspects/rules/eks/k8s-namespace-default-deny';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';
import { flaggedPaths } from './eks-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const labels = { app: 'web' };

function deployment(name: string, namespace: string, container: Record<string, unknown>, podLabels: Record<string, string> = { app: name }) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec: { containers: [{ name: 'app', ...container }] } } },
  };
}
const goodContainer = (image: string) => ({
  image,
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  readinessProbe: { httpGet: { path: '/health', port: 8080 } },
});
const hpa = (name: string, namespace: string, target: string, max: unknown = 10) => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 3, maxReplicas: max, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] },
});
const pdb = (name: string, namespace: string, matchLabels: Record<string, string>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace }, spec: { minAvailable: 2, selector: { matchLabels } } });
const service = (name: string, namespace: string, selector: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ port: 80, targetPort: 8080 }] } });
const withConcurrency = (d: ReturnType<typeof deployment>, perPod: string) => ({ ...d, metadata: { ...d.metadata, annotations: { 'readiness.dev/concurrency-per-pod': perPod } } });
const denyAll = (namespace: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });

/** A user's app: a v2 cluster with a production-ready namespace, a v1 cluster with a legacy one, and L1 manifests. */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Workloads', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const v2 = new eksv2.Cluster(stack, 'V2', { version: eksv2.KubernetesVersion.V1_35, vpc, vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(stack, 'Kubectl') } });
  // The image is a token (a parameter): the manifest is a Fn::Join, still readable.
  const image = new CfnParameter(stack, 'Image', { type: 'String' }).valueAsString;
  const good = v2.addManifest('Shop',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    denyAll('shop'),
    withConcurrency(deployment('web', 'shop', goodContainer(image), labels), '100'),
    hpa('web', 'shop', 'web', 100),
    service('web', 'shop', labels),
    pdb('web', 'shop', labels),
  );
  // Allows in another manifest of the same cluster; an HPA for a worker in a separate manifest resource.
  const worker = v2.addManifest('Worker', deployment('worker', 'shop', goodContainer(image)));
  v2.addManifest('WorkerScaling', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'worker', namespace: 'shop' }, spec: { scaleTargetRef: { name: 'worker' }, minReplicaCount: 2, maxReplicaCount: 20, triggers: [] } }, pdb('worker', 'shop', { app: 'worker' }));

  const stack1 = new Stack(app, 'Legacy', { env: ENV });
  const v1 = new eks.Cluster(stack1, 'V1', { version: eks.KubernetesVersion.V1_33, kubectlLayer: new KubectlV35Layer(stack1, 'Kubectl'), defaultCapacity: 0, vpc, vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  // No HPA, PDB, resources, probes or network policy.
  const legacy = v1.addManifest('Legacy', deployment('legacy', 'legacy', { image: 'nginx:1.27' }), service('legacy', 'legacy', { app: 'legacy' }));
  // Objects that try to fool the rules: an HPA whose target name is a token, an HPA with max == min,
  // a PDB whose label is a token, a "deny" policy that allows everything, an HPA in another namespace.
  const fooled = v1.addManifest('Fooled',
    withConcurrency(deployment('api', 'api', goodContainer('nginx:1.27'), { app: 'api' }), '50'),
    service('api', 'api', { app: 'api' }),
    hpa('api-token', 'api', v1.clusterName),
    hpa('api-flat', 'api', 'api', 3),
    hpa('api-elsewhere', 'other', 'api'),
    pdb('api', 'api', { app: v1.clusterName }),
    { ...denyAll('api'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] } },
    { ...deployment('noprobe', 'api', { ...goodContainer('nginx:1.27'), readinessProbe: {}, resources: { requests: { cpu: '0', memory: '128Mi' }, limits: { memory: '128Mi' } } }) },
  );

  // Plain L1 manifests, as a hand-written custom resource would have them: an HPA for `legacy` of ANOTHER cluster.
  const token = 'arn:aws:lambda:eu-west-1:123456789012:function:kubectl';
  new CfnResource(stack1, 'OtherClusterHpa', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { ServiceToken: token, ClusterName: 'other', Manifest: JSON.stringify([hpa('legacy', 'legacy', 'legacy')]) } });
  const replicas = new CfnParameter(stack1, 'Replicas', { type: 'Number' });
  const unreadable = new CfnResource(stack1, 'Unreadable', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { ServiceToken: token, ClusterName: 'other', Manifest: Fn.join('', ['[{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":', replicas.valueAsString, '}}]']) } });
  const configMap = new CfnResource(stack1, 'ConfigOnly', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { ServiceToken: token, ClusterName: 'other', Manifest: JSON.stringify([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } }]) } });
  return { app, good, worker, legacy, fooled, unreadable, configMap };
}

describe('Kubernetes workload rules over the manifests a template carries (aws-eks-v2, aws-eks v1, L1)', () => {
  let f: ReturnType<typeof userApp>;
  beforeAll(() => {
    f = userApp();
  });

  test('Readiness-K8S-DEPLOYMENT-AUTOSCALED: an HPA or ScaledObject of the same cluster and namespace; tokens, max == min, other namespaces and other clusters do not count', () => {
    expect(check(K8sDeploymentAutoscaled, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentAutoscaled, f.worker)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentAutoscaled, f.legacy)).toEqual([expect.stringMatching(/^Deployment legacy\/legacy \(in .*\.Manifest\) has no HorizontalPodAutoscaler/)]);
    expect(check(K8sDeploymentAutoscaled, f.fooled)).toEqual([expect.stringMatching(/Deployment api\/api/), expect.stringMatching(/Deployment api\/noprobe/)]);
    expect(check(K8sDeploymentAutoscaled, f.unreadable)).toEqual([expect.stringMatching(/does not parse/)]);
    expect(check(K8sDeploymentAutoscaled, f.configMap)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(flaggedPaths(K8sDeploymentAutoscaled, f.app).sort()).toEqual(['Legacy/Unreadable', 'Legacy/V1/manifest-Fooled/Resource/Default', 'Legacy/V1/manifest-Legacy/Resource/Default']);
  });

  test('Readiness-K8S-DEPLOYMENT-DISRUPTION-BUDGETED: a policy/v1 PDB selecting the pod labels; a token label does not match', () => {
    expect(check(K8sDeploymentDisruptionBudgeted, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentDisruptionBudgeted, f.worker)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentDisruptionBudgeted, f.legacy)).toEqual([expect.stringMatching(/legacy\/legacy .* has no PodDisruptionBudget selecting its pod labels \{"app":"legacy"\}/)]);
    expect(check(K8sDeploymentDisruptionBudgeted, f.fooled)).toEqual([expect.stringMatching(/api\/api/), expect.stringMatching(/api\/noprobe/)]);
  });

  test('Readiness-K8S-DEPLOYMENT-RESOURCES-BOUNDED: requests and limits for CPU and memory; zero and missing are flagged', () => {
    expect(check(K8sDeploymentResourcesBounded, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentResourcesBounded, f.legacy)).toEqual([expect.stringMatching(/container app: resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory not set/)]);
    expect(check(K8sDeploymentResourcesBounded, f.fooled)).toEqual([expect.stringMatching(/api\/noprobe .*container app: resources.requests.cpu, resources.limits.cpu not set/)]);
  });

  test('Readiness-K8S-DEPLOYMENT-READINESS-PROBED: every container; an empty probe has no handler', () => {
    expect(check(K8sDeploymentReadinessProbed, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentReadinessProbed, f.legacy)).toEqual([expect.stringMatching(/legacy\/legacy .*readinessProbe not set/)]);
    expect(check(K8sDeploymentReadinessProbed, f.fooled)).toEqual([expect.stringMatching(/api\/noprobe .*readinessProbe has no handler/)]);
  });

  test('Readiness-K8S-NAMESPACE-DEFAULT-DENY: podSelector {} denying ingress and egress; a policy with allow-all rules is not a deny', () => {
    expect(check(K8sNamespaceDefaultDeny, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sNamespaceDefaultDeny, f.worker)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sNamespaceDefaultDeny, f.legacy)).toEqual([expect.stringMatching(/namespace legacy .*denying Ingress and Egress by default/)]);
    expect(check(K8sNamespaceDefaultDeny, f.fooled)).toEqual([expect.stringMatching(/namespace api .*denying Ingress and Egress/)]);
    expect(check(K8sNamespaceDefaultDeny, f.configMap)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('Readiness-K8S-CAPACITY: a user-facing Deployment declares its concurrency per pod and its HPA max reaches the target', () => {
    expect(check(K8sDeploymentCapacityPlanned, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(K8sDeploymentCapacityPlanned, f.worker)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(K8sDeploymentCapacityPlanned, f.legacy)).toEqual([expect.stringMatching(/legacy\/legacy .*annotation readiness.dev\/concurrency-per-pod is not set/)]);
    expect(check(K8sDeploymentCapacityPlanned, f.fooled)).toEqual([expect.stringMatching(/api\/api .*3 tasks x 50 users\/task = 150 < 10000 target/)]);
  });
});
