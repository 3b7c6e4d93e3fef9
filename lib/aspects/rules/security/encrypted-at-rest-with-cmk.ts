import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isTrue, logicalIdOf, prop, referencedLogicalId, stackResourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { isCustomerManagedKey, listOf } from './helpers';

/** S3 server access logging delivers only to SSE-S3 buckets: such a target may use AES256. */
function isAccessLogTarget(bucket: CfnResource): boolean {
  const id = logicalIdOf(bucket);
  const named = stackResourcesOfType(bucket, 'AWS::S3::Bucket').some((other) => {
    const logging = prop(other, 'LoggingConfiguration') as Record<string, unknown> | undefined;
    return logging !== undefined && referencedLogicalId(other, logging.DestinationBucketName) === id;
  });
  if (named) return true;
  return stackResourcesOfType(bucket, 'AWS::S3::BucketPolicy').some((policy) => {
    if (referencedLogicalId(policy, prop(policy, 'Bucket')) !== id) return false;
    const statements = ((prop(policy, 'PolicyDocument') as { Statement?: unknown[] } | undefined)?.Statement ?? []) as Array<Record<string, any>>;
    return statements.some((s) => s.Effect === 'Allow' && listOf(s.Principal?.Service).includes('logging.s3.amazonaws.com'));
  });
}

function bucketEncrypted(node: CfnResource): boolean {
  const rules = ((prop(node, 'BucketEncryption') as Record<string, any> | undefined)?.ServerSideEncryptionConfiguration ?? []) as Array<Record<string, any>>;
  const defaults = rules.map((r) => r.ServerSideEncryptionByDefault).filter(Boolean);
  if (defaults.length === 0) return false;
  return defaults.every((d) => {
    const algorithm = stringOf(node, d.SSEAlgorithm);
    if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') return isCustomerManagedKey(node, d.KMSMasterKeyID);
    return algorithm === 'AES256' && isAccessLogTarget(node);
  });
}

const CHECKS: Readonly<Record<string, (node: CfnResource) => boolean>> = {
  'AWS::RDS::DBCluster': (n) => isTrue(n, prop(n, 'StorageEncrypted')) && isCustomerManagedKey(n, prop(n, 'KmsKeyId')),
  // Instances of a cluster are encrypted by the cluster.
  'AWS::RDS::DBInstance': (n) =>
    prop(n, 'DBClusterIdentifier') !== undefined || (isTrue(n, prop(n, 'StorageEncrypted')) && isCustomerManagedKey(n, prop(n, 'KmsKeyId'))),
  'AWS::ElastiCache::ReplicationGroup': (n) => isTrue(n, prop(n, 'AtRestEncryptionEnabled')) && isCustomerManagedKey(n, prop(n, 'KmsKeyId')),
  'AWS::ElastiCache::ServerlessCache': (n) => isCustomerManagedKey(n, prop(n, 'KmsKeyId')),
  'AWS::SQS::Queue': (n) => isCustomerManagedKey(n, prop(n, 'KmsMasterKeyId')),
  'AWS::SNS::Topic': (n) => isCustomerManagedKey(n, prop(n, 'KmsMasterKeyId')),
  'AWS::Logs::LogGroup': (n) => isCustomerManagedKey(n, prop(n, 'KmsKeyId')),
  'AWS::S3::Bucket': bucketEncrypted,
  'AWS::DynamoDB::Table': (n) => {
    const sse = prop(n, 'SSESpecification') as Record<string, unknown> | undefined;
    return sse !== undefined && isTrue(n, sse.SSEEnabled) && stringOf(n, sse.SSEType) === 'KMS' && isCustomerManagedKey(n, sse.KMSMasterKeyId);
  },
  'AWS::EFS::FileSystem': (n) => isTrue(n, prop(n, 'Encrypted')) && isCustomerManagedKey(n, prop(n, 'KmsKeyId')),
  'AWS::Kinesis::Stream': (n) => {
    const enc = prop(n, 'StreamEncryption') as Record<string, unknown> | undefined;
    return enc !== undefined && stringOf(n, enc.EncryptionType) === 'KMS' && isCustomerManagedKey(n, enc.KeyId);
  },
};

/**
 * Readiness-ENCRYPTION: databases, caches, queues, topics, log groups, buckets (and tables, file
 * systems, streams) are encrypted at rest with a customer-managed KMS key. The one exception S3
 * forces: a server access log target bucket may use SSE-S3.
 */
export const EncryptedAtRestWithCmk: ResourceRule = {
  kind: 'resource',
  id: 'ENCRYPTION',
  controlId: 'ENCRYPTION',
  category: 'security',
  resourceTypes: Object.keys(CHECKS),
  info: 'The resource is not encrypted at rest with a customer-managed KMS key (KmsKeyId/KmsMasterKeyId/KMSMasterKeyID is missing, an AWS managed alias, or encryption is off).',
  explanation:
    'Gap 5.3: data at rest must be protected, and with a customer-managed key its use is scoped by key policy, logged in CloudTrail and can be revoked. ' +
    'CDK: pass `encryptionKey` (logs, SQS, SNS, Aurora, secrets), `encryption: BucketEncryption.KMS` with a key (S3), `kmsKeyId` with `atRestEncryptionEnabled` (ElastiCache).',
  test: 'test/aspects/rules/security/encrypted-at-rest-with-cmk.test.ts',
  check: (node: CfnResource) => {
    const check = CHECKS[node.cfnResourceType];
    if (!check) return NagRuleCompliance.NOT_APPLICABLE;
    return check(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
