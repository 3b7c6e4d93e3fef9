/**
 * The capacity plan: how many concurrent users a service must carry and how many one task sustains.
 * Constructs record it as CloudFormation Metadata on the ECS service, so that Readiness-CAPACITY reads
 * the plan from the template (next to the scalable target's MaxCapacity) and not from a construct class.
 */

import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StageName } from '../shared/stage-name';
import { assertValid, ValidationRule } from '../../validation/rule-table';

/** Gap analysis 3.1: "Proven ability to handle 10k concurrent users". */
export const DEFAULT_TARGET_CONCURRENT_USERS = 10_000;

/**
 * The target concurrent users of a stage when nothing declares one (no stage target in
 * `enforceReadiness({ targets })` or readiness.json, no target on the service's plan):
 * prod carries the gap analysis' 10,000 users; staging the same, because staging is where the load
 * test proves prod's target; dev 100, the developers and testers of a stage that faces no users
 * (dev findings are warnings).
 */
export const DEFAULT_TARGET_CONCURRENT_USERS_BY_STAGE: Readonly<Record<StageName, number>> = { dev: 100, staging: DEFAULT_TARGET_CONCURRENT_USERS, prod: DEFAULT_TARGET_CONCURRENT_USERS };

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

/** What `declareCapacity` records. */
export interface CapacityDeclaration {
  /** Concurrent users one task sustains, measured by a load test: a positive integer. */
  readonly concurrencyPerTask: number;
  /**
   * Concurrent users this service must carry.
   * @default - the stage's target (`enforceReadiness({ targets })`, readiness.json `targets`), else the
   * stage default: 10,000 in prod and staging, 100 in dev
   */
  readonly targetConcurrentUsers?: number;
}

const positiveInteger = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const DECLARATION_RULES: readonly ValidationRule<CapacityDeclaration>[] = [
  { field: 'concurrencyPerTask', value: (d) => d.concurrencyPerTask, check: positiveInteger, fix: 'the concurrent users one task sustains in a load test, a positive integer (e.g. 500)' },
  { field: 'targetConcurrentUsers', value: (d) => d.targetConcurrentUsers, check: (v) => v === undefined || positiveInteger(v), fix: 'a positive integer (e.g. 10000), or leave it out for the stage target' },
];

/**
 * Declares the capacity plan of an ECS service (an L2 `FargateService`/`Ec2Service`, or an L1
 * `CfnService`) as Metadata `Readiness:CapacityPlan` on its `AWS::ECS::Service` resource, where
 * Readiness-CAPACITY reads it next to the scalable target's MaxCapacity (or DesiredCount). Returns the
 * resource. Throws one error naming each bad field, or when `service` has no `AWS::ECS::Service`.
 */
export function declareCapacity(service: IConstruct, declaration: CapacityDeclaration): CfnResource {
  assertValid(`declareCapacity(${service.node.path})`, declaration, DECLARATION_RULES);
  const resource = CfnResource.isCfnResource(service) ? service : service.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource) || resource.cfnResourceType !== 'AWS::ECS::Service') {
    throw new Error(`declareCapacity(${service.node.path}): not an ECS service (no AWS::ECS::Service resource). Fix: pass the FargateService, Ec2Service or CfnService.`);
  }
  resource.addMetadata(CAPACITY_PLAN_METADATA_KEY, {
    concurrencyPerTask: declaration.concurrencyPerTask,
    ...(declaration.targetConcurrentUsers !== undefined ? { targetConcurrentUsers: declaration.targetConcurrentUsers } : {}),
  });
  return resource;
}
