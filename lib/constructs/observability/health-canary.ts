import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { AlarmKit } from './alarm-kit';
import { AlarmRoutingProps } from './routing';

/** Tag that links a canary to the endpoint resource it watches (read by Readiness-HEALTH-CANARY). */
export const CANARY_ENDPOINT_TAG = 'readiness:endpoint';

export interface HealthCanaryProps extends AlarmRoutingProps {
  /** Full URL of the public health endpoint, e.g. `https://api.example.com/health`. */
  readonly url: string;
  /**
   * DNS names of the resources the URL passes through (the distribution's and the load balancer's),
   * recorded as a tag so that readiness checks can tell which endpoints this canary covers.
   * @default - the canary covers no resource of this app (the check rule will not count it)
   */
  readonly watchedEndpoints?: readonly string[];
  /**
   * Time between runs.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Failed runs among the last three that page on-call.
   * @default 2
   */
  readonly failedRunsToAlarm?: number;
  /**
   * Key that encrypts the run artifacts.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Days run artifacts (HAR files, logs) are kept.
   * @default 30
   */
  readonly artifactRetentionDays?: number;
}

const RULES: readonly ValidationRule<HealthCanaryProps>[] = [
  { field: 'url', value: (p) => p.url, check: (v) => /^https:\/\/[^\s/]+(\/\S*)?$/.test(v), fix: 'use the public https:// URL of the health endpoint' },
  {
    field: 'interval',
    value: (p) => (p.interval ?? Duration.minutes(1)).toMinutes({ integral: false }),
    check: (v) => Number.isInteger(v) && v >= 1 && v <= 60,
    fix: 'run every 1 to 60 whole minutes',
  },
  { field: 'failedRunsToAlarm', value: (p) => p.failedRunsToAlarm, check: (v) => v === undefined || (Number.isInteger(v) && v >= 1 && v <= 3), fix: 'use 1 to 3 of the last three runs' },
  { field: 'artifactRetentionDays', value: (p) => p.artifactRetentionDays, check: (v) => v === undefined || (Number.isInteger(v) && v >= 1 && v <= 455), fix: 'keep artifacts 1 to 455 days' },
];

// Only status and timing are recorded: health responses may carry internals, and requests carry no secrets.
const SCRIPT = `
const synthetics = require('Synthetics');
const log = require('SyntheticsLogger');

exports.handler = async () => {
  const target = new URL(process.env.HEALTH_URL);
  synthetics.getConfiguration().setConfig({
    includeRequestHeaders: false, includeResponseHeaders: false,
    includeRequestBody: false, includeResponseBody: false,
  });
  await synthetics.executeHttpStep('health', {
    hostname: target.hostname,
    port: target.port || 443,
    protocol: target.protocol,
    method: 'GET',
    path: target.pathname + target.search,
    headers: { 'User-Agent': synthetics.getCanaryUserAgentString() },
  }, async (res) => {
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new Error('health endpoint answered ' + res.statusCode);
    }
    log.info('health endpoint answered ' + res.statusCode);
  });
};
`;

/**
 * A CloudWatch Synthetics canary that calls the public health endpoint from outside the VPC on a
 * schedule, and a critical alarm when runs fail (or stop running).
 */
