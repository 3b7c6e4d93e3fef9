import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { attribute, finding, keepsData, numberOf, prop, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { isClusterMember } from '../../analysis/engines';
import { RETAINED_TYPES } from '../../analysis/stateful-types';

export { RETAINED_TYPES as STATEFUL_TYPES };

/**
 * Readiness-DATA-RETENTION: every stateful resource has DeletionPolicy Retain or Snapshot, and every
 * log group has a retention period. Instances inside a DB cluster are covered by their cluster.
 */
export const StatefulResourcesRetained: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'DATA-RETENTION',
  controlId: 'DATA-RETENTION',
  category: 'operations',
  resourceTypes: RETAINED_TYPES,
  info: 'The stateful resource is deleted with its stack, or the log group keeps no bounded retention (the finding names the property).',
  explanation:
    'A renamed construct or a deleted stack must not take databases, buckets, keys, tables or logs with it (gap 5.3: "Create data retention policies"). ' +
    'CDK: `removalPolicy: RemovalPolicy.RETAIN` (or SNAPSHOT for databases and caches); log groups: `retention: RetentionDays.ONE_YEAR`.',
  test: 'test/aspects/rules/retention/stateful-resources-retained.spec.ts',
  check: (node: CfnResource) => {
    if (isClusterMember(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const findings: string[] = [];
    if (!keepsData(node)) findings.push(finding(node, 'DeletionPolicy', attribute(node, 'DeletionPolicy'), 'Retain or Snapshot'));
    if (node.cfnResourceType === 'AWS::Logs::LogGroup') {
      const days = numberOf(node, prop(node, 'RetentionInDays'));
      if (days === undefined || days <= 0) findings.push(finding(node, 'RetentionInDays', prop(node, 'RetentionInDays'), 'a number of days'));
    }
    return verdict(findings);
  },
});
