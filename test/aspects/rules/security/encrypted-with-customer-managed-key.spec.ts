import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { EncryptedWithCustomerManagedKey as rule } from '../../../../lib/aspects/rules/security/encrypted-with-customer-managed-key';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';
import { addSharedEncryptionFixtures } from './encryption-fixtures';

describe('Readiness-ENCRYPTION-KEY', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};
  const skipped: Record<string, IConstruct> = {};
  const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };

  beforeAll(() => {
    stack = userStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const retain = { removalPolicy: RemovalPolicy.RETAIN };

    addSharedEncryptionFixtures(stack, key, good, bad);
    // Unencrypted resources are Readiness-ENCRYPTION's finding: this rule has no key to judge.
    skipped.Instance = new rds.CfnDBInstance(stack, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', storageEncrypted: false, kmsKeyId: key.keyArn });
    skipped.CacheUnencrypted = bad.CacheUnencrypted;
    delete bad.CacheUnencrypted;
    skipped.PlainTopic = bad.PlainTopic;
    delete bad.PlainTopic;
    // A log destination with no BucketEncryption gets SSE-S3 by default: what log delivery needs.
    good.DefaultElbLogs = bad.UnencryptedElbLogs;
    delete bad.UnencryptedElbLogs;
    good.DefaultCdnLogs = bad.UnencryptedCdnLogs;
    delete bad.UnencryptedCdnLogs;
    skipped.UnencryptedQueue = new sqs.Queue(stack, 'UnencryptedQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    // DynamoDB: the AWS-owned key by default, aws/dynamodb with AWS_MANAGED, a replica's key on a global table.
    good.Table = new dynamodb.Table(stack, 'GoodTable', { partitionKey, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key, ...retain });
    bad.OwnedKeyTable = new dynamodb.Table(stack, 'OwnedKeyTable', { partitionKey, ...retain });
    bad.AwsManagedTable = new dynamodb.Table(stack, 'AwsManagedTable', { partitionKey, encryption: dynamodb.TableEncryption.AWS_MANAGED, ...retain });
    good.GlobalTable = new dynamodb.CfnGlobalTable(stack, 'GoodGlobalTable', {
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      billingMode: 'PAY_PER_REQUEST',
      sseSpecification: { sseEnabled: true, sseType: 'KMS' },
      replicas: [{ region: 'eu-west-1', sseSpecification: { kmsMasterKeyId: key.keyArn } }],
    });
    // Fooling: one replica names a key, the other falls back to aws/dynamodb.
    bad.HalfKeyedGlobalTable = new dynamodb.CfnGlobalTable(stack, 'HalfKeyedGlobalTable', {
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      billingMode: 'PAY_PER_REQUEST',
      sseSpecification: { sseEnabled: true, sseType: 'KMS' },
      replicas: [{ region: 'eu-west-1', sseSpecification: { kmsMasterKeyId: key.keyArn } }, { region: 'eu-central-1' }],
    });
    // S3 encrypts with SSE-S3 when the template says nothing: encrypted, on an AWS key.
    bad.DefaultBucket = new s3.CfnBucket(stack, 'DefaultBucket');
    bad.AwsAliasTopic = new sns.CfnTopic(stack, 'AwsAliasTopic', { kmsMasterKeyId: 'alias/aws/sns' });
    good.Secret = new secretsmanager.Secret(stack, 'GoodSecret', { encryptionKey: key, ...retain });
    bad.AwsManagedSecret = new secretsmanager.Secret(stack, 'AwsManagedSecret', retain);
  });

  test('resources on a customer-managed key, and SSE-S3 log destinations, are compliant', () => {
    for (const c of Object.values(good)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
  });

  test('each AWS key is named: SSE-S3 (default or explicit), aws/s3, SSE-SQS, aws/sqs, aws/sns, the DynamoDB owned and managed keys', () => {
    const requires = '; the policy requires a customer-managed key';
    expect(check(rule, bad.DefaultBucket)).toEqual([`BucketEncryption is not set: encrypted with S3-managed keys (SSE-S3, the default)${requires}`]);
    expect(check(rule, bad.S3ManagedBucket)).toEqual([expect.stringMatching(/SSEAlgorithm is "AES256": encrypted with S3-managed keys \(SSE-S3\); the policy requires/)]);
    expect(check(rule, bad.AwsManagedKmsBucket)).toEqual([expect.stringMatching(/KMSMasterKeyID is not set: encrypted with the AWS-managed key aws\/s3; the policy requires/)]);
    expect(check(rule, bad.SqsManagedQueue)).toEqual([expect.stringMatching(/^KmsMasterKeyId is not set: encrypted with SQS-owned keys \(SSE-SQS\); the policy prefers a customer-managed key$/)]);
    expect(check(rule, bad.AwsAliasQueue)).toEqual(['KmsMasterKeyId is "alias/aws/sqs": encrypted with the AWS-managed key aws/sqs; the policy prefers a customer-managed key']);
    expect(check(rule, bad.AwsAliasTopic)).toEqual(['KmsMasterKeyId is "alias/aws/sns": encrypted with the AWS-managed key aws/sns; the policy prefers a customer-managed key']);
    expect(check(rule, bad.OwnedKeyTable)).toEqual([`SSESpecification.SSEEnabled is not set: encrypted with an AWS-owned key${requires}`]);
    expect(check(rule, bad.AwsManagedTable)).toEqual([`SSESpecification.KMSMasterKeyId is not set: encrypted with the AWS-managed key aws/dynamodb${requires}`]);
    expect(check(rule, bad.HalfKeyedGlobalTable)).toEqual([`Replicas.1.SSESpecification.KMSMasterKeyId is not set: encrypted with the AWS-managed key aws/dynamodb${requires}`]);
    expect(check(rule, bad.CacheWithoutKey)).toEqual([`KmsKeyId is not set: encrypted with an ElastiCache-managed key${requires}`]);
  });

  test('unencrypted resources are not this rule\'s finding (Readiness-ENCRYPTION reports them)', () => {
    for (const c of Object.values(skipped)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.NOT_APPLICABLE]);
  });

  test('a log destination without an ELB/CloudFront/S3 grant is not exempt from the key policy', () => {
    for (const c of [bad.OtherAccountLogs, bad.AclBucketWithoutCdn]) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, [expect.stringMatching(/SSE-S3/)]]);
  });

  test('the level follows the policy: required for prod data stores, preferred (warning) elsewhere; an explicit policy wins', () => {
    const levels = (stage: 'prod' | 'dev', settings = {}) => {
      const pack = new ReadinessChecks(undefined, { stage, rules: [rule], settings });
      pack.validateScope(stack);
      const of = (c: IConstruct) => pack.results.find((r) => r.construct === cfnOf(c))!.level;
      return { bucket: of(bad.DefaultBucket), table: of(bad.OwnedKeyTable), queue: of(bad.SqsManagedQueue), logs: of(bad.PlainLogGroup) };
    };
    expect(levels('prod')).toEqual({ bucket: 'error', table: 'error', queue: 'warning', logs: 'warning' });
    expect(levels('dev')).toEqual({ bucket: 'warning', table: 'warning', queue: 'warning', logs: 'warning' });
    expect(levels('prod', { customerManagedKeys: 'preferred' })).toEqual({ bucket: 'warning', table: 'warning', queue: 'warning', logs: 'warning' });
    expect(levels('dev', { customerManagedKeys: 'required' })).toEqual({ bucket: 'error', table: 'error', queue: 'error', logs: 'error' });
    expect(() => new ReadinessChecks(undefined, { stage: 'prod', rules: [rule], settings: { customerManagedKeys: 'always' } })).toThrow(/customerManagedKeys = "always": not a policy. Fix: use 'required' or 'preferred'/);
  });

  test('the Readiness pack flags exactly the resources on an AWS key', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(Object.values(bad).map((c) => cfnOf(c).node.path).sort());
  });
});
