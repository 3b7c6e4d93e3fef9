import { CfnResource } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, logicalIdOf, prop, referencedLogicalId, stackResourcesOfType, stringOf } from '../../rule-helpers';
import { CustomerManagedKeyPolicy, ResourceRule, resourceRule, RuleContext } from '../../rule';
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


/** The resource is not encrypted at all: Readiness-ENCRYPTION says so, this rule has no key to judge. */
const UNENCRYPTED = 'unencrypted';
type KeyFinding = string | typeof UNENCRYPTED;

/**
 * `[]` for a customer-managed key in `name`; otherwise which AWS key encrypts the data (`managedBy`, e.g.
 * `the AWS-managed key aws/rds`). An `alias/aws/...` value is the AWS-managed key it names.
 */
function key(node: CfnResource, name: string, value: unknown, managedBy: string): KeyFinding[] {
  if (isCustomerManagedKey(node, value)) return [];
  const literal = value === undefined ? undefined : stringOf(node, value);
  const by = literal && /alias\/aws\//.test(literal) ? `the AWS-managed key ${literal.replace(/^.*alias\//, '')}` : managedBy;
  return [`${finding(node, name, value)}: encrypted with ${by}`];
}

function bucketKey(node: CfnResource): KeyFinding[] {
  const rules = ((prop(node, 'BucketEncryption') as Record<string, any> | undefined)?.ServerSideEncryptionConfiguration ?? []) as Array<Record<string, any>>;
  const defaults = (Array.isArray(rules) ? rules : []).map((r) => r?.ServerSideEncryptionByDefault).filter(Boolean);
  // S3 encrypts every new object with SSE-S3 when nothing else is set (since January 2023).
  if (defaults.length === 0) return isSseS3OnlyLogTarget(node) ? [] : ['BucketEncryption is not set: encrypted with S3-managed keys (SSE-S3, the default)'];
  return defaults.flatMap((d, i) => {
    const algorithm = stringOf(node, d.SSEAlgorithm);
    const where = `BucketEncryption.ServerSideEncryptionConfiguration.${i}.ServerSideEncryptionByDefault`;
    if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') return key(node, `${where}.KMSMasterKeyID`, d.KMSMasterKeyID, 'the AWS-managed key aws/s3');
    if (algorithm === 'AES256' && isSseS3OnlyLogTarget(node)) return [];
    if (algorithm === 'AES256') return [`${finding(node, `${where}.SSEAlgorithm`, d.SSEAlgorithm)}: encrypted with S3-managed keys (SSE-S3)`];
    return [`${finding(node, `${where}.SSEAlgorithm`, d.SSEAlgorithm)}: the key cannot be read from the template`];
  });
}

/** DynamoDB always encrypts: with an AWS-owned key unless SSEEnabled, then with aws/dynamodb unless a key is named. */
function tableKey(node: CfnResource, sse: Record<string, unknown>, keyOf: () => Array<[string, unknown]>): KeyFinding[] {
  if (!isTrue(node, sse.SSEEnabled)) return [`${finding(node, 'SSESpecification.SSEEnabled', sse.SSEEnabled)}: encrypted with an AWS-owned key`];
  return keyOf().flatMap(([name, value]) => key(node, name, value, 'the AWS-managed key aws/dynamodb'));
}

