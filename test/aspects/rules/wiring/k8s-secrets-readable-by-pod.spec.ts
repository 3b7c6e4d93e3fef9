import { App, Aws, CfnCondition, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { NagRuleCompliance } from 'cdk-nag';
import { K8sSecretsReadableByPod as rule } from '../../../../lib/aspects/rules/wiring/k8s-secrets-readable-by-pod';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';
import { flaggedPaths } from '../eks/eks-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const VIA = `secretsmanager.${ENV.region}.amazonaws.com`;

/** A SecretProviderClass of the AWS provider listing `arns` (tokens or literals), as the ASCP docs write it (YAML). */
function secretProviderClass(name: string, namespace: string, arns: string[], parameters: Record<string, string> = { usePodIdentity: 'true' }) {
  const objects = arns.map((arn) => `- objectName: "${arn}"\n  objectType: "secretsmanager"\n`).join('');
  return { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name, namespace }, spec: { provider: 'aws', parameters: { region: ENV.region, ...parameters, objects } } };
}

/** A Deployment whose pods run as `serviceAccount` and mount SecretProviderClass `className` with the CSI driver. */
function deployment(name: string, namespace: string, serviceAccount: string, className: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          serviceAccountName: serviceAccount,
          containers: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', volumeMounts: [{ name: 'secrets', mountPath: '/mnt/secrets', readOnly: true }] }],
          volumes: [{ name: 'secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: className } } }],
        },
      },
    },
  };
}

/** A condition the template does not decide (a parameter). */
function maybeCondition(stack: Stack): CfnCondition {
  return new CfnCondition(stack, 'GrantSecrets', { expression: Fn.conditionEquals(new CfnParameter(stack, 'GrantSecretsParam', { default: 'yes' }).valueAsString, 'yes') });
}

