import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { checkDeployments, describe, isKnown, KubernetesObject, KUBERNETES_RESOURCE_TYPE, namespaceOf, podLabels, selects } from '../../analysis/kubernetes-manifests';

/** A PDB that protects at least one pod: `minAvailable` >= 1 (or a non-zero percentage), or `maxUnavailable` set. */
function budgets(pdb: KubernetesObject, d: KubernetesObject): boolean {
  if (pdb.kind !== 'PodDisruptionBudget' || !String(pdb.apiVersion).startsWith('policy/')) return false;
  if (namespaceOf(pdb) !== namespaceOf(d) || !isKnown(namespaceOf(d))) return false;
  const labels = podLabels(d);
  if (!labels || !selects(pdb.spec?.selector, labels, pdb.apiVersion === 'policy/v1')) return false;
  const min = pdb.spec?.minAvailable;
  const max = pdb.spec?.maxUnavailable;
  const positive = (v: unknown) => (typeof v === 'number' && v >= 1) || (typeof v === 'string' && /^[1-9]\d*%$/.test(v));
  return positive(min) || (max !== undefined && (typeof max === 'number' || (typeof max === 'string' && /^\d+%$/.test(max))));
}

/**
 * Readiness-K8S-DEPLOYMENT-DISRUPTION-BUDGETED: every Deployment's pods are selected by a
 * PodDisruptionBudget (policy/v1) of the same namespace and cluster with `minAvailable` >= 1 or `maxUnavailable`
 * set. Labels or selectors the template cannot read never match.
 */
export const K8sDeploymentDisruptionBudgeted: ResourceRule = {
  kind: 'resource',
  id: 'K8S-DEPLOYMENT-DISRUPTION-BUDGETED',
  controlId: 'COMPUTE-PLATFORM',
  category: 'ha',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A Kubernetes Deployment has no PodDisruptionBudget: a node drain or upgrade may evict all its pods at once.',
  explanation:
    'Node upgrades, Auto Mode or Karpenter consolidation and zone rebalancing drain nodes; without a PodDisruptionBudget every replica ' +
    'can be evicted together (gap 3.3). Add a `policy/v1` PodDisruptionBudget in the Deployment\'s namespace whose `selector.matchLabels` ' +
    'match its pod template labels, with `minAvailable` >= 1 or `maxUnavailable` (e.g. 1).',
  test: 'test/aspects/rules/eks/k8s-workload-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult =>
    checkDeployments(node, (d, cluster) => (cluster.some((p) => budgets(p, d)) ? [] : [`${describe(d, node)} has no PodDisruptionBudget selecting its pod labels ${JSON.stringify(podLabels(d) ?? 'unreadable')}`])),
};
