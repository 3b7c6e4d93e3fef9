/**
 * The capacity plan: how many concurrent users a service must carry and how many one task sustains.
 * Constructs record it as CloudFormation Metadata on the ECS service, so that Readiness-CAPACITY reads
 * the plan from the template (next to the scalable target's MaxCapacity) and not from a construct class.
 */

/** Gap analysis 3.1: "Proven ability to handle 10k concurrent users". */
export const DEFAULT_TARGET_CONCURRENT_USERS = 10_000;

/** Metadata key on the `AWS::ECS::Service` resource. */
export const CAPACITY_PLAN_METADATA_KEY = 'Readiness:CapacityPlan';

export interface CapacityPlanMetadata {
  /** Concurrent users the service must carry. */
  readonly targetConcurrentUsers: number;
  /** Concurrent users one task sustains (measured by load test). */
  readonly concurrencyPerTask: number;
}

export interface CapacityArithmetic extends CapacityPlanMetadata {
  readonly maxTasks: number;
  /** maxTasks x concurrencyPerTask. */
  readonly capacity: number;
  readonly meetsTarget: boolean;
  /** Tasks needed: ceil(target / concurrencyPerTask). */
  readonly tasksNeeded: number;
}

/** The arithmetic the rule and the report show. */
export function capacityArithmetic(plan: CapacityPlanMetadata, maxTasks: number): CapacityArithmetic {
  const capacity = maxTasks * plan.concurrencyPerTask;
  return {
    ...plan,
    maxTasks,
    capacity,
    meetsTarget: capacity >= plan.targetConcurrentUsers,
    tasksNeeded: Math.ceil(plan.targetConcurrentUsers / plan.concurrencyPerTask),
  };
}

/** One line, e.g. "24 tasks x 500 users/task = 12000 >= 10000 target". */
export function describeCapacity(a: CapacityArithmetic): string {
  return `${a.maxTasks} tasks x ${a.concurrencyPerTask} users/task = ${a.capacity} ${a.meetsTarget ? '>=' : '<'} ${a.targetConcurrentUsers} target` +
    (a.meetsTarget ? '' : ` (needs at least ${a.tasksNeeded} tasks)`);
}
