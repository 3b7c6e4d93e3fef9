import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { OnCallTopics } from '../../../lib/constructs/observability/on-call-topics';
import { SecurityFindingsRouting } from '../../../lib/constructs/observability/security-findings-routing';
import { EventTargetDeadLettered } from '../../../lib/aspects/rules/service/event-target-dead-lettered';
import { QueueHasDeadLetterQueue } from '../../../lib/aspects/rules/service/queue-has-dead-letter-queue';
import { flaggedPaths } from '../../aspects/rules/rule-test-kit';
import { newTestApp } from '../../helpers/synth';

describe('SecurityFindingsRouting with the on-call key and warning topic', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = new Stack(newTestApp(), 'Alerting', { env: { account: '111111111111', region: 'eu-west-1' } });
    const topics = new OnCallTopics(stack, 'OnCall', { criticalEmails: ['oncall@example.com'], warningEmails: ['platform@example.com'] });
    new SecurityFindingsRouting(stack, 'SecurityFindings', { criticalTopic: topics.critical, encryptionKey: topics.key, alarmTopic: topics.warning });
    template = Template.fromStack(stack);
  });

  test('both rules page through the critical topic, retry 10 times for up to 6 hours, then dead-letter to one queue', () => {
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.keys(rules)).toHaveLength(2);
    for (const rule of Object.values(rules)) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { Ref: expect.stringMatching(/^OnCallCritical/) },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SecurityFindingsDeadLettersQueue/), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
        }),
      ]);
    }
  });

  test('the dead-letter queue is encrypted with the on-call key, which lets EventBridge use it; the queue policy lets the rules send', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OnCallKey'), 'Arn'] }, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowEventBridgeDeadLetters',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:rule/*']] } } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityFindingsGuardDuty'), 'Arn'] } } } }),
        ]),
      },
    });
  });

  test('one message in the dead-letter queue raises a [WARNING] alarm on the warning topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^\\[WARNING\\] EventBridge could not deliver'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^OnCallWarning') }],
    });
  });

  test('Readiness-EVENT-TARGET-DLQ and Readiness-ASYNC-QUEUE find nothing', () => {
    expect(flaggedPaths(EventTargetDeadLettered, stack)).toEqual([]);
    expect(flaggedPaths(QueueHasDeadLetterQueue, stack)).toEqual([]);
  });

  test('cdk-nag AwsSolutions and NIST 800-53 find nothing unacknowledged on the dead-letter queue', () => {
    const ours = [new AwsSolutionsChecks(stack), new NIST80053R5Checks(stack)].flatMap((pack) =>
      pack.validateScope(stack).violations.flatMap((v) =>
        v.violatingResources.filter((r) => /SecurityFindings\/DeadLetters/.test(r.constructPath ?? '')).map((r) => `${v.ruleName} ${r.constructPath}`),
      ),
    );
    expect(ours).toEqual([]);
  });
});
