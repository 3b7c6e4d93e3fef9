import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { checkDeployments, describe, isKnown, KubernetesObject, KUBERNETES_RESOURCE_TYPE, nameOf, namespaceOf } from '../../analysis/kubernetes-manifests';

/** Whether `scaler` (an HPA, or a KEDA ScaledObject that makes one) scales Deployment `d`, from min to a larger max. */
function scales(scaler: KubernetesObject, d: KubernetesObject): boolean {
  const hpa = scaler.kind === 'HorizontalPodAutoscaler' && String(scaler.apiVersion).startsWith('autoscaling/');
  const keda = scaler.kind === 'ScaledObject' && String(scaler.apiVersion).startsWith('keda.sh/');
  if (!hpa && !keda) return false;
  if (namespaceOf(scaler) !== namespaceOf(d) || !isKnown(namespaceOf(d))) return false;
  const ref = scaler.spec?.scaleTargetRef;
  const kind = ref?.kind ?? (keda ? 'Deployment' : undefined);
  if (kind !== 'Deployment' || !isKnown(ref?.name) || ref.name !== nameOf(d)) return false;
  const max = hpa ? scaler.spec?.maxReplicas : scaler.spec?.maxReplicaCount ?? 100;
  const min = hpa ? scaler.spec?.minReplicas ?? 1 : scaler.spec?.minReplicaCount ?? 0;
  return typeof max === 'number' && typeof min === 'number' && max > min;
}

/**
 * Readiness-K8S-DEPLOYMENT-AUTOSCALED: every Deployment in a Kubernetes manifest of the template is the
 * `scaleTargetRef` of a HorizontalPodAutoscaler (autoscaling/v1 or v2) or a KEDA ScaledObject, in the same
 * namespace and cluster, with `maxReplicas` above `minReplicas`. A name the template cannot read never matches.
 */
export const K8sDeploymentAutoscaled: ResourceRule = {
  kind: 'resource',
  id: 'K8S-DEPLOYMENT-AUTOSCALED',
  controlId: 'AUTOSCALING',
  category: 'ha',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A Kubernetes Deployment has no HorizontalPodAutoscaler (or KEDA ScaledObject) that scales it.',
  explanation:
    'A Deployment with a fixed replica count falls over under load or wastes capacity when idle (gap 3.3: "No auto-scaling configured"). ' +
    'Add an `autoscaling/v2` HorizontalPodAutoscaler whose `scaleTargetRef` names the Deployment (kind Deployment, same namespace), ' +
    'with `maxReplicas` above `minReplicas`, scaling on CPU or requests; or a KEDA ScaledObject for queue depth.',
  test: 'test/aspects/rules/eks/k8s-workload-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult =>
    checkDeployments(node, (d, cluster) => (cluster.some((s) => scales(s, d)) ? [] : [`${describe(d, node)} has no HorizontalPodAutoscaler or ScaledObject with scaleTargetRef Deployment/${nameOf(d)} and maxReplicas > minReplicas`])),
};
