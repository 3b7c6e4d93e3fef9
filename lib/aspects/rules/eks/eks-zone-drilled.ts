import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { prop, rendered, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { EKS_CLUSTER_TYPES, field } from '../../analysis/eks-cluster';

/** FIS actions that take pods or nodes of a cluster away. */
export const EKS_DRILL_ACTIONS = ['aws:eks:pod-delete', 'aws:eks:terminate-nodegroup-instances'];

/** Whether a FIS target's `clusterIdentifier` (pods) or node group names this cluster. */
function targetsCluster(template: CfnResource, target: any, cluster: CfnResource): boolean {
  const id = target?.Parameters?.clusterIdentifier;
  if (id === undefined) return false;
  if (referencedResource(template, id) === cluster) return true;
  const literal = stringOf(template, id);
  const own = cluster.cfnResourceType === 'AWS::EKS::Cluster' ? prop(cluster, 'Name') : field(prop(cluster, 'Config'), 'Name');
  const name = own !== undefined ? stringOf(cluster, own) : undefined;
  return literal !== undefined && name !== undefined && (literal === name || literal.endsWith(`:cluster/${name}`)) && Stack.of(template).region === Stack.of(cluster).region;
}

/**
 * Readiness-EKS-CHAOS (control CHAOS, prod): every EKS cluster has an AWS FIS experiment template that deletes
 * its pods (aws:eks:pod-delete, target `clusterIdentifier` naming it) or terminates its node group instances,
 * limited to one zone (`availabilityZoneIdentifier`) for pods, and stopped by a CloudWatch alarm.
 */
export const EksZoneDrilled: ResourceRule = {
  kind: 'resource',
  id: 'EKS-CHAOS',
  controlId: 'CHAOS',
  category: 'operations',
  stages: ['prod'],
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster has no zone drill: no FIS experiment deletes a share of its pods in one zone (or its nodes) with an alarm stop condition.',
  explanation:
    'A zone losing its pods or nodes must be rehearsed, not assumed (gap 7.5). Add FailoverDrills with `eksZonePods` (aws:eks:pod-delete on a ' +
    'share of the pods in one zone, target parameter `availabilityZoneIdentifier`), stopped by the service health alarm.',
  test: 'test/aspects/rules/eks/eks-zone-drilled.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const templates = resourcesOfType(node.node.root, 'AWS::FIS::ExperimentTemplate');
    let unstopped = false;
    for (const t of templates) {
      const p = rendered(t).Properties;
      const targets: Record<string, any> = p.Targets ?? {};
      const hits = Object.values<any>(p.Actions ?? {}).some(
        (a) =>
          EKS_DRILL_ACTIONS.includes(a?.ActionId) &&
          Object.values<string>(a.Targets ?? {}).some((name) => {
            const target = targets[name];
            if (!target || !targetsCluster(t, target, node)) return false;
            return a.ActionId !== 'aws:eks:pod-delete' || stringOf(t, target.Parameters?.availabilityZoneIdentifier) !== undefined;
          }),
      );
      if (!hits) continue;
      const stops: any[] = p.StopConditions ?? [];
      if (stops.some((s) => s?.Source === 'aws:cloudwatch:alarm' && s.Value !== undefined)) return NagRuleCompliance.COMPLIANT;
      unstopped = true;
    }
    return [unstopped ? 'its zone drill has no aws:cloudwatch:alarm stop condition' : 'no FIS experiment template deletes its pods in one zone (aws:eks:pod-delete with availabilityZoneIdentifier) or terminates its nodes'];
  },
};
