import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule, RuleContext } from '../../rule';
import { capacityArithmetic, describeCapacity } from '../../../constructs/service/capacity-plan';
import { CONCURRENCY_ANNOTATION } from '../../../constructs/eks/workload-manifests';
import { targetConcurrentUsers } from '../service/capacity-plan-met';
import { deploymentsAndCluster, describe, isKnown, KubernetesObject, KUBERNETES_RESOURCE_TYPE, nameOf, namespaceOf, podLabels, selects } from '../../analysis/kubernetes-manifests';

/** The largest replica count an HPA or KEDA ScaledObject of the cluster allows the Deployment, or `undefined`. */
function maxReplicas(d: KubernetesObject, cluster: KubernetesObject[]): number | undefined {
  const maxima = cluster
    .filter((s) => (s.kind === 'HorizontalPodAutoscaler' || s.kind === 'ScaledObject') && namespaceOf(s) === namespaceOf(d))
    .filter((s) => isKnown(s.spec?.scaleTargetRef?.name) && s.spec.scaleTargetRef.name === nameOf(d) && (s.spec.scaleTargetRef.kind ?? 'Deployment') === 'Deployment')
    .map((s) => (s.kind === 'HorizontalPodAutoscaler' ? s.spec?.maxReplicas : s.spec?.maxReplicaCount ?? 100));
  return maxima.length > 0 && maxima.every((m) => typeof m === 'number') ? Math.max(...maxima) : undefined;
}

/** A Deployment is user-facing when a Service of its namespace selects its pods. */
function userFacing(d: KubernetesObject, cluster: KubernetesObject[]): boolean {
  const labels = podLabels(d);
  return cluster.some((s) => s.kind === 'Service' && s.apiVersion === 'v1' && namespaceOf(s) === namespaceOf(d) && (labels === undefined || selects({ matchLabels: s.spec?.selector ?? {} }, labels)));
}

/**
 * Readiness-K8S-CAPACITY (control CAPACITY): every user-facing Deployment (a Service selects its pods)
 * declares the concurrency one pod sustains (annotation `readiness.dev/concurrency-per-pod`), and its HPA's
 * (or ScaledObject's) max replicas times that concurrency reaches the stage's target concurrent users.
 */
export const K8sDeploymentCapacityPlanned: ResourceRule = {
  kind: 'resource',
  id: 'K8S-CAPACITY',
  controlId: 'CAPACITY',
  category: 'operations',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A user-facing Kubernetes Deployment cannot carry the target concurrent users: HPA max replicas x concurrency per pod falls short, or no concurrency is declared.',
  explanation:
    'Gap 3.1 requires a "proven ability to handle 10k concurrent users" and gap 9.4 proactive capacity planning. Annotate the Deployment with ' +
    `"${CONCURRENCY_ANNOTATION}": "<load-tested concurrent requests per pod>" (KubernetesWorkload does it) and raise the HPA's maxReplicas to at least ` +
    'ceil(target / concurrency per pod).',
  test: 'test/aspects/rules/eks/k8s-workload-rules.spec.ts',
  check: (node: CfnResource, context: RuleContext): NagRuleResult => {
    const { own, deployments, cluster } = deploymentsAndCluster(node);
    if (own.unreadable) return [own.unreadable];
    const facing = deployments.filter((d) => userFacing(d, cluster));
    if (facing.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const findings: string[] = [];
    for (const d of facing) {
      const raw = d.metadata?.annotations?.[CONCURRENCY_ANNOTATION];
      const perPod = isKnown(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(perPod) || perPod <= 0) {
        findings.push(`${describe(d, node)}: annotation ${CONCURRENCY_ANNOTATION} is ${raw === undefined ? 'not set' : JSON.stringify(raw)}`);
        continue;
      }
      const max = maxReplicas(d, cluster);
      if (max === undefined) {
        findings.push(`${describe(d, node)}: no HPA or ScaledObject with a readable maxReplicas`);
        continue;
      }
      const a = capacityArithmetic({ targetConcurrentUsers: targetConcurrentUsers(context, undefined), concurrencyPerTask: perPod }, max);
      if (!a.meetsTarget) findings.push(`${describe(d, node)}: ${describeCapacity(a)}`);
    }
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