/**
 * A user's app: an aws-eks-v2 cluster, secrets encrypted with a customer key, pod identity roles bound with
 * L1 `CfnPodIdentityAssociation`s, and `cluster.addManifest` of SecretProviderClasses and Deployments.
 */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Workloads', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_35, vpc, vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(stack, 'Kubectl') } });
  const key = new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true });
  // The key imported by ARN: grants through it are silently dropped (the classic defect).
  const keyByArn = kms.Key.fromKeyArn(stack, 'SecretsKeyByArn', key.keyArn);
  const dbSecret = new secretsmanager.Secret(stack, 'DbSecret', { encryptionKey: key });
  const apiKey = new secretsmanager.Secret(stack, 'ApiKey', { encryptionKey: keyByArn });
  const other = new secretsmanager.Secret(stack, 'OtherSecret', { encryptionKey: key });

  const podRole = (id: string, namespace: string, serviceAccount: string) => {
    const role = new iam.Role(stack, `${id}Role`, { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags() });
    const association = new eksv2.CfnPodIdentityAssociation(stack, `${id}PodIdentity`, { clusterName: cluster.clusterName, namespace, serviceAccount, roleArn: role.roleArn });
    return { role, association };
  };

  // Compliant: the L2 grant (GetSecretValue on the secret, kms:Decrypt via Secrets Manager on its key).
  const shop = podRole('Shop', 'shop', 'web');
  dbSecret.grantRead(shop.role);
  const good = cluster.addManifest('Shop', secretProviderClass('web-secrets', 'shop', [dbSecret.secretArn]), deployment('web', 'shop', 'web', 'web-secrets'));
  // Compliant: the SecretProviderClass in another manifest resource of the same cluster; the key grant written by hand.
  const pay = podRole('Pay', 'pay', 'api');
  pay.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [apiKey.secretArn] }));
  pay.role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': VIA } } }));
  cluster.addManifest('PayClass', secretProviderClass('api-secrets', 'pay', [apiKey.secretArn]));
  const split = cluster.addManifest('PayApi', deployment('api', 'pay', 'api', 'api-secrets'));

  // Non-compliant: the role may GetSecretValue, but kms:Decrypt on the CMK went through the key imported by ARN (dropped).
  const billing = podRole('Billing', 'billing', 'worker');
  apiKey.grantRead(billing.role);
  const noDecrypt = cluster.addManifest('Billing', secretProviderClass('worker-secrets', 'billing', [apiKey.secretArn]), deployment('worker', 'billing', 'worker', 'worker-secrets'));
  // Non-compliant: no association for the pod's service account (only for another one).
  const noAssociation = cluster.addManifest('Orphan', deployment('orphan', 'shop', 'orphan', 'web-secrets'));
  // Non-compliant: the association binds namespace "shop", the pods run in "reports" with the same service account name.
  const reports = podRole('Reports', 'shop', 'reporter');
  dbSecret.grantRead(reports.role);
  const wrongNamespace = cluster.addManifest('Reports', secretProviderClass('report-secrets', 'reports', [dbSecret.secretArn]), deployment('reporter', 'reports', 'reporter', 'report-secrets'));
  // Non-compliant: the SecretProviderClass lives in another namespace than the pod.
  const classElsewhere = cluster.addManifest('Ops', deployment('ops', 'ops', 'web', 'web-secrets'));

  // Fooling: the grant carries a condition the evaluator cannot prove (a principal tag).
  const tagged = podRole('Tagged', 'tagged', 'app');
  tagged.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [dbSecret.secretArn], conditions: { StringEquals: { 'aws:PrincipalTag/team': 'shop' } } }));
  tagged.role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': VIA } } }));
  const conditionalGrant = cluster.addManifest('Tagged', secretProviderClass('app-secrets', 'tagged', [dbSecret.secretArn]), deployment('app', 'tagged', 'app', 'app-secrets'));
  // Fooling: the role reads DbSecret, the SecretProviderClass names OtherSecret.
  const swapped = podRole('Swapped', 'swapped', 'app');
  dbSecret.grantRead(swapped.role);
  const otherSecret = cluster.addManifest('Swapped', secretProviderClass('app-secrets', 'swapped', [other.secretArn]), deployment('app', 'swapped', 'app', 'app-secrets'));
  // Fooling: the association exists only when a parameter says so.
  const optional = podRole('Optional', 'optional', 'app');
  dbSecret.grantRead(optional.role);
  optional.association.cfnOptions.condition = new CfnCondition(stack, 'WithPodIdentity', { expression: Fn.conditionEquals(new CfnParameter(stack, 'PodIdentity', { default: 'yes' }).valueAsString, 'yes') });
  const conditionalAssociation = cluster.addManifest('Optional', secretProviderClass('app-secrets', 'optional', [dbSecret.secretArn]), deployment('app', 'optional', 'app', 'app-secrets'));
  // Fooling: the GetSecretValue statement is there only when a condition holds (Fn::If with AWS::NoValue).
  const maybe = podRole('Maybe', 'maybe', 'app');
  new iam.CfnPolicy(stack, 'MaybeGrant', {
    policyName: 'maybe-secrets',
    roles: [maybe.role.roleName],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        Fn.conditionIf(maybeCondition(stack).logicalId, { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: dbSecret.secretArn }, Aws.NO_VALUE),
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.keyArn, Condition: { StringEquals: { 'kms:ViaService': VIA } } },
      ],
    },
  });
  const ifGrant = cluster.addManifest('Maybe', secretProviderClass('app-secrets', 'maybe', [dbSecret.secretArn]), deployment('app', 'maybe', 'app', 'app-secrets'));
  // Fooling: a role that reads everything, but the provider is not told to use pod identity (IRSA / node role).
  const irsa = podRole('Irsa', 'irsa', 'app');
  dbSecret.grantRead(irsa.role);
  const noPodIdentity = cluster.addManifest('Irsa', secretProviderClass('app-secrets', 'irsa', [dbSecret.secretArn], {}), deployment('app', 'irsa', 'app', 'app-secrets'));
  // Fooling: secrets the rule cannot resolve to the app (a literal ARN, a parameter), next to a granted one.
  const external = podRole('External', 'external', 'app');
  dbSecret.grantRead(external.role);
  external.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'] }));
  const arnParam = new CfnParameter(stack, 'ExternalSecretArn', { type: 'String' }).valueAsString;
  const unresolvable = cluster.addManifest('External', secretProviderClass('app-secrets', 'external', [dbSecret.secretArn, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf', arnParam]), deployment('app', 'external', 'app', 'app-secrets'));
  // Fooling: a role whose trust policy does not let EKS Pod Identity tag the session.
  const untrusted = new iam.Role(stack, 'UntrustedRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  dbSecret.grantRead(untrusted);
  new eksv2.CfnPodIdentityAssociation(stack, 'UntrustedPodIdentity', { clusterName: cluster.clusterName, namespace: 'untrusted', serviceAccount: 'app', roleArn: untrusted.roleArn });
  const wrongTrust = cluster.addManifest('Untrusted', secretProviderClass('app-secrets', 'untrusted', [dbSecret.secretArn]), deployment('app', 'untrusted', 'app', 'app-secrets'));
  // L1: a CfnCluster with a literal name, a hand-written manifest resource (ClusterName by reference) and an
  // association that names the cluster by its literal name: the same cluster, compliant.
  const l1Cluster = new eksv2.CfnCluster(stack, 'L1Cluster', {
    name: 'legacy',
    roleArn: new iam.Role(stack, 'L1ClusterRole', { assumedBy: new iam.ServicePrincipal('eks.amazonaws.com') }).roleArn,
    resourcesVpcConfig: { subnetIds: vpc.isolatedSubnets.map((n) => n.subnetId), endpointPrivateAccess: true, endpointPublicAccess: false },
  });
  const legacyRole = new iam.Role(stack, 'LegacyRole', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags() });
  dbSecret.grantRead(legacyRole);
  new eksv2.CfnPodIdentityAssociation(stack, 'LegacyPodIdentity', { clusterName: 'legacy', namespace: 'legacy', serviceAccount: 'app', roleArn: legacyRole.roleArn });
  const kubectl = 'arn:aws:lambda:eu-west-1:123456789012:function:kubectl';
  const l1Manifest = (id: string, clusterName: string, namespace: string) => new CfnResource(stack, id, {
    type: 'Custom::AWSCDK-EKS-KubernetesResource',
    properties: { ServiceToken: kubectl, ClusterName: clusterName, Manifest: stack.toJsonString([secretProviderClass('app-secrets', namespace, [dbSecret.secretArn]), deployment('app', namespace, 'app', 'app-secrets')]) },
  });
  const l1 = l1Manifest('LegacyManifest', l1Cluster.ref, 'legacy');
  // Fooling: the same namespace and service account on the aws-eks-v2 cluster, whose associations are for other service accounts.
  const otherCluster = cluster.addManifest('Legacy', secretProviderClass('app-secrets', 'legacy', [dbSecret.secretArn]), deployment('app', 'legacy', 'app', 'app-secrets'));
  // Not applicable: a manifest without CSI secret volumes.
  const plain = cluster.addManifest('Plain', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });
  return {
    app, good, split, noDecrypt, noAssociation, wrongNamespace, classElsewhere, conditionalGrant, otherSecret, conditionalAssociation, noPodIdentity, unresolvable, wrongTrust, plain, l1, otherCluster, ifGrant,
  };
}

describe('Readiness-K8S-SECRETS-READABLE: pods read the secrets their SecretProviderClass names with their pod identity role', () => {
  let f: ReturnType<typeof userApp>;
  beforeAll(() => {
    f = userApp();
  });

  test('compliant: the pod identity role may GetSecretValue and kms:Decrypt (L2 grant, or statements written by hand; the class in another manifest)', () => {
    expect(check(rule, f.good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.split)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.plain)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('L1: a CfnCluster, a hand-written manifest resource and an association naming the cluster by its literal name; an association of another cluster does not count', () => {
    expect(check(rule, f.l1)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.otherCluster)).toEqual([expect.stringMatching(/Deployment legacy\/app .*no AWS::EKS::PodIdentityAssociation of the cluster binds service account legacy\/app/)]);
  });

  test('the role lacks kms:Decrypt on the customer key: the finding names the Deployment, the class, the secret and the key', () => {
    expect(check(rule, f.noDecrypt)).toEqual([
      expect.stringMatching(/^Deployment billing\/worker \(in .*\.Manifest\) volume secrets: SecretProviderClass billing\/worker-secrets .*: pod identity BillingPodIdentity \(billing\/worker\) -> BillingRole\w+: ApiKey\w+: kms:Decrypt on SecretsKey\w+: no statement allows kms:Decrypt/),
    ]);
  });

  test('no association for the service account, or one for another namespace: no pod identity', () => {
    expect(check(rule, f.noAssociation)).toEqual([expect.stringMatching(/Deployment shop\/orphan .*SecretProviderClass shop\/web-secrets .*no AWS::EKS::PodIdentityAssociation of the cluster binds service account shop\/orphan/)]);
    expect(check(rule, f.wrongNamespace)).toEqual([expect.stringMatching(/Deployment reports\/reporter .*binds service account reports\/reporter to a role/)]);
    expect(check(rule, f.classElsewhere)).toEqual([expect.stringMatching(/Deployment ops\/ops .*SecretProviderClass ops\/web-secrets is not in any manifest of the cluster \(it exists in namespace shop/)]);
  });

  test('fooling: a grant behind a condition the evaluator cannot prove, or on another secret than the class names, does not count', () => {
    expect(check(rule, f.conditionalGrant)).toEqual([expect.stringMatching(/tagged\/app-secrets .*DbSecret\w+: secretsmanager:GetSecretValue: no statement allows/)]);
    const swapped = check(rule, f.otherSecret);
    // The L2 grant gave kms:Decrypt on the shared key through Secrets Manager (any secret): only GetSecretValue is missing.
    expect(swapped).toEqual([expect.stringMatching(/swapped\/app-secrets .*OtherSecret\w+: secretsmanager:GetSecretValue: no statement allows/)]);
    expect(JSON.stringify(swapped)).not.toMatch(/DbSecret/);
    // The statement behind Fn::If / AWS::NoValue may not be deployed: the world without it has no GetSecretValue.
    expect((check(rule, f.ifGrant) as string[]).join('\n')).toMatch(/maybe\/app-secrets .*DbSecret\w+: secretsmanager:GetSecretValue: no statement allows/);
  });

  test('fooling: an association that may not be deployed, usePodIdentity not set, a role EKS Pod Identity cannot assume', () => {
    expect(check(rule, f.conditionalAssociation)).toEqual([expect.stringMatching(/no AWS::EKS::PodIdentityAssociation of the cluster binds service account optional\/app/)]);
    expect(check(rule, f.noPodIdentity)).toEqual([expect.stringMatching(/irsa\/app-secrets .*parameters.usePodIdentity = null \(not "true"\)/)]);
    expect(check(rule, f.wrongTrust)).toEqual([expect.stringMatching(/UntrustedPodIdentity \(untrusted\/app\) binds role UntrustedRole\w+, but its trust policy has no unconditional Allow of sts:AssumeRole and sts:TagSession to pods.eks.amazonaws.com/)]);
  });

  test('fooling: a literal ARN or a parameter in objects is not a secret of the app, even with GetSecretValue on *', () => {
    // The stack has an undecided condition (the Optional fixture): findings of several worlds come as one description.
    const findings = (check(rule, f.unresolvable) as string[]).join('\n');
    expect(findings).toMatch(/objects\[1\]\.objectName = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf": a literal ARN/);
    expect(findings).toMatch(/objects\[2\]\.objectName = \{"Ref":"ExternalSecretArn"\}: not a secret of the app/);
    // objects[0] is granted (DbSecret through the L2 grant): no finding for it.
    expect(findings).not.toMatch(/DbSecret/);
  });

  test('the Readiness pack flags exactly the manifests of the non-compliant and fooling fixtures', () => {
    const flagged = flaggedPaths(rule, f.app).map((p) => p.replace(/^Workloads\/Cluster\/manifest-/, '').replace(/\/Resource\/Default$/, '')).sort();
    expect(flagged).toEqual(['Billing', 'External', 'Irsa', 'Legacy', 'Maybe', 'Ops', 'Optional', 'Orphan', 'Reports', 'Swapped', 'Tagged', 'Untrusted']);
  });
});