export class HealthCanary extends Construct {
  public readonly canary: synthetics.Canary;
  public readonly alarm: cloudwatch.Alarm;
  public readonly widgets: cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: HealthCanaryProps) {
    super(scope, id);
    assertValid(`HealthCanary "${this.node.path}"`, props, Token.isUnresolved(props.url) ? RULES.slice(1) : RULES);
    const interval = props.interval ?? Duration.minutes(1);

    const key =
      props.encryptionKey ?? new kms.Key(this, 'ArtifactsKey', { description: 'Encrypts health canary artifacts', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.artifactRetentionDays ?? 30), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.canary = new synthetics.Canary(this, 'Canary', {
      runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: synthetics.Test.custom({ code: synthetics.Code.fromInline(SCRIPT), handler: 'index.handler' }),
      schedule: synthetics.Schedule.rate(interval),
      environmentVariables: { HEALTH_URL: props.url },
      artifactsBucketLocation: { bucket },
      artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.KMS,
      artifactS3KmsKey: key,
      startAfterCreation: true,
      successRetentionPeriod: Duration.days(7),
      failureRetentionPeriod: Duration.days(31),
      timeout: Duration.seconds(Math.min(interval.toSeconds(), 60)),
    });
    // Set on the L1 directly (not through the Tags aspect) so checks see it before synthesis too.
    const watched = props.watchedEndpoints ?? [];
    if (watched.length > 0) (this.canary.node.defaultChild as synthetics.CfnCanary).tags.setTag(CANARY_ENDPOINT_TAG, watched.join(' '));

    const artifacts = 'the bucket holds only health-check run artifacts (status, timing, HAR without bodies or headers) that expire';
    for (const [id, reason] of [
      ['AwsSolutions-S1', `${artifacts}; only the canary role writes it and CloudTrail records access, so server access logs would log the canary's own writes`],
      ['NIST.800.53.R5-S3BucketLoggingEnabled', `${artifacts}; only the canary role writes it and CloudTrail records access`],
      ['NIST.800.53.R5-S3BucketReplicationEnabled', `${artifacts}; the next run regenerates them, a replica would protect nothing`],
    ]) {
      Validations.of(bucket).acknowledge({ id, reason });
    }
    // The Synthetics L2 writes the role's policy; its wildcards are the ones the service documents.
    const stack = Stack.of(this);
    // cdk-nag names the partition as rendered: a literal with the partition-literals flag, else the pseudo parameter.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    for (const [id, reason] of [
      ['AwsSolutions-IAM5[Resource::*]', 'cloudwatch:PutMetricData (condition: namespace CloudWatchSynthetics) and s3:ListAllMyBuckets/xray:PutTraceSegments take no resource ARN'],
      [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`, 'run artifacts are written under generated per-run keys of the canary\'s own bucket'],
      [`AwsSolutions-IAM5[Resource::arn:${partition}:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/cwsyn-*]`, 'Synthetics names the canary\'s log group cwsyn-<name>-<id> at creation; the prefix is the tightest ARN known at synth'],
      ['AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'grantEncryptDecrypt on the artifacts key only (one key ARN, no other keys)'],
      ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'grantEncryptDecrypt on the artifacts key only (one key ARN, no other keys)'],
      ['NIST.800.53.R5-IAMNoInlinePolicy', 'the canary role is created by the Synthetics L2 for this canary alone; its policy is not shared'],
    ]) {
      Validations.of(this.canary.role).acknowledge({ id, reason });
    }

    const kit = new AlarmKit(this, { critical: props.criticalTopic, warning: props.warningTopic, dashboardName: props.dashboardName });
    const success = this.canary.metricSuccessPercent({ period: interval, statistic: 'Average' });
    this.alarm = kit.alarm('Failing', {
      metric: success,
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: props.failedRunsToAlarm ?? 2,
      // A canary that stops running proves nothing: silence pages like failure.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      severity: 'critical',
      runbook: {
        meaning: 'The public health endpoint failed from outside the VPC in 2 of the last 3 runs: users likely cannot reach the service.',
        checks: ['the canary run screenshots/HAR and the status it got (DNS, TLS, 5xx, timeout?)', 'the service roll-up and the load balancer healthy hosts', 'CloudFront/WAF (blocked the canary?) and DNS records'],
      },
    });
    this.widgets = [
      new cloudwatch.GraphWidget({
        title: 'Public health canary: success % and duration',
        left: [success],
        right: [this.canary.metricDuration({ period: interval, statistic: 'p90' })],
        leftAnnotations: [{ value: 100, label: 'healthy' }],
        width: 6,
      }),
    ];
  }
}
