import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { clusterManifests, describe, isDeployment, isKnown, KubernetesObject, KUBERNETES_RESOURCE_TYPE, manifestOf, namespaceOf } from '../../analysis/kubernetes-manifests';

const emptyList = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);

/** The directions (Ingress, Egress) a NetworkPolicy denies by default for every pod of its namespace. */
function denies(policy: KubernetesObject): Set<string> {
  const out = new Set<string>();
  if (policy.kind !== 'NetworkPolicy' || policy.apiVersion !== 'networking.k8s.io/v1') return out;
  const selector = policy.spec?.podSelector;
  // Every pod: `podSelector: {}` (no labels, no expressions).
  if (!selector || typeof selector !== 'object' || Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0) return out;
  const types: unknown = policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress !== undefined ? ['Egress'] : [])];
  if (!Array.isArray(types)) return out;
  if (types.includes('Ingress') && emptyList(policy.spec?.ingress)) out.add('Ingress');
  if (types.includes('Egress') && emptyList(policy.spec?.egress)) out.add('Egress');
  return out;
}

/**
 * Readiness-K8S-NAMESPACE-DEFAULT-DENY: every namespace a Kubernetes manifest creates (a Namespace object) or
 * runs a Deployment in has a NetworkPolicy selecting every pod (`podSelector: {}`) that denies Ingress and
 * Egress by default (listed in `policyTypes`, no rules); allows are added as further policies. The policies
 * of every manifest of the same cluster count.
 */
export const K8sNamespaceDefaultDeny: ResourceRule = {
  kind: 'resource',
  id: 'K8S-NAMESPACE-DEFAULT-DENY',
  controlId: 'SECURITY-HARDENING',
  category: 'security',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A Kubernetes namespace has no default-deny NetworkPolicy for ingress and egress.',
  explanation:
    'Kubernetes lets every pod talk to every pod and to the internet unless a NetworkPolicy says otherwise: one compromised pod reaches ' +
    'the whole cluster (gap 2.2). In each namespace add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]` and no ' +
    'rules, then policies that allow what the services need (DNS, the database proxy, the cache, the load balancer).',
  test: 'test/aspects/rules/eks/k8s-workload-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const own = manifestOf(node);
    if (own.unreadable) return [own.unreadable];
    const namespaces = new Map<string, KubernetesObject>();
    for (const o of own.objects) {
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.set(o.metadata?.name ?? '(unnamed)', o);
      else if (isDeployment(o)) namespaces.set(namespaceOf(o), o);
    }
    if (namespaces.size === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const policies = clusterManifests(node).flatMap((m) => m.objects).filter((o) => o.kind === 'NetworkPolicy');
    const findings: string[] = [];
    for (const [ns, o] of namespaces) {
      if (!isKnown(ns)) {
        findings.push(`${describe(o, node)}: its namespace cannot be read`);
        continue;
      }
      const denied = new Set(policies.filter((p) => namespaceOf(p) === ns).flatMap((p) => [...denies(p)]));
      const missing = ['Ingress', 'Egress'].filter((d) => !denied.has(d));
      if (missing.length > 0) findings.push(`namespace ${ns} (${describe(o, node)}) has no NetworkPolicy with podSelector {} denying ${missing.join(' and ')} by default`);
    }
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