const CHECKS: Readonly<Record<string, (node: CfnResource) => KeyFinding[]>> = {
  'AWS::RDS::DBCluster': (n) => (isTrue(n, prop(n, 'StorageEncrypted')) ? key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'the AWS-managed key aws/rds') : [UNENCRYPTED]),
  'AWS::RDS::DBInstance': (n) =>
    prop(n, 'DBClusterIdentifier') !== undefined
      ? []
      : isTrue(n, prop(n, 'StorageEncrypted'))
        ? key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'the AWS-managed key aws/rds')
        : [UNENCRYPTED],
  'AWS::ElastiCache::ReplicationGroup': (n) =>
    isTrue(n, prop(n, 'AtRestEncryptionEnabled')) ? key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'an ElastiCache-managed key') : [UNENCRYPTED],
  'AWS::ElastiCache::ServerlessCache': (n) => key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'an ElastiCache-managed key'),
  'AWS::SQS::Queue': (n) => {
    const value = prop(n, 'KmsMasterKeyId');
    if (value !== undefined) return key(n, 'KmsMasterKeyId', value, 'the AWS-managed key aws/sqs');
    const managed = prop(n, 'SqsManagedSseEnabled');
    return managed === undefined || isTrue(n, managed) ? ['KmsMasterKeyId is not set: encrypted with SQS-owned keys (SSE-SQS)'] : [UNENCRYPTED];
  },
  'AWS::SNS::Topic': (n) => (prop(n, 'KmsMasterKeyId') === undefined ? [UNENCRYPTED] : key(n, 'KmsMasterKeyId', prop(n, 'KmsMasterKeyId'), 'the AWS-managed key aws/sns')),
  'AWS::Logs::LogGroup': (n) => key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'a CloudWatch Logs-owned key'),
  'AWS::S3::Bucket': bucketKey,
  'AWS::DynamoDB::Table': (n) => {
    const sse = (prop(n, 'SSESpecification') ?? {}) as Record<string, unknown>;
    return tableKey(n, sse, () => [['SSESpecification.KMSMasterKeyId', sse.KMSMasterKeyId]]);
  },
  // A global table names its key per replica (Replicas[i].SSESpecification.KMSMasterKeyId).
  'AWS::DynamoDB::GlobalTable': (n) => {
    const sse = (prop(n, 'SSESpecification') ?? {}) as Record<string, unknown>;
    const replicas = (prop(n, 'Replicas') ?? []) as Array<Record<string, any>>;
    return tableKey(n, sse, () =>
      (Array.isArray(replicas) ? replicas : []).map((r, i) => [`Replicas.${i}.SSESpecification.KMSMasterKeyId`, r?.SSESpecification?.KMSMasterKeyId] as [string, unknown]),
    );
  },
  'AWS::EFS::FileSystem': (n) => (isTrue(n, prop(n, 'Encrypted')) ? key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'the AWS-managed key aws/elasticfilesystem') : [UNENCRYPTED]),
  'AWS::Kinesis::Stream': (n) => {
    const enc = (prop(n, 'StreamEncryption') ?? {}) as Record<string, unknown>;
    return stringOf(n, enc.EncryptionType) === 'KMS' ? key(n, 'StreamEncryption.KeyId', enc.KeyId, 'the AWS-managed key aws/kinesis') : [UNENCRYPTED];
  },
  'AWS::SecretsManager::Secret': (n) => key(n, 'KmsKeyId', prop(n, 'KmsKeyId'), 'the AWS-managed key aws/secretsmanager'),
};

/** Data stores: where the default policy requires a customer-managed key in prod. */
export const DATA_STORE_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::EFS::FileSystem',
  'AWS::SecretsManager::Secret',
]);

/** The policy that applies to `node`: the configured one, else `required` for prod data stores and `preferred` otherwise. */
export function keyPolicyFor(node: CfnResource, context: RuleContext): CustomerManagedKeyPolicy {
  return context.customerManagedKeys ?? (context.stage === 'prod' && DATA_STORE_TYPES.has(node.cfnResourceType) ? 'required' : 'preferred');
}

/**
 * Readiness-ENCRYPTION-KEY: data encrypted at rest is encrypted with a customer-managed KMS key, not an
 * AWS-managed or AWS-owned one. Its level follows the `customerManagedKeys` policy (`required`: error,
 * `preferred`: warning); unencrypted data is Readiness-ENCRYPTION's finding (an error in every stage), not this one's.
 * The one exception AWS forces: a log destination of a service that delivers only to SSE-S3 buckets
 * (S3 server access logs, ELB access logs, CloudFront standard logs) may use SSE-S3.
 */
export const EncryptedWithCustomerManagedKey: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ENCRYPTION-KEY',
  controlId: 'ENCRYPTION',
  category: 'security',
  resourceTypes: Object.keys(CHECKS),
  info: 'The resource is encrypted at rest with an AWS-managed or AWS-owned key, not a customer-managed KMS key (the finding names the property and the policy).',
  explanation:
    'Gap 5.3: with a customer-managed key, use of the data is scoped by key policy, logged in CloudTrail per key and can be revoked. ' +
    'The `customerManagedKeys` policy (enforceReadiness option, stage config `security.customerManagedKeys`) makes this an error (`required`, default for prod data stores) or a warning (`preferred`). ' +
    'CDK: pass `encryptionKey` (logs, SQS, SNS, Aurora, secrets, DynamoDB with TableEncryption.CUSTOMER_MANAGED), `encryption: BucketEncryption.KMS` with a key (S3), `kmsKeyId` (ElastiCache, EFS).',
  test: 'test/aspects/rules/security/encrypted-with-customer-managed-key.spec.ts',
  level: (node, context) => (keyPolicyFor(node, context) === 'required' ? 'error' : 'warning'),
  levelPolicy: (node, context) => `customerManagedKeys '${keyPolicyFor(node, context)}'`,
  check: (node: CfnResource, context: RuleContext) => {
    const check = CHECKS[node.cfnResourceType];
    if (!check) return NagRuleCompliance.NOT_APPLICABLE;
    const findings = check(node);
    if (findings.includes(UNENCRYPTED)) return NagRuleCompliance.NOT_APPLICABLE;
    if (findings.length === 0) return NagRuleCompliance.COMPLIANT;
    const policy = keyPolicyFor(node, context);
    const says = policy === 'required' ? 'the policy requires a customer-managed key' : 'the policy prefers a customer-managed key';
    return [findings.map((f) => `${f}; ${says}`).join('; ')];
  },
});
