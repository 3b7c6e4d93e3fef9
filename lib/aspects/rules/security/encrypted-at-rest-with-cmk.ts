import { CfnResource } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, logicalIdOf, prop, referencedLogicalId, stackResourcesOfType, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { isCustomerManagedKey, listOf } from '../../analysis/helpers';

/** Account IDs of the regional Elastic Load Balancing log-delivery principals, in every region CDK knows. */
const ELB_LOG_DELIVERY_ACCOUNTS: ReadonlySet<string> = new Set(RegionInfo.regions.map((r) => r.elbv2Account).filter((a): a is string => typeof a === 'string'));
/** The service principal that delivers ELB access logs in regions opened after August 2022. */
const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';
/** Object ownership settings that keep ACLs enabled (CloudFront standard logging writes objects with an ACL). */
const ACLS_ENABLED = ['ObjectWriter', 'BucketOwnerPreferred'];

type Statement = Record<string, any>;

/** True when `value` (a rendered CloudFormation value) contains a Ref or Fn::GetAtt to `logicalId`. */
function mentions(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, logicalId));
  if (value === null || typeof value !== 'object') return false;
  const obj = value as Record<string, unknown>;
  if (obj.Ref === logicalId) return true;
  const getAtt = obj['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
  return Object.values(obj).some((v) => mentions(v, logicalId));
}

/** The statements of every bucket policy of the stack that applies to `bucket`. */
function policyStatements(bucket: CfnResource): Statement[] {
  const id = logicalIdOf(bucket);
  return stackResourcesOfType(bucket, 'AWS::S3::BucketPolicy')
    .filter((policy) => referencedLogicalId(policy, prop(policy, 'Bucket')) === id)
    .flatMap((policy) => ((prop(policy, 'PolicyDocument') as { Statement?: unknown } | undefined)?.Statement ?? []) as Statement[])
    .filter((s) => s !== null && typeof s === 'object');
}

const allows = (s: Statement, ...actions: string[]) => s.Effect === 'Allow' && listOf(s.Action).some((a) => actions.includes(a));

/** S3 server access logging delivers only to SSE-S3 buckets. */
function isServerAccessLogTarget(bucket: CfnResource): boolean {
  const id = logicalIdOf(bucket);
  const named = stackResourcesOfType(bucket, 'AWS::S3::Bucket').some((other) => {
    const logging = prop(other, 'LoggingConfiguration') as Record<string, unknown> | undefined;
    return logging !== undefined && referencedLogicalId(other, logging.DestinationBucketName) === id;
  });
  if (named) return true;
  return policyStatements(bucket).some((s) => s.Effect === 'Allow' && listOf(s.Principal?.Service).includes('logging.s3.amazonaws.com'));
}

/**
 * Application and Classic Load Balancer access logs go only to SSE-S3 buckets. The bucket policy lets
 * the regional ELB account (or, in newer regions, the log-delivery service principal) put objects.
 */
function isElbAccessLogTarget(bucket: CfnResource): boolean {
  return policyStatements(bucket).some((s) => {
    if (!allows(s, 's3:putobject', 's3:put*', 's3:*')) return false;
    if (listOf(s.Principal?.Service).includes(ELB_LOG_DELIVERY_SERVICE)) return true;
    const accounts = JSON.stringify(s.Principal?.AWS ?? null).match(/(?<!\d)\d{12}(?!\d)/g) ?? [];
    return accounts.some((a) => ELB_LOG_DELIVERY_ACCOUNTS.has(a));
  });
}

/**
 * CloudFront standard logging writes with an ACL: the bucket keeps ACLs enabled and a distribution of
 * the same stack names it as its logging bucket. (A log bucket in another stack cannot be matched: waive it.)
 */
function isCloudFrontLogTarget(bucket: CfnResource): boolean {
  const rules = ((prop(bucket, 'OwnershipControls') as { Rules?: unknown } | undefined)?.Rules ?? []) as Statement[];
  if (!Array.isArray(rules) || !rules.some((r) => ACLS_ENABLED.includes(stringOf(bucket, r?.ObjectOwnership) ?? ''))) return false;
  const id = logicalIdOf(bucket);
  return stackResourcesOfType(bucket, 'AWS::CloudFront::Distribution').some((d) => {
    const logging = (prop(d, 'DistributionConfig') as { Logging?: Record<string, unknown> } | undefined)?.Logging;
    return logging !== undefined && mentions(logging.Bucket, id);
  });
}

/** A log destination of an AWS service that delivers only to SSE-S3 (AES256) buckets. */
function isSseS3OnlyLogTarget(bucket: CfnResource): boolean {
  return isServerAccessLogTarget(bucket) || isElbAccessLogTarget(bucket) || isCloudFrontLogTarget(bucket);
}

/** `[]` when `value` is a customer-managed key, otherwise what is wrong with `name`. */
function cmk(node: CfnResource, name: string, value: unknown): string[] {
  return isCustomerManagedKey(node, value) ? [] : [finding(node, name, value, 'a customer-managed KMS key')];
}

/** `[]` when `name` is true, otherwise what it is. */
function on(node: CfnResource, name: string, value: unknown): string[] {
  return isTrue(node, value) ? [] : [finding(node, name, value, 'true')];
}

