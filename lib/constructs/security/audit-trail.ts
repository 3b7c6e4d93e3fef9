import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { allowLogsToUseKey } from '../shared/log-encryption-key';
import { logDeliveryBucket } from '../shared/log-delivery-bucket';

/** What the audit trail records, for the readiness report. */
export const AUDIT_EVENT_CATEGORIES: readonly { readonly category: string; readonly source: string }[] = [
  { category: 'Management events (read and write) in every region, incl. IAM, STS and other global services', source: 'CloudTrail multi-region trail' },
  { category: 'Console sign-ins, role assumptions, key and secret use (KMS, Secrets Manager API calls)', source: 'CloudTrail management events' },
  { category: 'Object-level reads and writes on buckets that hold customer data', source: 'CloudTrail S3 data events' },
  { category: 'Access to the audit bucket itself', source: 'S3 server access logs' },
];

export interface AuditTrailProps {
  /**
   * How long log files are locked (S3 Object Lock) and kept; 1 to 3650 whole days.
   * @default - Duration.days(365)
   */
  readonly retention?: Duration;
  /**
   * When log files move to archive storage (Glacier Flexible Retrieval); before `retention`.
   * @default - Duration.days(90)
   */
  readonly archiveAfter?: Duration;
  /**
   * Object Lock mode: COMPLIANCE cannot be shortened by anyone (root included), GOVERNANCE by users with bypass rights.
   * @default - 'COMPLIANCE'
   */
  readonly lockMode?: 'COMPLIANCE' | 'GOVERNANCE';
  /**
   * How long the CloudWatch Logs copy of the trail is kept.
   * @default - logs.RetentionDays.ONE_YEAR
   */
  readonly logGroupRetention?: logs.RetentionDays;
  /**
   * Buckets that hold customer data: the trail records their object-level (data) events.
   * @default - no data events (add more with `addCustomerDataBucket`)
   */
  readonly customerDataBuckets?: readonly s3.IBucket[];
}

interface Resolved {
  readonly retentionDays: number;
  readonly archiveDays: number;
  readonly lockMode: string;
}

const RULES: readonly ValidationRule<Resolved>[] = [
  { field: 'retention', value: (p) => p.retentionDays, check: (v) => Number.isInteger(v) && v >= 1 && v <= 3650, fix: 'keep audit logs 1 to 3650 whole days, e.g. Duration.days(365)' },
  {
    field: 'archiveAfter',
    value: (p) => p.archiveDays,
    check: (v, p) => Number.isInteger(v) && v >= 1 && v < p.retentionDays,
    fix: 'archive after 1 whole day or more, and before the retention ends',
  },
  { field: 'lockMode', value: (p) => p.lockMode, check: (v) => v === 'COMPLIANCE' || v === 'GOVERNANCE', fix: 'use "COMPLIANCE" or "GOVERNANCE"' },
];

/**
 * The audit trail of an account: a multi-region CloudTrail trail with log file validation, encrypted
 * with its own customer-managed key, delivered to CloudWatch Logs and to an S3 bucket with Object Lock
 * (retention from config), versioning, server access logging, a TLS-only policy, no public access and
 * a lifecycle to archive storage. Data events for the buckets that hold customer data.
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly bucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;
  public readonly key: kms.Key;
  public readonly logGroup: logs.LogGroup;
  /** Lock and keep period in days. */
  public readonly retentionDays: number;
  public readonly archiveAfterDays: number;
  /** Object Lock mode of the audit bucket. */
  public readonly lockMode: 'COMPLIANCE' | 'GOVERNANCE';
  private readonly dataEventBuckets: s3.IBucket[] = [];

  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    const resolved: Resolved = {
      retentionDays: (props.retention ?? Duration.days(365)).toHours({ integral: false }) / 24,
      archiveDays: (props.archiveAfter ?? Duration.days(90)).toHours({ integral: false }) / 24,
      lockMode: props.lockMode ?? 'COMPLIANCE',
    };
    assertValid(`AuditTrail ${this.node.path}`, resolved, RULES);
    this.retentionDays = resolved.retentionDays;
    this.archiveAfterDays = resolved.archiveDays;
    this.lockMode = resolved.lockMode as 'COMPLIANCE' | 'GOVERNANCE';
    const { account, partition } = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the audit trail of ${this.node.path}: log files, digests, CloudWatch Logs copy`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Scoped to this account's trails and log groups (confused-deputy protection).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${account}:trail/*` },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    allowLogsToUseKey(this.key, { stack: Stack.of(this), sid: 'CloudWatchLogsOfThisAccount' });

    // S3 server access logging delivers only to SSE-S3 buckets without a default Object Lock retention.
    // Object ownership follows the log delivery mode (bucket policy or ACL, per the S3 feature flag).
    this.accessLogsBucket = logDeliveryBucket(this, 'AccessLogs', {
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        {
          id: 'ArchiveThenExpire',
          transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(resolved.archiveDays) }],
          expiration: Duration.days(resolved.retentionDays),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });

    const lockPeriod = Duration.days(resolved.retentionDays);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        resolved.lockMode === 'COMPLIANCE' ? s3.ObjectLockRetention.compliance(lockPeriod) : s3.ObjectLockRetention.governance(lockPeriod),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ArchiveThenExpire',
          transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(resolved.archiveDays) }],
          // Locked versions cannot be removed before the lock ends; afterwards they expire.
          expiration: Duration.days(resolved.retentionDays + 1),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logGroupRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: this.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });
    // The trail checks the bucket policy and key policy when it is created.
    this.trail.node.addDependency(this.key);

    for (const bucket of props.customerDataBuckets ?? []) this.addCustomerDataBucket(bucket);
    this.acknowledgeFindings();
  }

  /** cdk-nag findings this design answers differently, each with why. */
  private acknowledgeFindings(): void {
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason: 'S3 server access logging delivers only to buckets encrypted with SSE-S3; SSE-KMS would drop the access logs',
    });
    for (const bucket of [this.bucket, this.accessLogsBucket]) {
      Validations.of(bucket).acknowledge({
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'Audit log files are immutable (Object Lock, versioning) and the multi-region trail also delivers to CloudWatch Logs; a replica would need a second locked bucket and key in the DR region',
      });
    }
    const logsPolicy = this.trail.node.tryFindChild('LogsRole')?.node.tryFindChild('DefaultPolicy');
    if (logsPolicy) {
      Validations.of(logsPolicy).acknowledge({
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: 'CloudTrail\'s delivery role may only create streams and put events in the trail\'s own log group; the policy belongs to that role alone',
      });
    }
  }

  /** Records object-level reads and writes on `bucket` (a bucket that holds customer data). */
  public addCustomerDataBucket(bucket: s3.IBucket): void {
    if (this.dataEventBuckets.includes(bucket)) return;
    this.dataEventBuckets.push(bucket);
    this.trail.addS3EventSelector([{ bucket }], { readWriteType: cloudtrail.ReadWriteType.ALL, includeManagementEvents: false });
  }

  /** The buckets whose data events the trail records. */
  public get customerDataBuckets(): readonly s3.IBucket[] {
    return [...this.dataEventBuckets];
  }
}
