import { CfnResource } from 'aws-cdk-lib';
import { finding, isTrue, prop, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** What one table (or replica) misses: point-in-time recovery and deletion protection, each by property path. */
function tableFindings(node: CfnResource, where: string, settings: Record<string, any> | undefined): string[] {
  const pitr = settings?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled;
  const protection = settings?.DeletionProtectionEnabled;
  return [
    ...(isTrue(node, pitr) ? [] : [finding(node, `${where}PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`, pitr, 'true')]),
    ...(isTrue(node, protection) ? [] : [finding(node, `${where}DeletionProtectionEnabled`, protection, 'true')]),
  ];
}

/**
 * Readiness-TABLE-BACKUP: every DynamoDB table has point-in-time recovery and deletion protection; a
 * global table has both on every replica (they are per-replica settings there). A value the rule
 * cannot read (parameter, condition) does not count.
 */
export const TableRecoverableAndProtected: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'TABLE-BACKUP',
  controlId: 'DB-BACKUP',
  category: 'ha',
  resourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
  info: 'The DynamoDB table (or a replica) lacks point-in-time recovery or deletion protection (the finding names the property and value).',
  explanation:
    'Gap 1.5: without point-in-time recovery a bad write or delete can only be undone from the last backup; without deletion protection one API call or stack change deletes the table. ' +
    'CDK: `pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }` and `deletionProtection: true` on `dynamodb.Table`; ' +
    'on `TableV2` the same props (rendered on every replica), on `CfnGlobalTable` on every replica.',
  test: 'test/aspects/rules/database/table-recoverable-and-protected.spec.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::DynamoDB::Table') {
      return verdict(tableFindings(node, '', { PointInTimeRecoverySpecification: prop(node, 'PointInTimeRecoverySpecification'), DeletionProtectionEnabled: prop(node, 'DeletionProtectionEnabled') }));
    }
    const replicas = prop(node, 'Replicas');
    if (!Array.isArray(replicas) || replicas.length === 0) return [finding(node, 'Replicas', replicas, 'at least one replica with point-in-time recovery and deletion protection')];
    return verdict(replicas.flatMap((r, i) => tableFindings(node, `Replicas.${i}.`, r && typeof r === 'object' ? r : undefined)));
  },
});
