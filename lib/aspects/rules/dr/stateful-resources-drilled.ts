import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { rendered, resourcesOfType } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { regionOf, searchScope, tagsOf } from '../../analysis/coverage';
import { isGlobalSecondary } from '../../analysis/estimate';

/** FIS actions that rehearse the failure of each stateful type. */
export const DRILL_ACTIONS_BY_TYPE: Readonly<Record<string, { actionId: string; targetType: string }>> = {
  'AWS::RDS::DBCluster': { actionId: 'aws:rds:failover-db-cluster', targetType: 'aws:rds:cluster' },
  'AWS::ElastiCache::ReplicationGroup': { actionId: 'aws:elasticache:replicationgroup-interrupt-az-power', targetType: 'aws:elasticache:replicationgroup' },
};

/** The experiment templates in the resource's stage and region whose drill action targets it. */
export function drillsOf(node: CfnResource): CfnResource[] {
  const wanted = DRILL_ACTIONS_BY_TYPE[node.cfnResourceType];
  if (!wanted) return [];
  const tags = tagsOf(node);
  const ownId = JSON.stringify(node.stack.resolve(node.logicalId));
  return resourcesOfType(searchScope(node), 'AWS::FIS::ExperimentTemplate').filter((t) => {
    if (regionOf(t) !== regionOf(node)) return false;
    const p = rendered(t).Properties;
    const targets: Record<string, any> = p.Targets ?? {};
    return Object.values<any>(p.Actions ?? {}).some((action) => {
      if (action?.ActionId !== wanted.actionId) return false;
      return Object.values<string>(action.Targets ?? {}).some((targetName) => {
        const target = targets[targetName];
        if (!target || target.ResourceType !== wanted.targetType) return false;
        const byTag = target.ResourceTags && Object.entries<string>(target.ResourceTags).every(([k, v]) => tags[k] === v);
        const byArn = Array.isArray(target.ResourceArns) && JSON.stringify(target.ResourceArns).includes(ownId);
        return Boolean(byTag || byArn);
      });
    });
  });
}

/**
 * Readiness-CHAOS (prod): every Aurora cluster and replication group has a failover drill (an AWS
 * FIS experiment template whose action targets it) that stops on a CloudWatch alarm.
 */
export const StatefulResourcesDrilled: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'CHAOS',
  controlId: 'CHAOS',
  category: 'operations',
  stages: ['prod'],
  resourceTypes: Object.keys(DRILL_ACTIONS_BY_TYPE),
  info: 'The database cluster or replication group has no failover drill (AWS FIS experiment template targeting it), or its drill has no alarm stop condition.',
  explanation:
    'Failover must be rehearsed, not assumed (gaps 1.2/1.3 "Test failover procedures", 7.5 "Chaos engineering"). Add FailoverDrills (lib/constructs/chaos), which targets ' +
    'resources tagged readiness:drill=enabled, or an AWS::FIS::ExperimentTemplate with aws:rds:failover-db-cluster / aws:elasticache:replicationgroup-interrupt-az-power ' +
    'targeting the resource, and a stop condition on the tier composite alarm (aws:cloudwatch:alarm).',
  test: 'test/aspects/rules/dr/stateful-resources-drilled.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType === 'AWS::RDS::DBCluster' && isGlobalSecondary(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const drills = drillsOf(node);
    if (drills.length === 0) return NagRuleCompliance.NON_COMPLIANT;
    const stopsOnAlarm = drills.some((t) => {
      const stops: any[] = rendered(t).Properties.StopConditions ?? [];
      return stops.some((s) => s?.Source === 'aws:cloudwatch:alarm' && s.Value !== undefined);
    });
    return stopsOnAlarm ? NagRuleCompliance.COMPLIANT : ['drill-without-stop-alarm'];
  },
});
