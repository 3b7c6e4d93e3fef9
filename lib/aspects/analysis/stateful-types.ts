/**
 * The stateful resource types, listed once: the stateful-replacement guard watches all of them, and
 * Readiness-DATA-RETENTION requires a DeletionPolicy that keeps data on the ones whose data lives in
 * the resource itself.
 */

/** Resource types whose replacement or removal loses data (or access to it). */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::GlobalCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Backup::BackupVault',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EFS::FileSystem',
  'AWS::SQS::Queue',
  'AWS::Cognito::UserPool',
];

/**
 * Types Readiness-DATA-RETENTION checks: the stateful types whose data a stack deletion destroys.
 * Not checked: the global cluster (its members are), ElastiCache clusters outside a replication group and
 * serverless caches (cache data, rebuilt), vaults (their recovery points outlive them), secrets (rotated
 * values, recreated), queues (in-flight messages), user pools (a separate identity control).
 */
export const RETAINED_TYPES: readonly string[] = STATEFUL_RESOURCE_TYPES.filter(
  (t) =>
    ![
      'AWS::RDS::GlobalCluster',
      'AWS::ElastiCache::CacheCluster',
      'AWS::ElastiCache::ServerlessCache',
      'AWS::Backup::BackupVault',
      'AWS::SecretsManager::Secret',
      'AWS::SQS::Queue',
      'AWS::Cognito::UserPool',
    ].includes(t),
);
