import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { enforceReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';

/**
 * A user's own app, as the public EKS example has it: the API endpoint public, only audit logs on,
 * Kubernetes secrets not envelope-encrypted, and a Deployment without an HPA or a PDB.
 * The gate must fail synth and name each.
 */
describe('enforceReadiness on a user app with a public, partly logged, unencrypted EKS cluster', () => {
  let error: Error | undefined;

  beforeAll(() => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_35,
      vpc,
      clusterLogging: [eks.ClusterLoggingTypes.AUDIT],
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(stack, 'Kubectl') },
    });
    cluster.addManifest('Web', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:1.27' }] } } },
    });
    enforceReadiness(app, { stage: 'prod', awsSolutions: false, nist: false });
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
  });

  const finding = (ruleId: string, constructPath: string, text = '') =>
    error!.message.split(/\n\s*\n/).some((b) => b.includes(`::${ruleId}`) && b.includes(constructPath) && b.includes(text));
  // Each finding is its own block: the rule's text, then what failed on that resource.

  test('synth fails', () => {
    expect(error).toBeDefined();
  });

  test('the public endpoint, the partial logs and the unencrypted secrets are each named on the cluster', () => {
    expect(finding('Readiness-EKS-ENDPOINT-PRIVATE', 'Shop/Cluster/Resource', 'EndpointPublicAccess is true')).toBe(true);
    expect(finding('Readiness-EKS-CONTROL-PLANE-LOGGED', 'Shop/Cluster/Resource', 'missing api, authenticator, controllerManager, scheduler')).toBe(true);
    expect(finding('Readiness-EKS-SECRETS-ENCRYPTED', 'Shop/Cluster/Resource', 'no entry for `secrets`')).toBe(true);
  });

  test('the Deployment without an HPA or a PDB is named on its manifest', () => {
    expect(finding('Readiness-K8S-DEPLOYMENT-AUTOSCALED', 'Shop/Cluster/manifest-Web/Resource', 'Deployment default/web')).toBe(true);
    expect(finding('Readiness-K8S-DEPLOYMENT-DISRUPTION-BUDGETED', 'Shop/Cluster/manifest-Web/Resource', 'Deployment default/web')).toBe(true);
    expect(finding('Readiness-K8S-NAMESPACE-DEFAULT-DENY', 'Shop/Cluster/manifest-Web/Resource', 'namespace default')).toBe(true);
  });
});
