/**
 * The generated user app of the benchmarks: services of plain L1/L2 resources, ten per stack, in one
 * `Prod` stage. It imports aws-cdk-lib only, so that a whole-process run loads what a user's app loads.
 */
import { App, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/** One service of a generated app: a table, a queue with a DLQ, a function, its logs, a topic and an alarm. */
export function addService(stack: Stack, i: number, key: kms.IKey): void {
  const id = `Svc${i}`;
  new dynamodb.Table(stack, `${id}Table`, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const dlq = new sqs.Queue(stack, `${id}Dlq`, { encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14) });
  new sqs.Queue(stack, `${id}Queue`, { encryptionMasterKey: key, enforceSSL: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  const logGroup = new logs.LogGroup(stack, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
  const fn = new lambda.Function(stack, `${id}Fn`, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
    logGroup,
  });
  const topic = new sns.Topic(stack, `${id}Alerts`, { masterKey: key });
  const alarm = new cloudwatch.Alarm(stack, `${id}Errors`, { metric: fn.metricErrors(), threshold: 1, evaluationPeriods: 1 });
  alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
  new cloudwatch.Alarm(stack, `${id}Throttles`, { metric: fn.metricThrottles(), threshold: 1, evaluationPeriods: 1 }).addAlarmAction({
    bind: () => ({ alarmActionArn: topic.topicArn }),
  });
}

/** Adds a `Prod` stage of `services` services to the app, ten per stack (far below the 500-resource limit). */
export function addServices(app: App, services: number): Stage {
  const stage = new Stage(app, 'Prod', { env: { account: '111111111111', region: 'eu-west-1' } });
  for (let s = 0; s * 10 < services; s++) {
    const stack = new Stack(stage, `Services${s}`);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    for (let i = s * 10; i < Math.min(services, (s + 1) * 10); i++) addService(stack, i, key);
  }
  return stage;
}