function bucketFindings(node: CfnResource): string[] {
  const rules = ((prop(node, 'BucketEncryption') as Record<string, any> | undefined)?.ServerSideEncryptionConfiguration ?? []) as Array<Record<string, any>>;
  const defaults = (Array.isArray(rules) ? rules : []).map((r) => r?.ServerSideEncryptionByDefault).filter(Boolean);
  if (defaults.length === 0) return ['BucketEncryption is not set, needs SSE-KMS with a customer-managed key'];
  return defaults.flatMap((d, i) => {
    const algorithm = stringOf(node, d.SSEAlgorithm);
    const where = `BucketEncryption.ServerSideEncryptionConfiguration.${i}.ServerSideEncryptionByDefault`;
    if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') return cmk(node, `${where}.KMSMasterKeyID`, d.KMSMasterKeyID);
    if (algorithm === 'AES256' && isSseS3OnlyLogTarget(node)) return [];
    return [finding(node, `${where}.SSEAlgorithm`, d.SSEAlgorithm, 'aws:kms with a customer-managed key (AES256 only for a log destination of S3, ELB or CloudFront logs)')];
  });
}

const CHECKS: Readonly<Record<string, (node: CfnResource) => string[]>> = {
  'AWS::RDS::DBCluster': (n) => [...on(n, 'StorageEncrypted', prop(n, 'StorageEncrypted')), ...cmk(n, 'KmsKeyId', prop(n, 'KmsKeyId'))],
  // Instances of a cluster are encrypted by the cluster.
  'AWS::RDS::DBInstance': (n) =>
    prop(n, 'DBClusterIdentifier') !== undefined ? [] : [...on(n, 'StorageEncrypted', prop(n, 'StorageEncrypted')), ...cmk(n, 'KmsKeyId', prop(n, 'KmsKeyId'))],
  'AWS::ElastiCache::ReplicationGroup': (n) => [...on(n, 'AtRestEncryptionEnabled', prop(n, 'AtRestEncryptionEnabled')), ...cmk(n, 'KmsKeyId', prop(n, 'KmsKeyId'))],
  'AWS::ElastiCache::ServerlessCache': (n) => cmk(n, 'KmsKeyId', prop(n, 'KmsKeyId')),
  'AWS::SQS::Queue': (n) => cmk(n, 'KmsMasterKeyId', prop(n, 'KmsMasterKeyId')),
  'AWS::SNS::Topic': (n) => cmk(n, 'KmsMasterKeyId', prop(n, 'KmsMasterKeyId')),
  'AWS::Logs::LogGroup': (n) => cmk(n, 'KmsKeyId', prop(n, 'KmsKeyId')),
  'AWS::S3::Bucket': bucketFindings,
  'AWS::DynamoDB::Table': (n) => {
    const sse = (prop(n, 'SSESpecification') ?? {}) as Record<string, unknown>;
    const type = stringOf(n, sse.SSEType);
    return [
      ...on(n, 'SSESpecification.SSEEnabled', sse.SSEEnabled),
      ...(type === 'KMS' ? [] : [finding(n, 'SSESpecification.SSEType', sse.SSEType, 'KMS')]),
      ...cmk(n, 'SSESpecification.KMSMasterKeyId', sse.KMSMasterKeyId),
    ];
  },
  'AWS::EFS::FileSystem': (n) => [...on(n, 'Encrypted', prop(n, 'Encrypted')), ...cmk(n, 'KmsKeyId', prop(n, 'KmsKeyId'))],
  'AWS::Kinesis::Stream': (n) => {
    const enc = (prop(n, 'StreamEncryption') ?? {}) as Record<string, unknown>;
    return [
      ...(stringOf(n, enc.EncryptionType) === 'KMS' ? [] : [finding(n, 'StreamEncryption.EncryptionType', enc.EncryptionType, 'KMS')]),
      ...cmk(n, 'StreamEncryption.KeyId', enc.KeyId),
    ];
  },
};

/**
 * Readiness-ENCRYPTION: databases, caches, queues, topics, log groups, buckets (and tables, file
 * systems, streams) are encrypted at rest with a customer-managed KMS key. The one exception AWS
 * forces: a log destination of a service that delivers only to SSE-S3 buckets (S3 server access logs,
 * ELB access logs, CloudFront standard logs) may use SSE-S3 (AES256); unencrypted it is still non-compliant.
 */
export const EncryptedAtRestWithCmk: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ENCRYPTION',
  controlId: 'ENCRYPTION',
  category: 'security',
  resourceTypes: Object.keys(CHECKS),
  info: 'The resource is not encrypted at rest with a customer-managed KMS key (the finding names the property).',
  explanation:
    'Gap 5.3: data at rest must be protected, and with a customer-managed key its use is scoped by key policy, logged in CloudTrail and can be revoked. ' +
    'CDK: pass `encryptionKey` (logs, SQS, SNS, Aurora, secrets), `encryption: BucketEncryption.KMS` with a key (S3), `kmsKeyId` with `atRestEncryptionEnabled` (ElastiCache).',
  test: 'test/aspects/rules/security/encrypted-at-rest-with-cmk.test.ts',
  check: (node: CfnResource) => {
    const check = CHECKS[node.cfnResourceType];
    if (!check) return NagRuleCompliance.NOT_APPLICABLE;
    return verdict(check(node));
  },
});
