import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { parse as parseYaml } from 'yaml';
import { logicalIdOf, primitive, prop, resourcesOfType } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { actionMatches, statementsOfDocument } from '../../analysis/policy-evaluation';
import { field } from '../../analysis/eks-cluster';
import {
  clusterManifests, describe, isKnown, KUBERNETES_RESOURCE_TYPE, KubernetesObject, manifestWithTokens, ManifestWithTokens, nameOf, namespaceOf, tokenAt,
} from '../../analysis/kubernetes-manifests';
import { asSecret, checkSecret } from './secret-readable-by-consumer';

/** The CSI driver of the Secrets Store CSI driver. */
const SECRETS_STORE_DRIVER = 'secrets-store.csi.k8s.io';
const POD_IDENTITY_ASSOCIATION = 'AWS::EKS::PodIdentityAssociation';
const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v === undefined ? null : v);

/** The pod spec of a workload object (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod), if it is one. */
function podSpecOf(o: KubernetesObject): Record<string, any> | undefined {
  const group = typeof o.apiVersion === 'string' ? o.apiVersion.split('/')[0] : '';
  let spec: unknown;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o.kind ?? '') && group === 'apps') spec = o.spec?.template?.spec;
  else if (o.kind === 'Job' && group === 'batch') spec = o.spec?.template?.spec;
  else if (o.kind === 'CronJob' && group === 'batch') spec = o.spec?.jobTemplate?.spec?.template?.spec;
  else if (o.kind === 'Pod' && o.apiVersion === 'v1') spec = o.spec;
  return isObject(spec) ? spec : undefined;
}

const isSecretProviderClass = (o: KubernetesObject) =>
  o.kind === 'SecretProviderClass' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('secrets-store.csi.x-k8s.io/');

/**
 * Whether two rendered `ClusterName` values name the same cluster: references to the same cluster resource,
 * or the same literal name (a referenced cluster's literal `Name` included).
 */
function sameCluster(a: CfnResource, aValue: unknown, b: CfnResource, bValue: unknown): boolean {
  const ra = referencedResource(a, aValue);
  const rb = referencedResource(b, bValue);
  if (ra && rb) return ra === rb;
  const literalName = (node: CfnResource, value: unknown, ref: CfnResource | undefined): string | undefined => {
    if (ref) {
      const name = ref.cfnResourceType === 'AWS::EKS::Cluster' ? prop(ref, 'Name') : field(prop(ref, 'Config'), 'Name');
      const r = primitive(ref, name);
      return r.known && typeof r.value === 'string' ? r.value : undefined;
    }
    const r = primitive(node, value);
    return r.known && typeof r.value === 'string' ? r.value : undefined;
  };
  const na = literalName(a, aValue, ra);
  return na !== undefined && na === literalName(b, bValue, rb);
}

/** Whether the role's trust policy lets EKS Pod Identity assume it (sts:AssumeRole and sts:TagSession, unconditionally). */
function trustProblem(role: CfnResource): string | undefined {
  const statements = statementsOfDocument(role, prop(role, 'AssumeRolePolicyDocument'));
  if (!statements) return 'its AssumeRolePolicyDocument cannot be read';
  const literal = (v: unknown): string[] | undefined => {
    const out: string[] = [];
    for (const i of Array.isArray(v) ? v : [v]) {
      const r = primitive(role, i);
      if (!r.known || typeof r.value !== 'string') return undefined;
      out.push(r.value);
    }
    return out;
  };
  if (statements.some((st) => !(primitive(role, st.Effect).known && st.Effect === 'Allow'))) return 'its trust policy has a statement that is not a literal Allow (a Deny, or an Effect the rule cannot read)';
  const trusted = statements.some((st) => {
    if (st.Condition !== undefined || st.NotPrincipal !== undefined || !isObject(st.Principal)) return false;
    const services = literal(st.Principal.Service);
    const actions = st.Action === undefined ? undefined : literal(st.Action);
    return !!services?.includes(POD_IDENTITY_PRINCIPAL) && !!actions
      && ['sts:AssumeRole', 'sts:TagSession'].every((a) => actions.some((p) => actionMatches(p, a)));
  });
  return trusted ? undefined : `its trust policy has no unconditional Allow of sts:AssumeRole and sts:TagSession to ${POD_IDENTITY_PRINCIPAL}`;
}

