import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule, resourceRule } from '../../rule';
import { ALARM_TYPE, alarmsWatching, COMPOSITE_TYPE, compositesOf, drivesScalingOnly, notifiesSns } from '../../analysis/alarm-graph';

/** Resources that must have at least one alarm on their own metrics. */
export const WATCHED_TYPES = [
  'AWS::RDS::DBCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ECS::Service',
  'AWS::SQS::Queue',
];

function alarmRouted(alarm: CfnResource): NagRuleResult {
  // Step-scaling alarms drive a control loop, not people: their action is a scaling policy.
  if (drivesScalingOnly(alarm)) return NagRuleCompliance.NOT_APPLICABLE;
  if (notifiesSns(alarm)) return NagRuleCompliance.COMPLIANT;
  // A window alarm of a burn-rate alert has no action of its own: the composite it feeds pages.
  if (alarm.cfnResourceType === ALARM_TYPE && compositesOf(alarm).some(notifiesSns)) return NagRuleCompliance.COMPLIANT;
  return NagRuleCompliance.NON_COMPLIANT;
}

/**
 * Readiness-ALARMS: every DB cluster, replication group, load balancer, ECS service and SQS queue has
 * at least one CloudWatch alarm on its own metrics, and every alarm in the app notifies an SNS topic
 * (directly, or through a composite alarm that does). Alarms whose only actions are scaling policies
 * (step scaling) are control loops, not alerts, and are not applicable.
 */
export const AlarmedAndRouted: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ALARMS',
  controlId: 'ALARMS',
  category: 'operations',
  resourceTypes: [...WATCHED_TYPES, ALARM_TYPE, COMPOSITE_TYPE],
  info: 'A database, cache, load balancer, ECS service or queue has no alarm on its own metrics, or an alarm notifies no SNS topic.',
  explanation:
    'Without alarms routed to on-call nobody learns of an outage until customers report it (gap 4.2: "No alerts configured"). ' +
    'Watch the resource with the observability constructs (DatabaseAlarms, CacheAlarms, ServiceAlarms) or any CloudWatch alarm whose dimensions name it, ' +
    'and give every alarm an AlarmActions entry on an SNS topic (e.g. `stage.alerting.critical`), or make it an input of a composite alarm that has one.',
  test: 'test/aspects/rules/observability/alarmed-and-routed.spec.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === ALARM_TYPE || node.cfnResourceType === COMPOSITE_TYPE) return alarmRouted(node);
    return alarmsWatching(node).some((a) => !drivesScalingOnly(a)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
