import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { EncryptedAtRestWithCmk as rule } from '../../../../lib/aspects/rules/security/encrypted-at-rest-with-cmk';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-ENCRYPTION', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};

  beforeAll(() => {
    stack = userStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const retain = { removalPolicy: RemovalPolicy.RETAIN };

    good.Queue = new sqs.Queue(stack, 'GoodQueue', { encryptionMasterKey: key });
    bad.SqsManagedQueue = new sqs.Queue(stack, 'SqsManagedQueue', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    bad.AwsAliasQueue = new sqs.CfnQueue(stack, 'AwsAliasQueue', { kmsMasterKeyId: 'alias/aws/sqs' });

    good.Topic = new sns.Topic(stack, 'GoodTopic', { masterKey: key });
    bad.PlainTopic = new sns.Topic(stack, 'PlainTopic');

    good.LogGroup = new logs.LogGroup(stack, 'GoodLogs', { encryptionKey: key, ...retain });
    bad.PlainLogGroup = new logs.LogGroup(stack, 'PlainLogs', retain);

    const accessLogs = new s3.Bucket(stack, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED, ...retain });
    good.AccessLogs = accessLogs;
    good.Bucket = new s3.Bucket(stack, 'GoodBucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, serverAccessLogsBucket: accessLogs, ...retain });
    bad.S3ManagedBucket = new s3.Bucket(stack, 'S3ManagedBucket', { encryption: s3.BucketEncryption.S3_MANAGED, ...retain });
    bad.AwsManagedKmsBucket = new s3.Bucket(stack, 'AwsManagedKmsBucket', { encryption: s3.BucketEncryption.KMS_MANAGED, ...retain });

    good.Cache = new elasticache.CfnReplicationGroup(stack, 'GoodCache', {
      replicationGroupDescription: 'good',
      atRestEncryptionEnabled: true,
      kmsKeyId: key.keyArn,
      transitEncryptionEnabled: true,
    });
    bad.CacheWithoutKey = new elasticache.CfnReplicationGroup(stack, 'CacheWithoutKey', { replicationGroupDescription: 'aws key', atRestEncryptionEnabled: true });
    bad.CacheUnencrypted = new elasticache.CfnReplicationGroup(stack, 'CacheUnencrypted', { replicationGroupDescription: 'plain' });

    good.Cluster = new rds.CfnDBCluster(stack, 'GoodCluster', { engine: 'aurora-postgresql', storageEncrypted: true, kmsKeyId: key.keyArn });
    good.ClusterInstance = new rds.CfnDBInstance(stack, 'ClusterInstance', { engine: 'aurora-postgresql', dbClusterIdentifier: 'x', dbInstanceClass: 'db.r6g.large' });
    bad.ClusterWithoutKey = new rds.CfnDBCluster(stack, 'ClusterWithoutKey', { engine: 'aurora-postgresql', storageEncrypted: true });
    bad.Instance = new rds.CfnDBInstance(stack, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', storageEncrypted: false, kmsKeyId: key.keyArn });
  });

  test('databases, caches, queues, topics, log groups and buckets with a customer-managed key are compliant', () => {
    for (const c of Object.values(good)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
  });

  test('a server access log target may use SSE-S3, the only encryption S3 log delivery supports', () => {
    expect(check(rule, good.AccessLogs)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, bad.S3ManagedBucket)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('missing keys, AWS managed keys and encryption turned off are non-compliant', () => {
    for (const c of Object.values(bad)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.NON_COMPLIANT]);
  });

  test('the Readiness pack flags exactly the non-compliant resources', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(Object.values(bad).map((c) => cfnOf(c).node.path).sort());
  });
});
