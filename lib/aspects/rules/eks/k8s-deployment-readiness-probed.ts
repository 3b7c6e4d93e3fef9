import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { checkDeploymentContainers, KUBERNETES_RESOURCE_TYPE } from '../../analysis/kubernetes-manifests';

const HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

/**
 * Readiness-K8S-DEPLOYMENT-READINESS-PROBED: every container of every Deployment has a `readinessProbe`
 * with a handler (httpGet, tcpSocket, exec or grpc).
 */
export const K8sDeploymentReadinessProbed: ResourceRule = {
  kind: 'resource',
  id: 'K8S-DEPLOYMENT-READINESS-PROBED',
  controlId: 'HEALTH-CHECK',
  category: 'ha',
  resourceTypes: [KUBERNETES_RESOURCE_TYPE],
  info: 'A container of a Kubernetes Deployment has no readiness probe: it gets traffic before it can serve, and during a rollout.',
  explanation:
    'Without a readiness probe a pod joins the Service (and the load balancer\'s targets) as soon as it starts, and a rollout replaces ' +
    'healthy pods with ones that cannot serve (gap 4.5). Add `readinessProbe` (httpGet on the health path the load balancer uses) to every container.',
  test: 'test/aspects/rules/eks/k8s-workload-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult =>
    checkDeploymentContainers(node, (c) => {
      const probe = c?.readinessProbe;
      if (probe && typeof probe === 'object' && HANDLERS.some((h) => probe[h] && typeof probe[h] === 'object')) return undefined;
      return `readinessProbe ${probe === undefined ? 'not set' : 'has no handler'}`;
    }),
};
