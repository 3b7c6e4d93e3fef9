import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { numberOf, prop } from '../../rule-helpers';
import { ResourceRule, resourceRule, RuleContext } from '../../rule';
import { CAPACITY_PLAN_METADATA_KEY, capacityArithmetic, CapacityArithmetic, DEFAULT_TARGET_CONCURRENT_USERS } from '../../../constructs/service/capacity-plan';
import { metadataOf, scalableTargetsOf } from '../../analysis/references';

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** The stage's target: the stage config's, else the plan's own, else the gap analysis' 10,000. */
export function targetConcurrentUsers(context: Pick<RuleContext, 'config'> | undefined, planTarget: unknown): number {
  const configured: unknown = context?.config?.service?.capacity?.targetConcurrentUsers;
  if (positiveInt(configured)) return configured;
  return positiveInt(planTarget) ? planTarget : DEFAULT_TARGET_CONCURRENT_USERS;
}

/**
 * The capacity arithmetic of one ECS service, read from the template: the plan in its Metadata and the
 * MaxCapacity of its scalable target (DesiredCount when it does not autoscale). `undefined` when the
 * plan or the task ceiling is missing or unreadable.
 */
export function capacityOf(node: CfnResource, context?: Pick<RuleContext, 'config'>): CapacityArithmetic | undefined {
  const plan = metadataOf(node)[CAPACITY_PLAN_METADATA_KEY] as { targetConcurrentUsers?: unknown; concurrencyPerTask?: unknown } | undefined;
  if (!plan || !positiveInt(plan.concurrencyPerTask)) return undefined;
  const maxima = scalableTargetsOf(node).map((t) => numberOf(t, prop(t, 'MaxCapacity')));
  const ceiling = maxima.length > 0 ? (maxima.every((m) => m !== undefined) ? Math.max(...(maxima as number[])) : undefined) : numberOf(node, prop(node, 'DesiredCount'));
  if (ceiling === undefined) return undefined;
  return capacityArithmetic({ targetConcurrentUsers: targetConcurrentUsers(context, plan.targetConcurrentUsers), concurrencyPerTask: plan.concurrencyPerTask }, ceiling);
}

/**
 * Readiness-CAPACITY: every user-facing ECS service (behind a load balancer, or carrying a plan)
 * declares its capacity plan (`Readiness:CapacityPlan` Metadata: concurrency one task sustains) and its
 * maximum task count times that concurrency reaches the target concurrent users (10,000 by default).
 */
export const CapacityPlanMet: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'CAPACITY',
  controlId: 'CAPACITY',
  category: 'operations',
  resourceTypes: ['AWS::ECS::Service'],
  info: 'The service cannot carry the target concurrent users: max tasks x concurrency per task falls short, or no capacity plan is declared.',
  explanation:
    'Gap 3.1 requires a "proven ability to handle 10k concurrent users" and gap 9.4 proactive capacity planning. ' +
    `Record the load-tested concurrency per task as Metadata "${CAPACITY_PLAN_METADATA_KEY}": { concurrencyPerTask } on the service ` +
    '(ProtectedService does it from config service.capacity) and raise the scalable target MaxCapacity to at least ceil(target / concurrencyPerTask).',
  test: 'test/aspects/rules/service/capacity-plan-met.test.ts',
  check: (node: CfnResource, context: RuleContext) => {
    const hasPlan = metadataOf(node)[CAPACITY_PLAN_METADATA_KEY] !== undefined;
    const balancers = prop(node, 'LoadBalancers');
    const userFacing = balancers !== undefined && (!Array.isArray(balancers) || balancers.length > 0);
    if (!hasPlan && !userFacing) return NagRuleCompliance.NOT_APPLICABLE;
    const arithmetic = capacityOf(node, context);
    return arithmetic?.meetsTarget ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