/** The role pods of (cluster, namespace, service account) run as, or why the rule cannot tell. */
function podRole(manifest: CfnResource, namespace: string, serviceAccount: string): { role?: CfnResource; via?: string; problem?: string } {
  const stage = Stage.of(manifest);
  const scope = stage ?? manifest.node.root;
  const clusterName = prop(manifest, 'ClusterName');
  const candidates = resourcesOfType(scope, POD_IDENTITY_ASSOCIATION).filter((a) => Stage.of(a) === stage && sameCluster(manifest, clusterName, a, prop(a, 'ClusterName')));
  const literal = (a: CfnResource, name: string) => {
    const r = primitive(a, prop(a, name));
    return r.known && typeof r.value === 'string' ? r.value : undefined;
  };
  const matching = candidates.filter((a) => literal(a, 'Namespace') === namespace && literal(a, 'ServiceAccount') === serviceAccount);
  const who = `${namespace}/${serviceAccount}`;
  if (matching.length === 0) {
    const unreadable = candidates.filter((a) => literal(a, 'Namespace') === undefined || literal(a, 'ServiceAccount') === undefined);
    const hint = unreadable.length > 0 ? ` (${unreadable.map(logicalIdOf).join(', ')} name a namespace or service account the template does not show)` : '';
    return { problem: `no ${POD_IDENTITY_ASSOCIATION} of the cluster binds service account ${who} to a role${hint}: the pod has no pod identity` };
  }
  if (matching.length > 1) return { problem: `${matching.map(logicalIdOf).join(', ')} all bind service account ${who}: EKS accepts one association per service account` };
  const association = matching[0];
  const via = `${logicalIdOf(association)} (${who})`;
  const target = prop(association, 'TargetRoleArn');
  if (target !== undefined) return { problem: `${via} has TargetRoleArn = ${show(Stack.of(association).resolve(target))}: role chaining is not evaluated, the secrets' access cannot be proved` };
  const roleArn = prop(association, 'RoleArn');
  const role = referencedResource(association, roleArn);
  if (role?.cfnResourceType !== 'AWS::IAM::Role') return { problem: `${via} has RoleArn = ${show(Stack.of(association).resolve(roleArn))}: not an IAM role of the app, its permissions cannot be read` };
  const trust = trustProblem(role);
  if (trust) return { problem: `${via} binds role ${logicalIdOf(role)}, but ${trust}` };
  return { role, via };
}

/** The app's secret a literal name stands for: one `AWS::SecretsManager::Secret` of the stage whose literal `Name` is it. */
function secretNamed(manifest: CfnResource, name: string): CfnResource | undefined {
  const stage = Stage.of(manifest);
  const named = resourcesOfType(stage ?? manifest.node.root, 'AWS::SecretsManager::Secret').filter((s) => {
    const r = primitive(s, prop(s, 'Name'));
    return Stage.of(s) === stage && r.known && r.value === name;
  });
  return named.length === 1 ? named[0] : undefined;
}

