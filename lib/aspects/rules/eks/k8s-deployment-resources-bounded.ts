import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { checkDeploymentContainers, isKnown, KUBERNETES_RESOURCE_TYPE } from '../../analysis/kubernetes-manifests';

const quantity = (v: unknown) => (typeof v === 'number' && v > 0) || (isKnown(v) && v.trim() !== '' && !/^0+[a-zA-Z]*$/.test(v.trim()));

/**
 * Readiness-K8S-DEPLOYMENT-RESOURCES-BOUNDED: every container of every Deployment requests CPU and memory
 * and limits memory and CPU. Quantities the template cannot read do not count.
 */
export const K8sDeploymentResourcesBounded: ResourceRule = {
  kind: 'resource',
  id: 'K8S-DEPLOYMENT-RESOURCES-BOUNDED',
  controlId: 'CAPACITY',
  category: 'operations',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A container of a Kubernetes Deployment has no CPU/memory requests or limits.',
  explanation:
    'Without requests the scheduler packs pods blindly and the HPA has no utilization to scale on; without limits one pod can starve ' +
    'its neighbours or the node (gap 9.4). Set `resources.requests.cpu`, `resources.requests.memory`, `resources.limits.cpu` and ' +
    '`resources.limits.memory` on every container.',
  test: 'test/aspects/rules/eks/k8s-workload-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult =>
    checkDeploymentContainers(node, (c) => {
      const r = c?.resources ?? {};
      const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((path) => {
        const [kind, res] = path.split('.');
        return !quantity(r?.[kind]?.[res]);
      });
      return missing.length > 0 ? `resources.${missing.join(', resources.')} not set (or zero, or unreadable)` : undefined;
    }),
};
