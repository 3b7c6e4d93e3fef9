import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { numberOf, prop, shown, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { elementsOf, referencedResource } from '../intrinsics';

/** Fewest retries a target's RetryPolicy may set: 0 drops an event on the first failed delivery. */
export const MIN_EVENT_RETRY_ATTEMPTS = 1;
/** Shortest event age (seconds) a target's RetryPolicy may set: EventBridge's own minimum, one minute of retrying. */
export const MIN_EVENT_AGE_SECONDS = 60;
/** EventBridge's upper bounds (MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400). */
const MAX_EVENT_RETRY_ATTEMPTS = 185;
const MAX_EVENT_AGE_SECONDS = 86400;

const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Findings for one target of the rule (`Targets[i] (Id "x")`). */
function targetFindings(node: CfnResource, target: unknown, where: string): string[] {
  const t = record(target);
  if (!t) return [`${where} is ${shown(node, target)}, needs a target with DeadLetterConfig and RetryPolicy`];
  const out: string[] = [];
  const dlc = record(t.DeadLetterConfig);
  const arn = dlc?.Arn;
  const queue = arn === undefined ? undefined : referencedResource(node, arn);
  if (!queue || queue.cfnResourceType !== 'AWS::SQS::Queue') {
    const what = queue ? `a ${queue.cfnResourceType}` : shown(node, arn);
    out.push(`${where} DeadLetterConfig.Arn is ${what}, needs a Ref/GetAtt of an AWS::SQS::Queue of the app`);
  }
  const retry = record(t.RetryPolicy);
  if (!retry || (retry.MaximumRetryAttempts === undefined && retry.MaximumEventAgeInSeconds === undefined)) {
    out.push(`${where} RetryPolicy is ${retry ? 'empty' : shown(node, t.RetryPolicy)}, needs MaximumRetryAttempts >= ${MIN_EVENT_RETRY_ATTEMPTS} and/or MaximumEventAgeInSeconds >= ${MIN_EVENT_AGE_SECONDS}`);
    return out;
  }
  const bounded = (name: string, value: unknown, min: number, max: number) => {
    if (value === undefined) return;
    const n = numberOf(node, value);
    if (n === undefined || n < min || n > max) out.push(`${where} RetryPolicy.${name} is ${shown(node, value)}, needs ${min}-${max}`);
  };
  bounded('MaximumRetryAttempts', retry.MaximumRetryAttempts, MIN_EVENT_RETRY_ATTEMPTS, MAX_EVENT_RETRY_ATTEMPTS);
  bounded('MaximumEventAgeInSeconds', retry.MaximumEventAgeInSeconds, MIN_EVENT_AGE_SECONDS, MAX_EVENT_AGE_SECONDS);
  return out;
}

/**
 * Readiness-EVENT-TARGET-DLQ: every target of an EventBridge rule keeps the events it could not deliver
 * in an SQS dead-letter queue of the app and retries within bounds (RetryPolicy with MaximumRetryAttempts
 * 1-185 and/or MaximumEventAgeInSeconds 60-86400). No target type is exempt: EventBridge dead-letters
 * failed deliveries to every target kind (Lambda, SNS, SQS, CloudWatch Logs, Step Functions, API
 * destinations...), and a lost security finding or restore-test result is lost silently.
 * A rule without targets is not applicable. Operations category: an error in prod, a warning elsewhere.
 */
export const EventTargetDeadLettered: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'EVENT-TARGET-DLQ',
  controlId: 'ASYNC-QUEUE',
  category: 'operations',
  resourceTypes: ['AWS::Events::Rule'],
  info: 'An EventBridge rule target has no SQS dead-letter queue of the app or no bounded RetryPolicy.',
  explanation:
    'EventBridge drops an event it cannot deliver after its retries; without a dead-letter queue nobody knows (gap 3.5: "Implement retry logic"). ' +
    `Give every target deadLetterQueue (an sqs.Queue of the app), retryAttempts >= ${MIN_EVENT_RETRY_ATTEMPTS} and/or maxEventAge >= ${MIN_EVENT_AGE_SECONDS} s ` +
    '(aws-events-targets props; lib/constructs/observability SecurityFindingsRouting does).',
  test: 'test/aspects/rules/service/event-target-dead-lettered.spec.ts',
  check: (node: CfnResource) => {
    const raw = prop(node, 'Targets');
    if (raw === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const targets = elementsOf(node, raw);
    if (targets === undefined) return [`Targets is ${shown(node, raw)}, needs a list of targets the template shows`];
    if (targets.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return verdict(
      targets.flatMap((t, i) => {
        const id = record(t)?.Id;
        return targetFindings(node, t, `Targets[${i}]${id !== undefined ? ` (Id ${shown(node, id)})` : ''}`);
      }),
    );
  },
});
