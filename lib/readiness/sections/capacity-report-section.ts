/**
 * The capacity plan in the readiness report: for every user-facing ECS service, the arithmetic that
 * Readiness-CAPACITY checks (max tasks x concurrency per task against the target concurrent users).
 */
import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RuleContext } from '../../aspects/rule';
import { logicalIdOf, prop, resourcesOfType } from '../../aspects/rule-helpers';
import { describeCapacity, CAPACITY_PLAN_METADATA_KEY, DEFAULT_TARGET_CONCURRENT_USERS_BY_STAGE } from '../../constructs/service/capacity-plan';
import { ReportSection, ReportSectionContext, table } from './section';
import { capacityFindings, capacityOf, targetConcurrentUsers } from '../../aspects/rules/service/capacity-plan-met';
import { metadataOf } from '../../aspects/analysis/references';

export function capacitySection(scope: IConstruct, context: ReportSectionContext): ReportSection | undefined {
  // Only what decides the target is read (stage, config, settings); no pack is run here.
  const ruleContext: Pick<RuleContext, 'stage' | 'config' | 'settings'> = { stage: context.stage, config: context.config, settings: context.settings ?? {} };
  const services = resourcesOfType(scope, 'AWS::ECS::Service').filter((s) => {
    const balancers = prop(s, 'LoadBalancers');
    return metadataOf(s)[CAPACITY_PLAN_METADATA_KEY] !== undefined || (Array.isArray(balancers) && balancers.length > 0);
  });
  if (services.length === 0) return undefined;
  const rows = services.map((s) => {
    const a = capacityOf(s, ruleContext);
    return {
      constructPath: s.node.path,
      stackName: Stack.of(s).stackName,
      logicalId: logicalIdOf(s),
      ...(a ?? {}),
      summary: a ? describeCapacity(a) : capacityFindings(s, ruleContext).join(' '),
    };
  });
  const markdown =
    'Gap 3.1 asks for a proven ability to carry the target concurrent users; Readiness-CAPACITY fails prod synth when max tasks x concurrency per task falls short.\n\n' +
    `Target: ${targetConcurrentUsers(ruleContext, undefined)} concurrent users in ${context.stage} unless a service declares its own ` +
    `(from the stage config, \`enforceReadiness({ targets })\` or readiness.json \`targets.${context.stage}\`; defaults: ` +
    `${Object.entries(DEFAULT_TARGET_CONCURRENT_USERS_BY_STAGE).map(([k, v]) => `${k} ${v}`).join(', ')}: the gap analysis' 10,000 in prod, the same in staging where the load test proves it, 100 in dev). ` +
    'Declare a plan with `declareCapacity(service, { concurrencyPerTask })`.\n\n' +
    table(
      ['Service', 'Concurrency per task', 'Max tasks', 'Capacity', 'Target', 'Tasks needed', 'Meets target', 'Arithmetic'],
      rows.map((r) => [r.constructPath, r.concurrencyPerTask ?? '-', r.maxTasks ?? '-', r.capacity ?? '-', r.targetConcurrentUsers ?? '-', r.tasksNeeded ?? '-', r.meetsTarget ? 'yes' : 'no', r.summary]),
    );
  return { title: 'Capacity plan', markdown, data: rows };
}
