/**
 * Kubernetes objects the template carries: the `Manifest` property (a JSON string) of every
 * `Custom::AWSCDK-EKS-KubernetesResource` (aws-eks v1 and v2 `KubernetesManifest`, `cluster.addManifest`).
 * A token inside the JSON (a Ref, a GetAtt, a Join) becomes the UNKNOWN marker: it never equals a name,
 * a label or a number a rule looks for. A manifest that does not parse is unreadable.
 */
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { jsonOf, logicalIdOf, memoPerRun, prop, resourcesOfType } from '../rule-helpers';

export const KUBERNETES_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/** Stands for a value only known at deploy time. */
export const UNKNOWN = '\u2047unknown\u2047';

export interface KubernetesObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly spec?: any;
  readonly [key: string]: any;
}

export interface ManifestResource {
  readonly node: CfnResource;
  /** Which cluster it applies to: the serialized `ClusterName` value. */
  readonly cluster: string;
  readonly objects: readonly KubernetesObject[];
  /** Set when the manifest cannot be parsed. */
  readonly unreadable?: string;
}

/**
 * The rendered Manifest as JSON text, tokens replaced by UNKNOWN (or by `marker(token)`); `undefined` when
 * its shape is not a string or a Join.
 */
function manifestText(node: CfnResource, value: unknown, marker: (token: unknown) => string = () => UNKNOWN): string | undefined {
  const v = Stack.of(node).resolve(value);
  if (typeof v === 'string') return v;
  const join = v && typeof v === 'object' ? v['Fn::Join'] : undefined;
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return (join[1] as unknown[]).map((p) => (typeof p === 'string' ? p : marker(p))).join(join[0]);
  }
  return undefined;
}

function flatten(objects: unknown[]): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  for (const o of objects) {
    if (!o || typeof o !== 'object' || Array.isArray(o)) continue;
    const obj = o as KubernetesObject;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) out.push(...flatten(obj.items));
    else out.push(obj);
  }
  return out;
}

/** One Kubernetes resource's objects. */
export function manifestOf(node: CfnResource): ManifestResource {
  return memoPerRun(node, 'k8s:manifest', () => {
    const cluster = jsonOf(prop(node, 'ClusterName') ?? null);
    const text = manifestText(node, prop(node, 'Manifest'));
    if (text === undefined) return { node, cluster, objects: [], unreadable: 'Manifest is not a JSON string the template shows' };
    try {
      const parsed = JSON.parse(text);
      return { node, cluster, objects: flatten(Array.isArray(parsed) ? parsed : [parsed]) };
    } catch {
      return { node, cluster, objects: [], unreadable: 'Manifest does not parse as JSON (a token stands for a non-string value)' };
    }
  });
}

/** A manifest whose tokens stay readable: each is `UNKNOWN<index>UNKNOWN` in the objects, `tokens[index]` its rendered value. */
export interface ManifestWithTokens extends ManifestResource {
  readonly tokens: readonly unknown[];
}

/** One Kubernetes resource's objects, each token a marker that `tokenAt` maps back to its rendered value (a Ref, a GetAtt). */
export function manifestWithTokens(node: CfnResource): ManifestWithTokens {
  return memoPerRun(node, 'k8s:manifest-tokens', () => {
    const cluster = jsonOf(prop(node, 'ClusterName') ?? null);
    const tokens: unknown[] = [];
    const text = manifestText(node, prop(node, 'Manifest'), (t) => `${UNKNOWN}${tokens.push(t) - 1}${UNKNOWN}`);
    if (text === undefined) return { node, cluster, objects: [], tokens, unreadable: 'Manifest is not a JSON string the template shows' };
    try {
      const parsed = JSON.parse(text);
      return { node, cluster, objects: flatten(Array.isArray(parsed) ? parsed : [parsed]), tokens };
    } catch {
      return { node, cluster, objects: [], tokens, unreadable: 'Manifest does not parse as JSON (a token stands for a non-string value)' };
    }
  });
}

/** The rendered value a string of a `manifestWithTokens` object stands for, when the whole string is one token. */
export function tokenAt(manifest: ManifestWithTokens, value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  const m = new RegExp(`^${UNKNOWN}(\\d+)${UNKNOWN}$`).exec(value);
  return m ? manifest.tokens[Number(m[1])] : undefined;
}

