import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Retries and event age every EventBridge target of the project uses (Readiness-EVENT-TARGET-DLQ needs >= 1 and >= 60 s). */
export const EVENT_TARGET_RETRY_ATTEMPTS = 10;
export const EVENT_TARGET_MAX_EVENT_AGE = Duration.hours(6);

export interface EventDeadLetterQueueProps {
  /** Customer key that encrypts the queue; its key policy gets EventBridge's statement (an imported key's cannot: grant it yourself). */
  readonly key: kms.IKey;
  /** What the rules behind the queue do, for the alarm ("security findings routing"). */
  readonly purpose: string;
  /**
   * Topic the alarm on visible messages goes to.
   * @default - no alarm action (the alarm still shows in the console)
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The SQS queue EventBridge moves events it could not deliver to (after the target's retries), encrypted
 * with a customer key, TLS-only, kept 14 days, with a `[WARNING]` alarm as soon as one message is visible.
 * aws-events-targets adds the queue policy that lets events.amazonaws.com SendMessage (aws:SourceArn = the rule).
 */
export class EventDeadLetterQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventDeadLetterQueueProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // EventBridge writes to an SSE-KMS queue as itself: without kms:GenerateDataKey and kms:Decrypt the event is lost.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeadLetters',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*' }) } },
      }),
      /* allowNoOp */ true,
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of EventBridge rule targets (DeadLetterConfig), which AwsSolutions-SQS3 only recognizes for SQS redrive.',
    });
    this.alarm = new cloudwatch.Alarm(this, 'MessagesVisible', {
      alarmDescription:
        `[WARNING] EventBridge could not deliver an event of the ${props.purpose} after its retries. ` +
        'Check: 1) the message in the dead-letter queue (its attributes name the error and the rule) 2) the target (topic policy, key policy, function errors) 3) redrive or act on the event by hand.',
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.alarm.addAlarmAction(new cw_actions.SnsAction(props.alarmTopic));
  }
}
