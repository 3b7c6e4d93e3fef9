import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { numberOf, prop } from '../../rule-helpers';
import { ResourceRule, resourceRule, RuleContext } from '../../rule';
import { CAPACITY_PLAN_METADATA_KEY, capacityArithmetic, CapacityArithmetic, DEFAULT_TARGET_CONCURRENT_USERS, DEFAULT_TARGET_CONCURRENT_USERS_BY_STAGE, describeCapacity } from '../../../constructs/service/capacity-plan';
import { metadataOf, scalableTargetsOf } from '../../analysis/references';

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * The target a service must carry: the stage config's, else the stage target (`enforceReadiness({ targets })`
 * or readiness.json `targets.<stage>`, read from `settings.readinessTargets`), else the plan's own, else the
 * stage default (DEFAULT_TARGET_CONCURRENT_USERS_BY_STAGE: 10,000 in prod and staging, 100 in dev).
 */
export function targetConcurrentUsers(context: Pick<RuleContext, 'stage' | 'config' | 'settings'> | undefined, planTarget: unknown): number {
  const configured: unknown = context?.config?.service?.capacity?.targetConcurrentUsers;
  if (positiveInt(configured)) return configured;
  const staged = (context?.settings?.readinessTargets as { targetConcurrentUsers?: unknown } | undefined)?.targetConcurrentUsers;
  if (positiveInt(staged)) return staged;
  if (positiveInt(planTarget)) return planTarget;
  return context ? DEFAULT_TARGET_CONCURRENT_USERS_BY_STAGE[context.stage] ?? DEFAULT_TARGET_CONCURRENT_USERS : DEFAULT_TARGET_CONCURRENT_USERS;
}

/** Why the capacity of a service cannot be proven, one finding each naming the resource, the property and the value (empty: it can). */
export function capacityFindings(node: CfnResource, context?: Pick<RuleContext, 'stage' | 'config' | 'settings'>): string[] {
  const plan = metadataOf(node)[CAPACITY_PLAN_METADATA_KEY] as { concurrencyPerTask?: unknown } | undefined;
  if (!plan) {
    return [
      `${node.node.path}: no capacity plan (Metadata "${CAPACITY_PLAN_METADATA_KEY}" is missing). Declare it: ` +
        `declareCapacity(service, { concurrencyPerTask: <users one task sustains in a load test> }) from the readiness library, ` +
        `or Metadata "${CAPACITY_PLAN_METADATA_KEY}": { "concurrencyPerTask": <n> } on the AWS::ECS::Service.`,
    ];
  }
  if (!positiveInt(plan.concurrencyPerTask)) {
    return [`${node.node.path}: Metadata "${CAPACITY_PLAN_METADATA_KEY}".concurrencyPerTask = ${JSON.stringify(plan.concurrencyPerTask)} is not a positive integer.`];
  }
  const targets = scalableTargetsOf(node);
  const unreadable = targets.filter((t) => numberOf(t, prop(t, 'MaxCapacity')) === undefined);
  if (unreadable.length > 0) {
    return unreadable.map((t) => `${t.node.path}: MaxCapacity = ${JSON.stringify(prop(t, 'MaxCapacity') ?? null)} cannot be read as a number, so the task ceiling of ${node.node.path} is unknown. Fix: a literal MaxCapacity.`);
  }
  if (targets.length === 0 && numberOf(node, prop(node, 'DesiredCount')) === undefined) {
    return [`${node.node.path}: no scalable target and DesiredCount = ${JSON.stringify(prop(node, 'DesiredCount') ?? null)} cannot be read as a number, so the task ceiling is unknown. Fix: autoscale the service (MaxCapacity) or set a literal DesiredCount.`];
  }
  const a = capacityOf(node, context);
  return a && !a.meetsTarget ? [`${node.node.path}: ${describeCapacity(a)}. Fix: raise the scalable target's MaxCapacity to ${a.tasksNeeded}, or prove more users per task.`] : [];
}

/**
 * The capacity arithmetic of one ECS service, read from the template: the plan in its Metadata and the
 * MaxCapacity of its scalable target (DesiredCount when it does not autoscale). `undefined` when the
 * plan or the task ceiling is missing or unreadable.
 */
export function capacityOf(node: CfnResource, context?: Pick<RuleContext, 'stage' | 'config' | 'settings'>): CapacityArithmetic | undefined {
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
 * maximum task count times that concurrency reaches the target concurrent users (stage defaults:
 * 10,000 in prod and staging, 100 in dev). Declare the plan with `declareCapacity(service, { concurrencyPerTask })`.
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
    `Record the load-tested concurrency per task with declareCapacity(service, { concurrencyPerTask }) (Metadata "${CAPACITY_PLAN_METADATA_KEY}" on the service) ` +
    '(ProtectedService does it from config service.capacity) and raise the scalable target MaxCapacity to at least ceil(target / concurrencyPerTask).',
  test: 'test/aspects/rules/service/capacity-plan-met.spec.ts',
  check: (node: CfnResource, context: RuleContext) => {
    const hasPlan = metadataOf(node)[CAPACITY_PLAN_METADATA_KEY] !== undefined;
    const balancers = prop(node, 'LoadBalancers');
    const userFacing = balancers !== undefined && (!Array.isArray(balancers) || balancers.length > 0);
    if (!hasPlan && !userFacing) return NagRuleCompliance.NOT_APPLICABLE;
    const arithmetic = capacityOf(node, context);
    if (arithmetic?.meetsTarget) return NagRuleCompliance.COMPLIANT;
    const findings = capacityFindings(node, context);
    return findings.length > 0 ? findings : NagRuleCompliance.NON_COMPLIANT;
  },
});
