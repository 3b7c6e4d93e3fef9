/**
 * Secrets Manager secrets reach the pods through the Secrets Store CSI driver (AWS provider, pod identity):
 * a SecretProviderClass lists the ARNs, a read-only CSI volume mounts them, the pod role reads exactly them.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KUBERNETES_RESOURCE_TYPE } from '../../../lib/aspects/analysis/kubernetes-manifests';
import { KubernetesNamespace, KubernetesWorkload, ProductionCluster, SECRETS_STORE_ADDON } from '../../../lib/constructs/eks';
import { NO_BUNDLING } from '../../helpers/synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const IMAGE = 'public.ecr.aws/nginx/nginx:1.27';

/** The manifest text, with each reference of an `Fn::Join` written inline as JSON. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(join[0]);
  return JSON.stringify(value);
}

function build() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Platform', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
  const platform = new ProductionCluster(stack, 'Eks', { vpc, keda: false, containerInsights: false });
  const ns = new KubernetesNamespace(stack, 'Shop', { cluster: platform.cluster, name: 'shop' });
  const key = new kms.Key(stack, 'SecretKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  const apiKey = new secretsmanager.Secret(stack, 'ApiKey', { encryptionKey: key, generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'token' } });
  const other = new secretsmanager.Secret(stack, 'Unrelated', { generateSecretString: {} });
  const role = platform.podIdentityRole('Web', 'shop', 'web');
  const web = new KubernetesWorkload(stack, 'Web', {
    cluster: platform.cluster, namespace: ns, name: 'web', image: IMAGE, serviceAccountName: 'web',
    cpuMillis: 500, memoryMiB: 1024, minReplicas: 3, maxReplicas: 30, scaling: { kind: 'cpu', targetUtilizationPercent: 60 }, concurrencyPerPod: 50, port: 8080,
    env: { API_KEY_FILE: '/mnt/secrets/api-key' },
    secrets: [{ fileName: 'api-key', secret: apiKey, jsonKey: 'token' }],
    podRole: role,
  });
  const template = Template.fromStack(stack);
  const manifest = flatten(template.toJSON().Resources[stack.getLogicalId(web.manifest.node.defaultChild as any)].Properties.Manifest);
  return { app, stack, template, manifest, apiKey, other, key, ns, platform };
}

describe('KubernetesWorkload secrets from Secrets Manager (Secrets Store CSI driver)', () => {
  let f: ReturnType<typeof build>;
  beforeAll(() => {
    f = build();
  });

  test('the cluster installs the AWS provider of the Secrets Store CSI driver as an EKS add-on', () => {
    f.template.hasResourceProperties('AWS::EKS::Addon', { AddonName: SECRETS_STORE_ADDON });
    expect(SECRETS_STORE_ADDON).toBe('aws-secrets-store-csi-driver-provider');
  });

  test('a SecretProviderClass lists the secret by ARN (a reference), with pod identity and the region', () => {
    const apiKeyId = f.stack.getLogicalId(f.apiKey.node.defaultChild as any);
    expect(f.manifest).toMatch(/"apiVersion":"secrets-store\.csi\.x-k8s\.io\/v1","kind":"SecretProviderClass","metadata":\{"name":"web-secrets","namespace":"shop",/);
    expect(f.manifest).toMatch(/"provider":"aws","parameters":\{"region":"eu-west-1","usePodIdentity":"true","objects":/);
    expect(f.manifest).toContain(`{"Ref":"${apiKeyId}"}`);
    expect(f.manifest).toMatch(/objectType\\+":\\+"secretsmanager/);
    expect(f.manifest).toMatch(/jmesPath\\+":\[\{\\+"path\\+":\\+"token\\+",\\+"objectAlias\\+":\\+"api-key/);
  });

  test('the pods mount it read-only through the CSI driver, next to the writable /tmp', () => {
    expect(f.manifest).toContain('{"name":"secrets","mountPath":"/mnt/secrets","readOnly":true}');
    expect(f.manifest).toContain('{"name":"secrets","csi":{"driver":"secrets-store.csi.k8s.io","readOnly":true,"volumeAttributes":{"secretProviderClass":"web-secrets"}}}');
  });

  test('the pod role reads exactly that secret and decrypts only through Secrets Manager', () => {
    const apiKeyId = f.stack.getLogicalId(f.apiKey.node.defaultChild as any);
    const keyId = f.stack.getLogicalId(f.key.node.defaultChild as any);
    f.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: apiKeyId } },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] }, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
        ]),
      },
    });
    const otherId = f.stack.getLogicalId(f.other.node.defaultChild as any);
    const policies = JSON.stringify(f.template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain(otherId);
    expect(policies).not.toMatch(/"Resource":"\*"[^}]*secretsmanager|secretsmanager:\*/);
  });

  test('no secret value reaches the template: no dynamic reference, no Kubernetes Secret, no secretKeyRef', () => {
    const json = JSON.stringify(f.template.toJSON());
    expect(json).not.toContain('{{resolve:secretsmanager');
    const manifests = JSON.stringify(f.template.findResources(KUBERNETES_RESOURCE_TYPE));
    expect(manifests).not.toMatch(/\\?"kind\\?":\\?"Secret\\?"/);
    expect(manifests).not.toContain('secretKeyRef');
    expect(manifests).not.toContain('SecretString');
  });

  test('bad secret props fail with one error naming each field', () => {
    const stack = f.stack;
    expect(() => new KubernetesWorkload(stack, 'Bad', {
      cluster: f.platform.cluster, namespace: f.ns, name: 'bad', image: IMAGE, serviceAccountName: 'bad',
      cpuMillis: 100, memoryMiB: 128, minReplicas: 2, maxReplicas: 4, scaling: { kind: 'cpu', targetUtilizationPercent: 60 }, concurrencyPerPod: 1,
      secrets: [{ fileName: '../etc/passwd', secret: f.apiKey }, { fileName: 'a', secret: f.other }, { fileName: 'a', secret: f.other }],
    })).toThrow(/secrets\[\]\.fileName = .*\.\.\/etc\/passwd.*: use distinct file names[\s\S]*podRole = \(missing\): pass the pod identity role/);
  });
});
