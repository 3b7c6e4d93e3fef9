import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, prop, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** `[]` when `name` is true, otherwise: not encrypted at all. */
function on(node: CfnResource, name: string, value: unknown): string[] {
  return isTrue(node, value) ? [] : [finding(node, name, value, 'true') + ' (not encrypted at all)'];
}

/**
 * SQS: a KMS key (any) or SQS-managed SSE, which is on unless `SqsManagedSseEnabled` is false. A value
 * the rule cannot read is not counted as encryption.
 */
function queueFindings(n: CfnResource): string[] {
  if (prop(n, 'KmsMasterKeyId') !== undefined) return [];
  const managed = prop(n, 'SqsManagedSseEnabled');
  if (managed === undefined || isTrue(n, managed)) return [];
  return [finding(n, 'SqsManagedSseEnabled', managed, 'true or a KmsMasterKeyId') + ' (not encrypted at all)'];
}

/**
 * What leaves the resource unencrypted. Always encrypted, whatever the template says: S3 buckets (SSE-S3 by
 * default since January 2023), DynamoDB tables (an AWS-owned key at least), CloudWatch Logs log groups,
 * ElastiCache Serverless caches and Secrets Manager secrets; which key they use is Readiness-ENCRYPTION-KEY's concern.
 */
const CHECKS: Readonly<Record<string, (node: CfnResource) => string[]>> = {
  'AWS::RDS::DBCluster': (n) => on(n, 'StorageEncrypted', prop(n, 'StorageEncrypted')),
  // Instances of a cluster are encrypted by the cluster.
  'AWS::RDS::DBInstance': (n) => (prop(n, 'DBClusterIdentifier') !== undefined ? [] : on(n, 'StorageEncrypted', prop(n, 'StorageEncrypted'))),
  'AWS::ElastiCache::ReplicationGroup': (n) => on(n, 'AtRestEncryptionEnabled', prop(n, 'AtRestEncryptionEnabled')),
  'AWS::ElastiCache::ServerlessCache': () => [],
  'AWS::SQS::Queue': queueFindings,
  // SNS encrypts only with a KMS key: without one, messages are stored unencrypted.
  'AWS::SNS::Topic': (n) => (prop(n, 'KmsMasterKeyId') !== undefined ? [] : [finding(n, 'KmsMasterKeyId', undefined, 'a KMS key') + ' (not encrypted at all)']),
  'AWS::Logs::LogGroup': () => [],
  'AWS::S3::Bucket': () => [],
  'AWS::DynamoDB::Table': () => [],
  'AWS::DynamoDB::GlobalTable': () => [],
  'AWS::EFS::FileSystem': (n) => on(n, 'Encrypted', prop(n, 'Encrypted')),
  'AWS::Kinesis::Stream': (n) => {
    const enc = (prop(n, 'StreamEncryption') ?? {}) as Record<string, unknown>;
    return stringOf(n, enc.EncryptionType) === 'KMS' ? [] : [finding(n, 'StreamEncryption.EncryptionType', enc.EncryptionType, 'KMS') + ' (not encrypted at all)'];
  },
};

/**
 * Readiness-ENCRYPTION: databases, caches, queues, topics, file systems and streams are encrypted at
 * rest at all, in every stage (category security). Which key encrypts them (customer-managed or
 * AWS-managed/owned) is Readiness-ENCRYPTION-KEY, whose level follows the `customerManagedKeys` policy.
 */
export const EncryptedAtRestWithCmk: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ENCRYPTION',
  controlId: 'ENCRYPTION',
  category: 'security',
  resourceTypes: Object.keys(CHECKS),
  info: 'The resource is not encrypted at rest at all (the finding names the property).',
  explanation:
    'Gap 5.3: data at rest must be protected in every stage. ' +
    'CDK: `storageEncrypted: true` (RDS), `atRestEncryptionEnabled` (ElastiCache), `masterKey` (SNS: a topic without a key is stored unencrypted), ' +
    'do not set `encryption: QueueEncryption.UNENCRYPTED` (SQS), `encrypted: true` (EFS), `encryption: StreamEncryption.KMS` (Kinesis).',
  test: 'test/aspects/rules/security/encrypted-at-rest-with-cmk.spec.ts',
  check: (node: CfnResource) => {
    const check = CHECKS[node.cfnResourceType];
    if (!check) return NagRuleCompliance.NOT_APPLICABLE;
    return verdict(check(node));
  },
});
