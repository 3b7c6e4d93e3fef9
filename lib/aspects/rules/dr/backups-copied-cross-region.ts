import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { coveringRules } from '../../analysis/coverage';
import { isGlobalSecondary } from '../../analysis/estimate';
import { ResourceRule, resourceRule } from '../../rule';
import { isClusterMember } from '../../analysis/engines';

/**
 * Readiness-BACKUP-DR: every database, table and file system is selected by an AWS Backup plan
 * that copies its recovery points to a vault in another region.
 */
export const BackupsCopiedCrossRegion: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'BACKUP-DR',
  controlId: 'BACKUP-DR',
  category: 'ha',
  resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::DynamoDB::Table', 'AWS::EFS::FileSystem'],
  info: 'The stateful resource is not selected by an AWS Backup plan that copies to a vault in another region.',
  explanation:
    'A regional outage or a compromised account must not take every copy of the data (gap 1.5: "Set up cross-region backup replication"). ' +
    'Tag the resource with protectStatefulResources() (readiness:backup=cross-region) so the stage plan selects it, or add a BackupSelection ' +
    'whose plan has a rule with CopyActions to a vault in another region (literal region in the vault ARN).',
  test: 'test/aspects/rules/dr/backups-copied-cross-region.spec.ts',
  check: (node: CfnResource) => {
    if (isClusterMember(node)) return NagRuleCompliance.NOT_APPLICABLE;
    // A global database secondary is a replica of a primary that is itself backed up.
    if (node.cfnResourceType === 'AWS::RDS::DBCluster' && isGlobalSecondary(node)) return NagRuleCompliance.NOT_APPLICABLE;
    return coveringRules(node).some((r) => r.copyRegions.length > 0) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
