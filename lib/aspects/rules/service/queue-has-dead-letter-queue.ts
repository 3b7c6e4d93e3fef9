import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { memoPerRun, numberOf, prop, rendered, resourcesOfType } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { referenceTest } from '../../analysis/references';

/** Most receives before a message is dead-lettered: more turns a poison message into a retry storm. */
export const MAX_RECEIVE_COUNT = 10;

const DEAD_LETTER_CONSUMER_TYPES = [
  'AWS::SQS::Queue',
  'AWS::Lambda::Function',
  'AWS::SNS::Subscription',
  'AWS::Events::Rule',
  'AWS::Pipes::Pipe',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Scheduler::Schedule',
];

/** Every object under a key named like "dead letter" (deadLetterTargetArn, DeadLetterConfig...), depth first. */
function deadLetterValues(resource: CfnResource): object[] {
  const found: object[] = [];
  const walk = (value: unknown, underDeadLetterKey: boolean): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, underDeadLetterKey);
    } else if (value && typeof value === 'object') {
      if (underDeadLetterKey) found.push(value);
      for (const [k, v] of Object.entries(value)) walk(v, underDeadLetterKey || /dead.?letter/i.test(k));
    }
  };
  walk(rendered(resource).Properties, false);
  return found;
}

/**
 * True when some resource of the app uses the queue as a dead-letter target (queue redrive, Lambda,
 * SNS, EventBridge...): some value under a dead-letter key refers to it. Every queue without a
 * redrive policy asks this of the whole app, so the app's dead-letter values are collected once per run.
 */
function isDeadLetterTarget(queue: CfnResource): boolean {
  const root = queue.node.root;
  const consumers = memoPerRun(root, 'queue-dlq:dead-letter-values', () =>
    DEAD_LETTER_CONSUMER_TYPES.flatMap((type) => resourcesOfType(root, type))
      .map((resource) => ({ resource, stack: Stack.of(resource), values: deadLetterValues(resource) }))
      .filter((c) => c.values.length > 0),
  );
  const refers = referenceTest(queue);
  return consumers.some((c) => c.resource !== queue && c.values.some((value) => refers(c.stack, value)));
}

/**
 * Readiness-ASYNC-QUEUE: every SQS work queue moves poison messages to a dead-letter queue after a
 * bounded number of receives (1-10). Queues that are themselves dead-letter targets are not applicable.
 */
export const QueueHasDeadLetterQueue: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ASYNC-QUEUE',
  controlId: 'ASYNC-QUEUE',
  category: 'operations',
  resourceTypes: ['AWS::SQS::Queue'],
  info: `The SQS queue has no dead-letter queue with a maxReceiveCount of 1 to ${MAX_RECEIVE_COUNT}.`,
  explanation:
    'Without a dead-letter queue a message that always fails is retried until it expires and blocks or slows the work behind it (gap 3.5: "Implement retry logic"). ' +
    `Set deadLetterQueue: { queue, maxReceiveCount: 1-${MAX_RECEIVE_COUNT} } (lib/constructs/worker QueueWorker does).`,
  test: 'test/aspects/rules/service/queue-has-dead-letter-queue.spec.ts',
  check: (node: CfnResource) => {
    const redrive = prop(node, 'RedrivePolicy') as Record<string, unknown> | undefined;
    if (redrive && typeof redrive === 'object') {
      const count = numberOf(node, redrive.maxReceiveCount);
      const hasTarget = redrive.deadLetterTargetArn !== undefined;
      return hasTarget && count !== undefined && count >= 1 && count <= MAX_RECEIVE_COUNT ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    return isDeadLetterTarget(node) ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.NON_COMPLIANT;
  },
});
