import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { createHardenedTask } from '../service/hardened-task';
import { acknowledgeTaskFindings, logGroupKey, SECRET_LIKE_NAME, validateFargateSize } from '../service/task-helpers';

export interface QueueWorkerProps {
  readonly vpc: ec2.IVpc;
  /** The worker image (an ECR repository or a registry reference). */
  readonly image: ecs.ContainerImage;
  /** On-call topic for dead letters and the deployment alarm. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The ECS cluster.
   * @default - a new cluster with Container Insights (enhanced)
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Key that encrypts both queues and the log group.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays hidden while a worker processes it.
   * @default Duration.minutes(5)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Fewest worker tasks.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Most worker tasks.
   * @default 10
   */
  readonly maxCapacity?: number;
  /**
   * Visible messages per step of scale-out.
   * @default 100
   */
  readonly messagesPerTask?: number;
  /**
   * Age of the oldest message at which the worker adds tasks regardless of depth.
   * @default Duration.minutes(5)
   */
  readonly maxMessageAge?: Duration;
  /**
   * Fargate CPU units.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * Secrets injected at task start.
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Non-secret settings (QUEUE_URL is added). Secret-looking names are rejected.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Retention of the worker logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * X-Ray daemon sidecar.
   * @default true
   */
  readonly tracing?: boolean;
}

const RULES: readonly ValidationRule<QueueWorkerProps>[] = [
  { field: 'maxReceiveCount', value: (p) => p.maxReceiveCount, check: (v) => v === undefined || is.intBetween(1, 10)(v), fix: 'move a message to the dead-letter queue after 1 to 10 receives' },
  { field: 'visibilityTimeout', value: (p) => p.visibilityTimeout?.toSeconds(), check: (v) => v === undefined || is.intBetween(0, 43200)(v), fix: 'use 0 seconds to 12 hours (the SQS limit)' },
  { field: 'minCapacity', value: (p) => p.minCapacity, check: (v) => v === undefined || is.intBetween(1, 1000)(v), fix: 'run at least 1 task' },
  { field: 'maxCapacity', value: (p) => p.maxCapacity, check: (v, p) => v === undefined || (is.intBetween(1, 1000)(v) && v > (p.minCapacity ?? 1)), fix: 'use more than minCapacity and at most 1000' },
  { field: 'messagesPerTask', value: (p) => p.messagesPerTask, check: (v) => v === undefined || is.intBetween(1, 1_000_000)(v), fix: 'use a positive whole number' },
  { field: 'maxMessageAge', value: (p) => p.maxMessageAge?.toSeconds(), check: (v) => v === undefined || is.intBetween(60, 1_209_600)(v), fix: 'use 1 minute to 14 days' },
  {
    field: 'environment',
    value: (p) => Object.keys(p.environment ?? {}),
    check: (names: string[]) => names.every((n) => !SECRET_LIKE_NAME.test(n)),
    fix: 'pass secret values through `secrets`, never as plain environment values',
  },
];

/**
 * Async processing (gap 3.5): an SQS queue encrypted with a customer key, a dead-letter queue after a
 * bounded number of receives, and a Fargate worker that scales on queue depth and on the age of the
 * oldest message. Deployments roll back on the circuit breaker and when dead letters start to grow.
 */
export class QueueWorker extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly encryptionKey: kms.IKey;
  public readonly cluster: ecs.ICluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly service: ecs.FargateService;
  public readonly scaling: ecs.ScalableTaskCount;
  public readonly logGroup: logs.ILogGroup;
  /** Alarm on new dead letters: rolls deployments back and notifies on-call. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    assertValid(`QueueWorker "${this.node.path}"`, props, RULES);
    const cpu = props.cpu ?? 512;
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    validateFargateSize(this, cpu, memoryLimitMiB);
    const minCapacity = props.minCapacity ?? 1;
    const maxCapacity = props.maxCapacity ?? 10;
    const messagesPerTask = props.messagesPerTask ?? 100;
    const maxAge = (props.maxMessageAge ?? Duration.minutes(5)).toSeconds();

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts the queues and logs of ${this.node.path}`, removalPolicy: RemovalPolicy.RETAIN });
    if (!props.encryptionKey) logGroupKey(this.encryptionKey);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.minutes(5),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
    const task = createHardenedTask(this, {
      cpu,
      memoryLimitMiB,
      encryptionKey: this.encryptionKey,
      logRetention: props.logRetention,
      containerId: 'Worker',
      streamPrefix: 'worker',
      image: props.image,
      secrets: props.secrets,
      environment: { ...(props.environment ?? {}), QUEUE_URL: this.queue.queueUrl },
      tracing: props.tracing ?? true,
      // Finish the message in hand before the task stops (scale-in, deployments).
      stopTimeout: Duration.seconds(120),
    });
    this.logGroup = task.logGroup;
    this.taskDefinition = task.taskDefinition;
    this.queue.grantConsumeMessages(this.taskDefinition.taskRole);
    acknowledgeTaskFindings(this.taskDefinition);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Queue worker tasks', allowAllOutbound: false });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (SQS, logs) and third parties');

    // DIFF: new dead letters in the last minute. A level alarm would block every later rollback.
    const deadLetters = new cloudwatch.MathExpression({
      label: 'New dead letters',
      expression: 'DIFF(FILL(visible, 0))',
      usingMetrics: { visible: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }) },
      period: Duration.minutes(1),
    });
    this.deadLetterAlarm = deadLetters.createAlarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Messages of ${this.node.path} land in the dead-letter queue: deployments roll back; inspect and redrive.`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: minCapacity,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      deploymentAlarms: { alarmNames: [this.deadLetterAlarm.alarmName], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      securityGroups: [securityGroup],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
    });

    this.scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    this.scaling.scaleOnMetric('QueueDepth', {
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: messagesPerTask, change: +1 },
        { lower: messagesPerTask * 5, change: +3 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(2),
      evaluationPeriods: 2,
    });
    this.scaling.scaleOnMetric('OldestMessageAge', {
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      scalingSteps: [
        { upper: maxAge, change: 0 },
        { lower: maxAge, change: +2 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(2),
      evaluationPeriods: 2,
    });
  }
}
