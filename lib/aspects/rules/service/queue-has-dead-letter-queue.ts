import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { numberOf, prop, rendered, resourcesOfType } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { refersTo } from './references';

/** Most receives before a message is dead-lettered: more turns a poison message into a retry storm. */
export const MAX_RECEIVE_COUNT = 10;

/** True when some resource of the app uses the queue as a dead-letter target (queue redrive, Lambda, SNS, EventBridge...). */
function isDeadLetterTarget(queue: CfnResource): boolean {
  const visit = (value: unknown, underDeadLetterKey: boolean, consumer: Stack): boolean => {
    if (Array.isArray(value)) return value.some((v) => visit(v, underDeadLetterKey, consumer));
    if (value && typeof value === 'object') {
      if (underDeadLetterKey && refersTo(consumer, value, queue)) return true;
      return Object.entries(value).some(([k, v]) => visit(v, underDeadLetterKey || /dead.?letter/i.test(k), consumer));
    }
    return false;
  };
  return resourcesOfType(queue.node.root, 'AWS::SQS::Queue')
    .concat(resourcesOfType(queue.node.root, 'AWS::Lambda::Function'), resourcesOfType(queue.node.root, 'AWS::SNS::Subscription'), resourcesOfType(queue.node.root, 'AWS::Events::Rule'), resourcesOfType(queue.node.root, 'AWS::Pipes::Pipe'), resourcesOfType(queue.node.root, 'AWS::Lambda::EventSourceMapping'), resourcesOfType(queue.node.root, 'AWS::Lambda::EventInvokeConfig'), resourcesOfType(queue.node.root, 'AWS::Scheduler::Schedule'))
    .some((r) => r !== queue && visit(rendered(r).Properties, false, Stack.of(r)));
}

/**
 * Readiness-ASYNC-QUEUE: every SQS work queue moves poison messages to a dead-letter queue after a
 * bounded number of receives (1-10). Queues that are themselves dead-letter targets are not applicable.
 */
export const QueueHasDeadLetterQueue: ResourceRule = {
  kind: 'resource',
  id: 'ASYNC-QUEUE',
  controlId: 'ASYNC-QUEUE',
  category: 'operations',
  resourceTypes: ['AWS::SQS::Queue'],
  info: `The SQS queue has no dead-letter queue with a maxReceiveCount of 1 to ${MAX_RECEIVE_COUNT}.`,
  explanation:
    'Without a dead-letter queue a message that always fails is retried until it expires and blocks or slows the work behind it (gap 3.5: "Implement retry logic"). ' +
    `Set deadLetterQueue: { queue, maxReceiveCount: 1-${MAX_RECEIVE_COUNT} } (lib/constructs/worker QueueWorker does).`,
  test: 'test/aspects/rules/service/queue-has-dead-letter-queue.test.ts',
  check: (node: CfnResource) => {
    const redrive = prop(node, 'RedrivePolicy') as Record<string, unknown> | undefined;
    if (redrive && typeof redrive === 'object') {
      const count = numberOf(node, redrive.maxReceiveCount);
      const hasTarget = redrive.deadLetterTargetArn !== undefined;
      return hasTarget && count !== undefined && count >= 1 && count <= MAX_RECEIVE_COUNT ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    return isDeadLetterTarget(node) ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.NON_COMPLIANT;
  },
};
