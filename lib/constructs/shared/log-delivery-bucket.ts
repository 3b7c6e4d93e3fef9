import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface LogDeliveryBucketOptions {
  /**
   * How delivered objects are owned: ALB delivery works with BUCKET_OWNER_ENFORCED, CloudFront
   * standard logs are written with an ACL (OBJECT_WRITER).
   * @default - the aws-cdk-lib default (follows the S3 server access log delivery feature flag)
   */
  readonly objectOwnership?: s3.ObjectOwnership;
  /**
   * Refuse TLS versions below this one in the bucket policy.
   * @default - no minimum beyond `enforceSSL`
   */
  readonly minimumTLSVersion?: number;
  /**
   * Lifecycle of the logs.
   * @default - expire after 365 days, noncurrent versions after 30
   */
  readonly lifecycleRules?: s3.LifecycleRule[];
}

/**
 * A bucket that an AWS service delivers logs to (load balancer and CloudFront access logs, S3 server
 * access logs): SSE-S3, the only encryption these deliveries support, private, TLS-only, versioned,
 * retained when the stack goes.
 */
export function logDeliveryBucket(scope: Construct, id: string, options: LogDeliveryBucketOptions = {}): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: options.minimumTLSVersion,
    versioned: true,
    objectOwnership: options.objectOwnership,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: options.lifecycleRules ?? [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
}
