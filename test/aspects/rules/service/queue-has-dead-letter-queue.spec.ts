import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { QueueHasDeadLetterQueue as rule } from '../../../../lib/aspects/rules/service/queue-has-dead-letter-queue';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-ASYNC-QUEUE', () => {
  let stack: Stack;
  let work: sqs.Queue;
  let dlq: sqs.Queue;
  let bare: sqs.Queue;
  let unbounded: sqs.CfnQueue;
  let lambdaDlq: sqs.Queue;

  beforeAll(() => {
    stack = userStack();
    dlq = new sqs.Queue(stack, 'Dlq');
    work = new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    bare = new sqs.Queue(stack, 'Bare');
    unbounded = new sqs.CfnQueue(stack, 'Unbounded', { redrivePolicy: { deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 1000 } });
    lambdaDlq = new sqs.Queue(stack, 'FunctionDlq');
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}'), deadLetterQueue: lambdaDlq });
  });

  test('a work queue with a dead-letter queue after 5 receives is compliant', () => {
    expect(check(rule, work)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a queue without a dead-letter queue, or with an unbounded receive count, is non-compliant', () => {
    expect(check(rule, bare)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, unbounded)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('dead-letter queues themselves (of a queue or a Lambda function) are not applicable', () => {
    expect(check(rule, dlq)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, lambdaDlq)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('the Readiness pack flags exactly the queues without bounded retries', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['UserStack/Bare/Resource', 'UserStack/Unbounded']);
  });
});
