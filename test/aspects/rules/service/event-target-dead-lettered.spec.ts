import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { EventTargetDeadLettered as rule } from '../../../../lib/aspects/rules/service/event-target-dead-lettered';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

const SCHEDULE = events.Schedule.rate(Duration.hours(1));

describe('Readiness-EVENT-TARGET-DLQ', () => {
  let stack: Stack;
  let good: events.Rule;
  let noDlq: events.Rule;
  let noRetries: events.Rule;
  let oneBadTarget: events.Rule;
  let paramDlq: events.CfnRule;
  let literalDlq: events.CfnRule;
  let topicDlq: events.CfnRule;
  let conditionalRetry: events.CfnRule;
  let noTargets: events.Rule;

  beforeAll(() => {
    stack = userStack();
    const work = new sqs.Queue(stack, 'Work');
    const dlq = new sqs.Queue(stack, 'EventsDlq');
    const topic = new sns.Topic(stack, 'Topic');
    const bounded = { deadLetterQueue: dlq, retryAttempts: 3, maxEventAge: Duration.hours(2) };

    good = new events.Rule(stack, 'Good', { schedule: SCHEDULE, targets: [new targets.SqsQueue(work, bounded), new targets.SnsTopic(topic, bounded)] });
    noDlq = new events.Rule(stack, 'NoDlq', { schedule: SCHEDULE, targets: [new targets.SnsTopic(topic, { retryAttempts: 3 })] });
    noRetries = new events.Rule(stack, 'NoRetries', { schedule: SCHEDULE, targets: [new targets.SnsTopic(topic, { deadLetterQueue: dlq, retryAttempts: 0 })] });
    oneBadTarget = new events.Rule(stack, 'OneBadTarget', { schedule: SCHEDULE, targets: [new targets.SnsTopic(topic, bounded), new targets.SqsQueue(work)] });
    noTargets = new events.Rule(stack, 'NoTargets', { schedule: SCHEDULE });

    const retryPolicy = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 };
    const dlqArn = new CfnParameter(stack, 'DlqArn', { type: 'String' });
    paramDlq = new events.CfnRule(stack, 'ParamDlq', {
      scheduleExpression: 'rate(1 hour)',
      targets: [{ id: 'T', arn: topic.topicArn, deadLetterConfig: { arn: dlqArn.valueAsString }, retryPolicy }],
    });
    literalDlq = new events.CfnRule(stack, 'LiteralDlq', {
      scheduleExpression: 'rate(1 hour)',
      targets: [{ id: 'T', arn: topic.topicArn, deadLetterConfig: { arn: 'arn:aws:sqs:eu-west-1:111111111111:somewhere' }, retryPolicy }],
    });
    topicDlq = new events.CfnRule(stack, 'TopicDlq', {
      scheduleExpression: 'rate(1 hour)',
      targets: [{ id: 'T', arn: work.queueArn, deadLetterConfig: { arn: topic.topicArn }, retryPolicy }],
    });
    const withRetries = new CfnCondition(stack, 'WithRetries', { expression: Fn.conditionEquals(new CfnParameter(stack, 'Retries', { type: 'String' }).valueAsString, 'yes') });
    conditionalRetry = new events.CfnRule(stack, 'ConditionalRetry', {
      scheduleExpression: 'rate(1 hour)',
      targets: [{ id: 'T', arn: topic.topicArn, deadLetterConfig: { arn: dlq.queueArn }, // Inside an intrinsic the L1 does not rename keys: the branch is written as CloudFormation has it.
      retryPolicy: Fn.conditionIf(withRetries.logicalId, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 }, Fn.ref('AWS::NoValue')) as any }],
    });
  });

  test('targets with an SQS dead-letter queue of the app and bounded retries are compliant', () => {
    expect(check(rule, good)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a target without a dead-letter queue, or with 0 retries, is non-compliant and the finding names property and value', () => {
    expect(check(rule, noDlq)).toEqual([expect.stringMatching(/Targets\[0\] \(Id "Target0"\) DeadLetterConfig\.Arn is not set, needs a Ref\/GetAtt of an AWS::SQS::Queue/)]);
    expect(check(rule, noRetries)).toEqual([expect.stringMatching(/RetryPolicy\.MaximumRetryAttempts is 0, needs 1-185/)]);
  });

  test('one bad target among good ones fails the rule, naming the bad one only', () => {
    const result = check(rule, oneBadTarget) as string[];
    expect(result).toHaveLength(1);
    expect(result[0]).toMatch(/Targets\[1\] \(Id "Target1"\) DeadLetterConfig\.Arn is not set.*Targets\[1\] \(Id "Target1"\) RetryPolicy is not set/);
    expect(result[0]).not.toMatch(/Targets\[0\]/);
  });

  test('a dead-letter ARN from a parameter, a literal ARN, or a non-queue resource does not count', () => {
    expect(check(rule, paramDlq)).toEqual([expect.stringMatching(/DeadLetterConfig\.Arn is Ref DlqArn \(not readable from the template\)/)]);
    expect(check(rule, literalDlq)).toEqual([expect.stringMatching(/DeadLetterConfig\.Arn is "arn:aws:sqs:eu-west-1:111111111111:somewhere"/)]);
    expect(check(rule, topicDlq)).toEqual([expect.stringMatching(/DeadLetterConfig\.Arn is a AWS::SNS::Topic/)]);
  });

  test('a RetryPolicy behind Fn::If with an AWS::NoValue branch is non-compliant in that world', () => {
    expect(check(rule, conditionalRetry)).toEqual([expect.stringMatching(/^Targets\[0\] \(Id "T"\) RetryPolicy is not set, needs .* \(where Retries = "yes" is false\)$/)]);
  });

  test('a rule without targets is not applicable', () => {
    expect(check(rule, noTargets)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('the Readiness pack flags exactly the rules with an undead-lettered or unbounded target', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(
      ['UserStack/ConditionalRetry', 'UserStack/LiteralDlq', 'UserStack/NoDlq/Resource', 'UserStack/NoRetries/Resource', 'UserStack/OneBadTarget/Resource', 'UserStack/ParamDlq', 'UserStack/TopicDlq'].sort(),
    );
  });
});
