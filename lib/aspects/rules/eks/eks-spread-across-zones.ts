import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule, RuleContext } from '../../rule';
import { MIN_AVAILABILITY_ZONES, zonesOfSubnets } from '../service/compute-spread-across-zones';
import { EKS_CLUSTER_TYPES, subnetIdsOf } from '../../analysis/eks-cluster';

/**
 * Readiness-EKS-ZONES: the cluster's subnets (where the control plane's network interfaces and EKS Auto
 * Mode's built-in node pools go) span at least `minAvailabilityZones` zones (prod 3, else 2). Managed node
 * groups are checked by Readiness-COMPUTE-PLATFORM. Subnets must be AWS::EC2::Subnet resources of the app
 * with explicit zones; imported subnet IDs are unknown.
 */
export const EksSpreadAcrossZones: ResourceRule = {
  kind: 'resource',
  id: 'EKS-ZONES',
  controlId: 'COMPUTE-PLATFORM',
  category: 'ha',
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster\'s subnets do not span enough availability zones (2, prod 3), or their zones cannot be read.',
  explanation:
    'Auto Mode places nodes in the cluster\'s subnets and the control plane reaches nodes through them: subnets in one or two zones ' +
    'leave pods without a home when a zone fails (gap 1.1). Give the cluster subnets of a VPC with explicit `availabilityZones` ' +
    '(3 in prod), defined in the app so their zones can be read.',
  test: 'test/aspects/rules/eks/eks-cluster-rules.spec.ts',
  check: (node: CfnResource, context: RuleContext): NagRuleResult => {
    const minZones = context.minAvailabilityZones ?? MIN_AVAILABILITY_ZONES[context.stage];
    const zones = zonesOfSubnets(node, subnetIdsOf(node));
    if (zones === undefined) return ['ResourcesVpcConfig.SubnetIds cannot be followed to subnets of the app with explicit zones'];
    if (zones.size < minZones) return [`ResourcesVpcConfig.SubnetIds span ${zones.size} zone(s) (${[...zones].join(', ')}); ${minZones} needed in ${context.stage}`];
    return NagRuleCompliance.COMPLIANT;
  },
};
