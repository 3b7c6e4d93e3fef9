import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { App } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AlarmsDeliverable as rule } from '../../../../lib/aspects/rules/observability/alarms-deliverable';
import { OnCallTopics } from '../../../../lib/constructs/observability/on-call-topics';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check, userStack } from '../rule-test-kit';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const findings = (result: unknown) => (Array.isArray(result) ? result.join('\n') : String(result));

/** A customer key whose policy lets `services` use it for SNS, and an alarm on a queue. */
function keyFor(stack: Stack, id: string, services: string[], actionsAllowed = ['kms:Decrypt', 'kms:GenerateDataKey*'], conditions?: Record<string, any>) {
  const key = new kms.Key(stack, id, { enableKeyRotation: true });
  if (services.length > 0) {
    key.addToResourcePolicy(new iam.PolicyStatement({ actions: actionsAllowed, principals: services.map((s) => new iam.ServicePrincipal(s)), resources: ['*'], conditions }));
  }
  return key;
}
const queueAlarm = (stack: Stack, id = 'Age') => new sqs.Queue(stack, `${id}Queue`).metricApproximateAgeOfOldestMessage().createAlarm(stack, id, { threshold: 300, evaluationPeriods: 1 });

describe('Readiness-ALARM-DELIVERABLE', () => {
  test('an alarm to a topic whose customer key allows CloudWatch, and a rule to one whose key allows EventBridge: compliant', () => {
    const stack = userStack();
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: keyFor(stack, 'Key', ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) });
    const alarm = queueAlarm(stack);
    alarm.addAlarmAction(new actions.SnsAction(topic));
    alarm.addOkAction(new actions.SnsAction(topic));
    expect(check(rule, alarm)).toBe(NagRuleCompliance.COMPLIANT);
    const findingsRule = new events.Rule(stack, 'GuardDuty', { eventPattern: { source: ['aws.guardduty'] } });
    findingsRule.addTarget(new targets.SnsTopic(topic));
    expect(check(rule, findingsRule)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a customer key with only the default (account root) policy: CloudWatch cannot encrypt, non-compliant naming key and topic', () => {
    const stack = userStack();
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: new kms.Key(stack, 'Key') });
    const alarm = queueAlarm(stack);
    alarm.addAlarmAction(new actions.SnsAction(topic));
    expect(findings(check(rule, alarm))).toMatch(/^AlarmActions\[0\]: key UserStack\/Key\/Resource of topic UserStack\/OnCall\/Resource: no statement allows cloudwatch.amazonaws.com kms:GenerateDataKey\*$/);
  });

  test('the AWS managed key alias/aws/sns makes the topic undeliverable for alarms and rules', () => {
    const stack = userStack();
    const topic = new sns.CfnTopic(stack, 'OnCall', { kmsMasterKeyId: 'alias/aws/sns' });
    const alarm = queueAlarm(stack);
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.ref }) });
    expect(findings(check(rule, alarm))).toMatch(/AlarmActions\[0\]: topic UserStack\/OnCall is encrypted with the AWS managed key alias\/aws\/sns/);
    const r = new events.CfnRule(stack, 'Rule', { eventPattern: { source: ['aws.guardduty'] }, targets: [{ id: 'sns', arn: topic.ref }] });
    expect(findings(check(rule, r))).toMatch(/Targets\[0\].Arn: topic UserStack\/OnCall is encrypted with the AWS managed key/);
  });

  test('an EventBridge rule (L1) to a topic whose key allows CloudWatch only is non-compliant for events.amazonaws.com; the L2 target grants it', () => {
    const stack = userStack();
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: keyFor(stack, 'Key', ['cloudwatch.amazonaws.com']) });
    topic.addToResourcePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], principals: [new iam.ServicePrincipal('events.amazonaws.com')], resources: [topic.topicArn] }));
    const r = new events.CfnRule(stack, 'Findings', { eventPattern: { source: ['aws.securityhub'] }, targets: [{ id: 'page', arn: topic.topicArn }] });
    expect(findings(check(rule, r))).toMatch(/^Targets\[0\].Arn: key UserStack\/Key\/Resource of topic UserStack\/OnCall\/Resource: no statement allows events.amazonaws.com kms:GenerateDataKey\*$/);
    // aws-events-targets' SnsTopic grants events.amazonaws.com publish on the topic and use of its key.
    new events.Rule(stack, 'L2', { eventPattern: { source: ['aws.guardduty'] } }).addTarget(new targets.SnsTopic(topic));
    expect(check(rule, r)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an EventBridge rule to a topic without a topic policy: the default policy does not admit events.amazonaws.com', () => {
    const stack = userStack();
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: keyFor(stack, 'Key', ['events.amazonaws.com']) });
    const r = new events.CfnRule(stack, 'Findings', { eventPattern: { source: ['aws.securityhub'] }, targets: [{ id: 'page', arn: topic.topicArn }] });
    expect(findings(check(rule, r))).toMatch(/topic UserStack\/OnCall\/Resource has no topic policy allowing events.amazonaws.com sns:Publish/);
  });

  test('a rule target that publishes with a role (authorizeUsingRole) needs the key to delegate to IAM, not events.amazonaws.com', () => {
    const stack = userStack();
    const key = new kms.Key(stack, 'Key');
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: key });
    const r = new events.Rule(stack, 'Findings', { eventPattern: { source: ['aws.guardduty'] } });
    r.addTarget(new targets.SnsTopic(topic, { authorizeUsingRole: true }));
    expect(check(rule, r)).toBe(NagRuleCompliance.COMPLIANT);
    const closed = new kms.CfnKey(stack, 'Closed', { keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/admin' }, Action: 'kms:*', Resource: '*' }] } });
    const other = new sns.CfnTopic(stack, 'Other', { kmsMasterKeyId: closed.ref });
    const role = new iam.Role(stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
    const l1 = new events.CfnRule(stack, 'L1', { eventPattern: { source: ['aws.guardduty'] }, targets: [{ id: 'page', arn: other.ref, roleArn: role.roleArn }] });
    expect(findings(check(rule, l1))).toMatch(/key UserStack\/Closed of topic UserStack\/Other: no statement lets the account's IAM policies \(or the target's role\) use kms:GenerateDataKey/);
  });

  test('a topic policy that admits only a role replaces the default one: alarms cannot publish', () => {
    const stack = userStack();
    const topic = new sns.Topic(stack, 'Plain');
    topic.addToResourcePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], principals: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/app')], resources: [topic.topicArn] }));
    const alarm = queueAlarm(stack);
    alarm.addAlarmAction(new actions.SnsAction(topic));
    expect(findings(check(rule, alarm))).toMatch(/topic policy UserStack\/Plain\/Policy\/Resource of topic UserStack\/Plain\/Resource: no statement allows cloudwatch.amazonaws.com sns:Publish/);
    topic.addToResourcePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], resources: [topic.topicArn] }));
    expect(check(rule, alarm)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('fooling: Decrypt without GenerateDataKey, an Allow under a condition the service does not set, a blanket Deny, an OK action on a composite', () => {
    const stack = userStack();
    const decryptOnly = new sns.Topic(stack, 'DecryptOnly', { masterKey: keyFor(stack, 'K1', ['cloudwatch.amazonaws.com'], ['kms:Decrypt']) });
    const a1 = queueAlarm(stack, 'A1');
    a1.addAlarmAction(new actions.SnsAction(decryptOnly));
    expect(findings(check(rule, a1))).toMatch(/no statement allows cloudwatch.amazonaws.com kms:GenerateDataKey\*/);

    const conditioned = new sns.Topic(stack, 'Conditioned', {
      masterKey: keyFor(stack, 'K2', ['cloudwatch.amazonaws.com'], undefined, { StringEquals: { 'aws:PrincipalTag/team': 'ops' } }),
    });
    const a2 = queueAlarm(stack, 'A2');
    a2.addAlarmAction(new actions.SnsAction(conditioned));
    expect(findings(check(rule, a2))).toMatch(/no statement allows cloudwatch.amazonaws.com/);
    // CloudWatch calls KMS itself, from its own account: kms:CallerAccount (as on alias/aws/sns) never matches it.
    const callerBound = new sns.Topic(stack, 'CallerBound', {
      masterKey: keyFor(stack, 'K5', ['cloudwatch.amazonaws.com'], undefined, { StringEquals: { 'kms:CallerAccount': '111111111111' } }),
    });
    const a5 = queueAlarm(stack, 'A5');
    a5.addAlarmAction(new actions.SnsAction(callerBound));
    expect(findings(check(rule, a5))).toMatch(/no statement allows cloudwatch.amazonaws.com kms:GenerateDataKey\*/);
    const sourceBound = new sns.Topic(stack, 'SourceBound', {
      masterKey: keyFor(stack, 'K6', ['cloudwatch.amazonaws.com'], undefined, { StringEquals: { 'aws:SourceAccount': '111111111111' } }),
    });
    const a6 = queueAlarm(stack, 'A6');
    a6.addAlarmAction(new actions.SnsAction(sourceBound));
    expect(check(rule, a6)).toBe(NagRuleCompliance.COMPLIANT);

    const denied = keyFor(stack, 'K3', ['cloudwatch.amazonaws.com']);
    denied.addToResourcePolicy(new iam.PolicyStatement({ sid: 'NoServices', effect: iam.Effect.DENY, actions: ['kms:*'], principals: [new iam.StarPrincipal()], resources: ['*'] }));
    const a3 = queueAlarm(stack, 'A3');
    a3.addAlarmAction(new actions.SnsAction(new sns.Topic(stack, 'Denied', { masterKey: denied })));
    expect(findings(check(rule, a3))).toMatch(/a Deny statement \(NoServices\) can refuse cloudwatch.amazonaws.com kms:GenerateDataKey/);

    const ok = new sns.Topic(stack, 'Ok', { masterKey: new kms.Key(stack, 'K4') });
    const composite = new cloudwatch.CompositeAlarm(stack, 'Both', { alarmRule: cloudwatch.AlarmRule.fromAlarm(a1, cloudwatch.AlarmState.ALARM) });
    composite.addOkAction(new actions.SnsAction(ok));
    expect(findings(check(rule, composite))).toMatch(/^OKActions\[0\]: key UserStack\/K4/);
  });

  test('AWS Backup vault notifications and AWS Budgets subscribers need their own service in the key and topic policies', () => {
    const stack = userStack();
    const topic = new sns.Topic(stack, 'Ops', { masterKey: keyFor(stack, 'Key', ['cloudwatch.amazonaws.com']) });
    topic.addToResourcePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], principals: [new iam.ServicePrincipal('backup.amazonaws.com')], resources: [topic.topicArn] }));
    const vault = new backup.CfnBackupVault(stack, 'Vault', { backupVaultName: 'v', notifications: { snsTopicArn: topic.topicArn, backupVaultEvents: ['BACKUP_JOB_FAILED'] } });
    expect(findings(check(rule, vault))).toMatch(/^Notifications.SNSTopicArn: key UserStack\/Key\/Resource of topic UserStack\/Ops\/Resource: no statement allows backup.amazonaws.com kms:GenerateDataKey\*$/);
    const budget = new budgets.CfnBudget(stack, 'Budget', {
      budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 100, unit: 'USD' } },
      notificationsWithSubscribers: [
        { notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80 }, subscribers: [{ subscriptionType: 'EMAIL', address: 'a@example.com' }, { subscriptionType: 'SNS', address: topic.topicArn }] },
      ],
    });
    expect(findings(check(rule, budget))).toMatch(/^NotificationsWithSubscribers\[0\].Subscribers\[1\].Address: key .* no statement allows budgets.amazonaws.com kms:GenerateDataKey\*$/);

    const fixed = new sns.Topic(stack, 'Fixed', { masterKey: keyFor(stack, 'Key2', ['backup.amazonaws.com', 'budgets.amazonaws.com']) });
    const vault2 = new backup.BackupVault(stack, 'Vault2', { notificationTopic: fixed });
    // aws-backup's BackupVault grants backup.amazonaws.com sns:Publish (and the key); Budgets needs the topic policy added.
    expect(check(rule, vault2)).toBe(NagRuleCompliance.COMPLIANT);
    const budget2 = new budgets.CfnBudget(stack, 'Budget2', {
      budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 100, unit: 'USD' } },
      notificationsWithSubscribers: [{ notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80 }, subscribers: [{ subscriptionType: 'SNS', address: fixed.topicArn }] }],
    });
    expect(findings(check(rule, budget2))).toMatch(/no statement allows budgets.amazonaws.com sns:Publish/);
    fixed.addToResourcePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], principals: [new iam.ServicePrincipal('budgets.amazonaws.com')], resources: [fixed.topicArn] }));
    expect(check(rule, budget2)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a topic outside the app cannot be checked (never a pass); scaling-only alarms are not applicable', () => {
    const stack = userStack();
    const alarm = queueAlarm(stack);
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:111111111111:elsewhere' }) });
    expect(findings(check(rule, alarm))).toMatch(/not in the app; its key and policy cannot be checked/);
    const scaling = queueAlarm(stack, 'Scale');
    scaling.addAlarmAction({ bind: () => ({ alarmActionArn: 'arn:aws:autoscaling:eu-west-1:111111111111:scalingPolicy:x' }) });
    expect(check(rule, scaling)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('OnCallTopics in another stack (cross-stack import): alarms and EventBridge rules can deliver', () => {
    const app = new App({ context: NO_BUNDLING });
    const alerting = new Stack(app, 'Alerting', { env: ENV });
    const topics = new OnCallTopics(alerting, 'OnCall');
    const r = new events.Rule(alerting, 'Findings', { eventPattern: { source: ['aws.guardduty'] } });
    r.addTarget(new targets.SnsTopic(topics.critical));
    const monitoring = new Stack(app, 'Monitoring', { env: ENV });
    const alarm = queueAlarm(monitoring);
    alarm.addAlarmAction(new actions.SnsAction(topics.critical));
    alarm.addOkAction(new actions.SnsAction(topics.warning));
    expect(check(rule, alarm)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, r)).toBe(NagRuleCompliance.COMPLIANT);
  });
});
