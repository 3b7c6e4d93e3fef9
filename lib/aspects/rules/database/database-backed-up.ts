import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { attribute, finding, isTrue, keepsData, numberOf, prop, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule, RuleContext } from '../../rule';
import { engineKind, isClusterMember } from '../../analysis/engines';

/** Backups are kept at least this long in every stage; prod may ask for more (RuleContext). */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/**
 * Readiness-DB-BACKUP: automated backups kept long enough, deletion protection on, storage
 * encrypted, and a DeletionPolicy that keeps a final snapshot (Snapshot) or the database (Retain).
 */
export const DatabaseBackedUp: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'DB-BACKUP',
  controlId: 'DB-BACKUP',
  category: 'ha',
  resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
  info: 'The database is not protected against data loss (the finding names the property).',
  explanation:
    'Without retained automated backups there is no point-in-time recovery (gap 1.5: "No automated backup or DR strategy"); ' +
    'without deletion protection and a Snapshot/Retain policy one stack operation deletes the data. ' +
    'CDK: `backup: { retention: Duration.days(14) }`, `deletionProtection: true`, `storageEncrypted: true`, `removalPolicy: RemovalPolicy.SNAPSHOT`.',
  test: 'test/aspects/rules/database/database-backed-up.spec.ts',
  check: (node: CfnResource, context: RuleContext) => {
    if (isClusterMember(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const kind = engineKind(node);
    if (kind === 'other') return NagRuleCompliance.NOT_APPLICABLE;
    if (kind === 'unknown') return [finding(node, 'Engine', prop(node, 'Engine'), 'a readable engine')];
    const minDays = Math.max(MIN_BACKUP_RETENTION_DAYS, context.minBackupRetentionDays);
    const findings: string[] = [];
    const retentionValue = prop(node, 'BackupRetentionPeriod');
    const retention = numberOf(node, retentionValue);
    if (retention === undefined || retention < minDays) {
      findings.push(finding(node, 'BackupRetentionPeriod', retentionValue, `>= ${minDays} days`) + (retentionValue === undefined ? ' (RDS keeps 1 day by default)' : ''));
    }
    for (const name of ['DeletionProtection', 'StorageEncrypted']) {
      if (!isTrue(node, prop(node, name))) findings.push(finding(node, name, prop(node, name), 'true'));
    }
    if (!keepsData(node)) findings.push(finding(node, 'DeletionPolicy', attribute(node, 'DeletionPolicy'), 'Snapshot or Retain'));
    return verdict(findings);
  },
});