/** Every Kubernetes resource of the same stage (or app) as `node` that applies to the same cluster. */
export function clusterManifests(node: CfnResource): ManifestResource[] {
  const stage = Stage.of(node);
  const scope = stage ?? node.node.root;
  const own = manifestOf(node);
  const all = memoPerRun(scope, 'k8s:manifests', () => resourcesOfType(scope, KUBERNETES_RESOURCE_TYPE).filter((r) => Stage.of(r) === stage).map(manifestOf));
  return all.filter((m) => m.cluster === own.cluster);
}

export const isKnown = (v: unknown): v is string => typeof v === 'string' && !v.includes(UNKNOWN);

export function nameOf(o: KubernetesObject): string {
  return o.metadata?.name ?? '(unnamed)';
}

/** The object's namespace (`default` when not set; UNKNOWN stays as is). */
export function namespaceOf(o: KubernetesObject): string {
  return o.metadata?.namespace ?? 'default';
}

export function describe(o: KubernetesObject, node: CfnResource): string {
  return `${o.kind} ${namespaceOf(o)}/${nameOf(o)} (in ${logicalIdOf(node)}.Manifest)`;
}

/** Workload kinds the Deployment rules read. */
export const isDeployment = (o: KubernetesObject) => o.kind === 'Deployment' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('apps/');

/** The pod template labels of a workload, or `undefined` if any is unknown. */
export function podLabels(o: KubernetesObject): Record<string, string> | undefined {
  const labels = o.spec?.template?.metadata?.labels;
  if (!labels || typeof labels !== 'object') return {};
  for (const [k, v] of Object.entries(labels)) if (!isKnown(k) || !isKnown(v)) return undefined;
  return labels as Record<string, string>;
}

/**
 * Whether a label selector (`matchLabels`, `matchExpressions` In/Exists) surely selects the pods with
 * these labels (`emptySelectsAll`: `{}` selects every pod). Unknown values and operators other than In/Exists/NotIn/DoesNotExist never match.
 */
export function selects(selector: any, labels: Record<string, string>, emptySelectsAll = false): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const match = selector.matchLabels ?? {};
  if (typeof match !== 'object') return false;
  for (const [k, v] of Object.entries(match)) if (!isKnown(k) || !isKnown(v) || labels[k] !== v) return false;
  const exprs = selector.matchExpressions ?? [];
  if (!Array.isArray(exprs)) return false;
  for (const e of exprs) {
    const key = e?.key;
    if (!isKnown(key)) return false;
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    if (values.some((x) => !isKnown(x))) return false;
    const has = key in labels;
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  // An empty selector selects every pod of the namespace (policy/v1 PDB, NetworkPolicy podSelector).
  return Object.keys(match).length > 0 || exprs.length > 0 || emptySelectsAll;
}

/** Deployments of one Kubernetes resource, and the objects of its cluster they are judged against. */
export function deploymentsAndCluster(node: CfnResource): { own: ManifestResource; deployments: KubernetesObject[]; cluster: KubernetesObject[] } {
  const own = manifestOf(node);
  const cluster = clusterManifests(node).flatMap((m) => m.objects);
  return { own, deployments: own.objects.filter(isDeployment), cluster };
}

/** The containers of a workload's pod template (not init containers). */
export function containersOf(o: KubernetesObject): any[] {
  const c = o.spec?.template?.spec?.containers;
  return Array.isArray(c) ? c : [];
}

/**
 * The check of a rule over the Deployments of one Kubernetes resource: an unreadable manifest is the
 * finding, a resource without Deployments is not applicable, otherwise the findings of every Deployment
 * (compliant when there are none).
 */
export function checkDeployments(node: CfnResource, findingsOf: (d: KubernetesObject, cluster: KubernetesObject[]) => string[]): NagRuleResult {
  const { own, deployments, cluster } = deploymentsAndCluster(node);
  if (own.unreadable) return [own.unreadable];
  if (deployments.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = deployments.flatMap((d) => findingsOf(d, cluster));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/**
 * The check of a rule over every container of every Deployment: `problemOf` says what is wrong with one
 * container (undefined when nothing is); a Deployment whose containers the template does not show is a finding.
 */
export function checkDeploymentContainers(node: CfnResource, problemOf: (c: any) => string | undefined): NagRuleResult {
  return checkDeployments(node, (d) => {
    const containers = containersOf(d);
    const findings = containers.length === 0 ? [`${describe(d, node)} has no containers the template shows`] : [];
    for (const c of containers) {
      const problem = problemOf(c);
      if (problem !== undefined) findings.push(`${describe(d, node)} container ${c?.name ?? '(unnamed)'}: ${problem}`);
    }
    return findings;
  });
}