/** What one `objects` entry of a SecretProviderClass names: an app secret, nothing to check (SSM), or a problem. */
function secretOfEntry(spc: ManifestWithTokens, entry: unknown, i: number): { secret?: CfnResource; problem?: string } {
  if (!isObject(entry)) return { problem: `objects[${i}] is not a mapping` };
  const name = entry.objectName;
  const type = entry.objectType;
  const where = `objects[${i}].objectName`;
  const token = tokenAt(spc, name);
  if (token !== undefined) {
    const ref = referencedResource(spc.node, token);
    const secret = asSecret(ref);
    if (secret) return { secret };
    if (ref?.cfnResourceType === 'AWS::SSM::Parameter' || type === 'ssmparameter') return {};
    return { problem: `${where} = ${show(token)}: not a secret of the app, its access cannot be proved` };
  }
  if (typeof name !== 'string' || name === '') return { problem: `${where} is not set` };
  if (!isKnown(name)) return type === 'ssmparameter' ? {} : { problem: `${where} is built from values the template does not show: not a secret of the app, its access cannot be proved` };
  if (/^arn:[^:]+:ssm:/.test(name) || (type === 'ssmparameter' && !name.startsWith('arn:'))) return {};
  if (/^arn:[^:]+:secretsmanager:/.test(name)) return { problem: `${where} = ${show(name)}: a literal ARN, not a reference to a secret of the app, its access cannot be proved` };
  if (type === 'secretsmanager') {
    const secret = secretNamed(spc.node, name);
    return secret ? { secret } : { problem: `${where} = ${show(name)}: no one secret of the app has this literal Name, its access cannot be proved` };
  }
  return { problem: `${where} = ${show(name)} with objectType = ${show(type)}: neither a Secrets Manager secret nor an SSM parameter the rule can read` };
}

/** Findings for one SecretProviderClass that a pod mounts, read by `role` (undefined: the role problem is reported once). */
function spcFindings(spc: ManifestWithTokens, o: KubernetesObject, roleOf: () => { role?: CfnResource; via?: string; problem?: string }): string[] {
  const params = o.spec?.parameters;
  if (o.spec?.provider !== 'aws') return [`provider = ${show(o.spec?.provider)}: only the AWS provider (ASCP) is evaluated`];
  if (!isObject(params)) return ['spec.parameters is not set'];
  let entries: unknown;
  try {
    entries = typeof params.objects === 'string' ? parseYaml(params.objects) : undefined;
  } catch {
    entries = undefined;
  }
  if (!Array.isArray(entries)) return [`parameters.objects is not a YAML list the template shows`];
  const findings: string[] = [];
  const secrets: CfnResource[] = [];
  entries.forEach((entry, i) => {
    const { secret, problem } = secretOfEntry(spc, entry, i);
    if (problem) findings.push(problem);
    if (secret && !secrets.includes(secret)) secrets.push(secret);
  });
  if (secrets.length === 0) return findings;
  if (params.usePodIdentity !== 'true') {
    findings.push(`parameters.usePodIdentity = ${show(params.usePodIdentity)} (not "true"): the provider reads the secrets with IRSA or the node role, which the rule does not evaluate`);
    return findings;
  }
  const { role, via, problem } = roleOf();
  if (!role) return [...findings, problem!];
  for (const secret of secrets) for (const f of checkSecret(role, secret)) findings.push(`pod identity ${via} -> ${logicalIdOf(role)}: ${f}`);
  return findings;
}

