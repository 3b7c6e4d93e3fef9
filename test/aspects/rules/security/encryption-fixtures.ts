import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';

/**
 * The fixtures Readiness-ENCRYPTION and Readiness-ENCRYPTION-KEY both judge: queues, topics, log groups,
 * buckets (log destinations among them), caches and clusters, filed as `good` (customer-managed key)
 * or `bad` (an AWS key, or none). Each rule's test moves the ones it judges otherwise.
 */
export function addSharedEncryptionFixtures(stack: Stack, key: kms.IKey, good: Record<string, IConstruct>, bad: Record<string, IConstruct>): void {
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

  // Load balancer access logs: the bucket policy lets the regional ELB account (eu-west-1) or, in
  // newer regions, the log-delivery service principal put objects.
  const putLogs = (bucket: s3.IBucket, principal: iam.IPrincipal) =>
    bucket.addToResourcePolicy(new iam.PolicyStatement({ principals: [principal], actions: ['s3:PutObject'], resources: [bucket.arnForObjects('alb/AWSLogs/*')] }));
  const sseS3 = { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, ...retain };
  good.ElbAccountLogs = new s3.Bucket(stack, 'ElbAccountLogs', sseS3);
  putLogs(good.ElbAccountLogs as s3.Bucket, new iam.AccountPrincipal('156460612806'));
  good.ElbServiceLogs = new s3.Bucket(stack, 'ElbServiceLogs', sseS3);
  putLogs(good.ElbServiceLogs as s3.Bucket, new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com'));
  const unencryptedElbLogs = new s3.CfnBucket(stack, 'UnencryptedElbLogs');
  bad.UnencryptedElbLogs = unencryptedElbLogs;
  new s3.CfnBucketPolicy(stack, 'UnencryptedElbLogsPolicy', {
    bucket: unencryptedElbLogs.ref,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::156460612806:root' }, Action: 's3:PutObject', Resource: `${unencryptedElbLogs.attrArn}/*` }],
    },
  });
  // Granting another account (not an ELB log-delivery account) does not make a log destination.
  bad.OtherAccountLogs = new s3.Bucket(stack, 'OtherAccountLogs', sseS3);
  putLogs(bad.OtherAccountLogs as s3.Bucket, new iam.AccountPrincipal('123456789012'));

  // CloudFront standard logs: ACLs enabled (ObjectWriter) and a distribution of the stack logs to it.
  const origin = new origins.HttpOrigin('origin.example.com');
  good.CdnLogs = new s3.Bucket(stack, 'CdnLogs', { ...sseS3, objectOwnership: s3.ObjectOwnership.OBJECT_WRITER });
  new cloudfront.Distribution(stack, 'Cdn', { defaultBehavior: { origin }, enableLogging: true, logBucket: good.CdnLogs as s3.Bucket });
  bad.UnencryptedCdnLogs = new s3.CfnBucket(stack, 'UnencryptedCdnLogs', { ownershipControls: { rules: [{ objectOwnership: 'ObjectWriter' }] } });
  new cloudfront.CfnDistribution(stack, 'PlainCdn', {
    distributionConfig: {
      enabled: true,
      defaultCacheBehavior: { targetOriginId: 'o', viewerProtocolPolicy: 'redirect-to-https', cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      origins: [{ id: 'o', domainName: 'origin.example.com', customOriginConfig: { originProtocolPolicy: 'https-only' } }],
      logging: { bucket: (bad.UnencryptedCdnLogs as s3.CfnBucket).attrRegionalDomainName },
    },
  });
  // ACLs enabled alone (no distribution logs to it) is no log destination.
  bad.AclBucketWithoutCdn = new s3.Bucket(stack, 'AclBucketWithoutCdn', { ...sseS3, objectOwnership: s3.ObjectOwnership.OBJECT_WRITER });

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
}
