import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { StageName } from '../../../config/stage-config';
import { jsonOf, numberOf, prop, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule, RuleContext } from '../../rule';
import { elementsOf, referencedResource } from '../intrinsics';
import { MIN_SCALABLE_TASKS } from './service-autoscaled';

/** Fewest distinct availability zones compute must span, per stage (`RuleContext.minAvailabilityZones`). */
export const MIN_AVAILABILITY_ZONES: Readonly<Record<StageName, number>> = { dev: 2, staging: 2, prod: 3 };

/** Fewest tasks or instances the platform keeps running: one can then fail, or one AZ. */
export const MIN_COMPUTE_CAPACITY = MIN_SCALABLE_TASKS;

/**
 * The availability zones of a list of subnet references: each must point at an AWS::EC2::Subnet of the
 * app whose AvailabilityZone (or AvailabilityZoneId) resolves. `undefined` when any subnet is unknown.
 */
export function zonesOfSubnets(node: CfnResource, value: unknown): Set<string> | undefined {
  const subnets = elementsOf(node, value);
  if (subnets === undefined || subnets.length === 0) return undefined;
  const zones = new Set<string>();
  for (const ref of subnets) {
    const subnet = referencedResource(node, ref);
    if (!subnet || subnet.cfnResourceType !== 'AWS::EC2::Subnet') return undefined;
    const az = prop(subnet, 'AvailabilityZone');
    const azId = prop(subnet, 'AvailabilityZoneId');
    const zone = az !== undefined ? stringOf(subnet, az) : azId !== undefined ? stringOf(subnet, azId) : undefined;
    if (zone === undefined || zone === '') return undefined;
    zones.add(zone);
  }
  return zones;
}

/** True when the compute's subnets (or zones) take their availability zone from `Fn::GetAZs`. */
function zonesFromGetAzs(node: CfnResource): boolean {
  const values = [prop(node, 'NetworkConfiguration'), prop(node, 'VPCZoneIdentifier'), prop(node, 'Subnets'), prop(node, 'AvailabilityZones')];
  if (jsonOf(values).includes('"Fn::GetAZs"')) return true;
  const subnets = values.flatMap((v) => {
    const list = (v as any)?.AwsvpcConfiguration?.Subnets ?? v;
    return elementsOf(node, list) ?? [];
  });
  return subnets.some((ref) => {
    const subnet = referencedResource(node, ref);
    return subnet?.cfnResourceType === 'AWS::EC2::Subnet' && jsonOf(prop(subnet, 'AvailabilityZone') ?? null).includes('"Fn::GetAZs"');
  });
}

/** Literal availability zone names (AWS::AutoScaling::AutoScalingGroup AvailabilityZones). */
function literalZones(node: CfnResource, value: unknown): Set<string> | undefined {
  const items = elementsOf(node, value);
  if (items === undefined || items.length === 0) return undefined;
  const zones = items.map((z) => stringOf(node, z));
  return zones.every((z): z is string => z !== undefined && z !== '') ? new Set(zones) : undefined;
}

/** Subnet (or zone) spread and minimum capacity of one compute resource, or `undefined` for values the rule cannot read. */
function spreadAndCapacity(node: CfnResource): { zones?: Set<string>; capacity?: number } {
  switch (node.cfnResourceType) {
    case 'AWS::ECS::Service': {
      const network = prop(node, 'NetworkConfiguration') as any;
      return { zones: zonesOfSubnets(node, network?.AwsvpcConfiguration?.Subnets), capacity: numberOf(node, prop(node, 'DesiredCount')) };
    }
    case 'AWS::AutoScaling::AutoScalingGroup': {
      const subnets = prop(node, 'VPCZoneIdentifier');
      const zones = subnets !== undefined ? zonesOfSubnets(node, subnets) : literalZones(node, prop(node, 'AvailabilityZones'));
      return { zones, capacity: numberOf(node, prop(node, 'MinSize')) };
    }
    default: {
      const scaling = prop(node, 'ScalingConfig') as any;
      return { zones: zonesOfSubnets(node, prop(node, 'Subnets')), capacity: numberOf(node, scaling?.MinSize) };
    }
  }
}

/**
 * Readiness-COMPUTE-PLATFORM: every ECS service (awsvpc subnets, DesiredCount), Auto Scaling group
 * (VPCZoneIdentifier or AvailabilityZones, MinSize) and EKS node group (Subnets, ScalingConfig.MinSize)
 * spans at least `minAvailabilityZones` zones (prod: 3, else 2) and keeps at least 2 tasks or instances.
 * Subnets are followed to the AWS::EC2::Subnet resources of the app; a subnet the rule cannot resolve
 * (an imported subnet ID, a zone from Fn::GetAZs) is unknown and non-compliant.
 */
export const ComputeSpreadAcrossZones: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'COMPUTE-PLATFORM',
  controlId: 'COMPUTE-PLATFORM',
  category: 'ha',
  resourceTypes: ['AWS::ECS::Service', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::Nodegroup'],
  info: 'The compute is not spread across availability zones: it needs subnets of the app in at least 2 AZs (prod: 3) with explicit zones, and a desired count or minimum size of at least 2.',
  explanation:
    'Compute in one AZ, or a single task or instance, is down for the whole of an AZ outage or a host failure (gap 1.1: "No production clusters deployed"). ' +
    'Place ECS services (awsvpc), Auto Scaling groups and EKS node groups in subnets of a VPC with explicit `availabilityZones` (3 in prod), ' +
    'and set `desiredCount` / `minCapacity` / `minSize` to at least 2. Imported subnet IDs cannot be checked: define the subnets in the app.',
  test: 'test/aspects/rules/service/compute-spread-across-zones.spec.ts',
  check: (node: CfnResource, context: RuleContext) => {
    if (node.cfnResourceType === 'AWS::ECS::Service') {
      const strategy = prop(node, 'SchedulingStrategy');
      // A daemon service runs one task per container instance: its Auto Scaling group is checked instead.
      if (strategy !== undefined && stringOf(node, strategy) === 'DAEMON') return NagRuleCompliance.NOT_APPLICABLE;
    }
    const minZones = context.minAvailabilityZones ?? MIN_AVAILABILITY_ZONES[context.stage];
    const { zones, capacity } = spreadAndCapacity(node);
    const ok = zones !== undefined && zones.size >= minZones && capacity !== undefined && capacity >= MIN_COMPUTE_CAPACITY;
    if (ok) return NagRuleCompliance.COMPLIANT;
    if (zones === undefined && zonesFromGetAzs(node)) {
      return [
        'its subnets take their availability zone from Fn::GetAZs (an environment-agnostic stack): the zones cannot be known at synth, ' +
          'so the spread cannot be proven. Fix: give the stack an env with account and region and explicit zones (`availabilityZones` on the VPC, or the `availability-zones:account=...` context)',
      ];
    }
    return NagRuleCompliance.NON_COMPLIANT;
  },
});