/** Findings for every Secrets Store CSI volume of one workload. */
function workloadFindings(own: ManifestWithTokens, workload: KubernetesObject, podSpec: Record<string, any>, cluster: ManifestWithTokens[]): string[] {
  const volumes = (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).filter((v: any) => isObject(v) && isObject(v.csi) && v.csi.driver === SECRETS_STORE_DRIVER);
  const findings: string[] = [];
  const subject = describe(workload, own.node);
  const namespace = namespaceOf(workload);
  const serviceAccount = podSpec.serviceAccountName ?? podSpec.serviceAccount ?? 'default';
  let role: ReturnType<typeof podRole> | undefined;
  const roleOf = () => (role ??= isKnown(namespace) && isKnown(serviceAccount)
    ? podRole(own.node, namespace, serviceAccount)
    : { problem: `namespace ${show(namespace)} or serviceAccountName ${show(serviceAccount)} is a value the template does not show: its pod identity cannot be found` });
  for (const volume of volumes) {
    const className = volume.csi.volumeAttributes?.secretProviderClass;
    const prefix = `${subject} volume ${volume.name ?? '(unnamed)'}`;
    if (!isKnown(className)) {
      findings.push(`${prefix}: volumeAttributes.secretProviderClass = ${show(className)}: not a name the template shows`);
      continue;
    }
    const classes = cluster.flatMap((m) => m.objects.filter((o) => isSecretProviderClass(o) && nameOf(o) === className).map((o) => ({ m, o })));
    const same = classes.filter(({ o }) => namespaceOf(o) === namespace);
    if (same.length === 0) {
      const elsewhere = classes.map(({ o }) => namespaceOf(o));
      const hint = elsewhere.length > 0 ? ` (it exists in namespace ${elsewhere.join(', ')}; the driver reads only the pod's namespace)` : '';
      findings.push(`${prefix}: SecretProviderClass ${namespace}/${className} is not in any manifest of the cluster${hint}`);
      continue;
    }
    for (const { m, o } of same) {
      for (const f of spcFindings(m, o, roleOf)) findings.push(`${prefix}: SecretProviderClass ${namespace}/${className} (in ${logicalIdOf(m.node)}.Manifest): ${f}`);
    }
  }
  return findings;
}

/**
 * Readiness-K8S-SECRETS-READABLE: every secret a Kubernetes pod mounts through the Secrets Store CSI driver
 * can be read by the role the pod runs as. For each workload (Deployment, StatefulSet, DaemonSet, Job,
 * CronJob, Pod) with a `secrets-store.csi.k8s.io` volume: its SecretProviderClass in the pod's namespace on
 * the same cluster, with the AWS provider and `usePodIdentity: "true"`; the one
 * `AWS::EKS::PodIdentityAssociation` of (cluster, namespace, serviceAccountName) and its role, which trusts
 * `pods.eks.amazonaws.com`; and for each `objects` entry that names a secret of the app (by reference, or by
 * its literal Name), secretsmanager:GetSecretValue on it and kms:Decrypt on its customer key, through the
 * same evaluator as Readiness-SECRET-READABLE. A secret the rule cannot resolve, a missing or conditional
 * association or SecretProviderClass, IRSA or the node role: findings.
 */
export const K8sSecretsReadableByPod: ResourceRule = {
  kind: 'resource',
  id: 'K8S-SECRETS-READABLE',
  controlId: 'RUNTIME-WIRING',
  category: 'security',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A Kubernetes pod mounts secrets (Secrets Store CSI driver) that the role it runs as cannot be proved to read: the SecretProviderClass, the pod identity association, GetSecretValue or kms:Decrypt is missing.',
  explanation:
    'The Secrets Store CSI driver mounts secrets when the pod starts, with the credentials of the pod\'s EKS Pod Identity role ' +
    '(`usePodIdentity: "true"`): without the SecretProviderClass in the pod\'s namespace, a PodIdentityAssociation for its service ' +
    'account, GetSecretValue on each secret or kms:Decrypt on its customer key, the pod stays in ContainerCreating and the rollout never ' +
    'completes. Create the association for the pod\'s namespace and serviceAccountName, and grant its role GetSecretValue on the secrets ' +
    '(by reference) and kms:Decrypt on their keys with `kms:ViaService` = `secretsmanager.<region>.amazonaws.com`.',
  test: 'test/aspects/rules/wiring/k8s-secrets-readable-by-pod.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const own = manifestWithTokens(node);
    if (own.unreadable) return [own.unreadable];
    const workloads = own.objects.map((o) => ({ o, spec: podSpecOf(o) })).filter((w) => w.spec && (Array.isArray(w.spec.volumes) ? w.spec.volumes : [])
      .some((v: any) => isObject(v) && isObject(v.csi) && v.csi.driver === SECRETS_STORE_DRIVER));
    if (workloads.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const cluster = clusterManifests(node).map((m) => manifestWithTokens(m.node));
    const findings = workloads.flatMap(({ o, spec }) => workloadFindings(own, o, spec!, cluster));
    return findings.length > 0 ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
