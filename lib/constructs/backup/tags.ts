import { Tags, Validations } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';

/**
 * Tags that put a stateful resource under the stage's protection. The backup plan, the restore
 * test and the failover drills select by these tags, so a new database is covered without editing
 * them. Their keys and values are API: changing one drops resources from the backup selection.
 */
export const BACKUP_SELECTION_TAG = { key: 'readiness:backup', value: 'cross-region' } as const;

/** Resources that the failover drills (AWS FIS) may act on; the drill role is scoped to this tag. */
export const DRILL_TARGET_TAG = { key: 'readiness:drill', value: 'enabled' } as const;

/**
 * CloudFormation types AWS Backup protects that hold the stage's data. ElastiCache is not one (the
 * cache keeps its own snapshots); Aurora instances are backed up through their cluster, and a
 * standalone `AWS::RDS::DBInstance` gets the tag by hand.
 */
export const BACKED_UP_RESOURCE_TYPES: readonly string[] = ['AWS::RDS::DBCluster', 'AWS::DynamoDB::Table', 'AWS::EFS::FileSystem'];

/** CloudFormation types the failover drills act on. */
export const DRILLED_RESOURCE_TYPES: readonly string[] = ['AWS::RDS::DBCluster', 'AWS::ElastiCache::ReplicationGroup'];

/**
 * Tags every stateful resource under `scope` (a data stack) for backup and drills. Only the
 * listed types get the tags, so keys, secrets and security groups stay out of the selection.
 * Call it after the resources exist: it also acknowledges the instance-level backup finding on
 * Aurora instances, which are backed up through their cluster.
 */
export function protectStatefulResources(scope: IConstruct): void {
  Tags.of(scope).add(BACKUP_SELECTION_TAG.key, BACKUP_SELECTION_TAG.value, {
    includeResourceTypes: [...BACKED_UP_RESOURCE_TYPES],
  });
  Tags.of(scope).add(DRILL_TARGET_TAG.key, DRILL_TARGET_TAG.value, {
    includeResourceTypes: [...DRILLED_RESOURCE_TYPES],
  });
  for (const c of scope.node.findAll()) {
    if (c instanceof rds.CfnDBInstance && c.dbClusterIdentifier !== undefined) {
      Validations.of(c).acknowledge({
        id: 'NIST.800.53.R5-RDSInBackupPlan',
        reason: 'An Aurora instance has no data of its own: AWS Backup backs up its cluster, which the tag selection covers (Readiness-BACKUP-DR).',
      });
    }
  }
}
