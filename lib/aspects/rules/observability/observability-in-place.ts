import { IConstruct } from 'constructs';
import { prop } from '../../rule-helpers';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';
import { evidenceOf } from '../../analysis/evidence';
import { findAllOfType } from '../../analysis/helpers';

/**
 * Readiness-OBSERVABILITY: the stage (or app) has a CloudWatch dashboard with widgets, and every
 * container of every ECS task definition ships its logs (a LogConfiguration), so that metrics and
 * logs exist before the first incident.
 */
export const ObservabilityInPlace: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'OBSERVABILITY',
  controlId: 'OBSERVABILITY',
  category: 'operations',
  info: 'No CloudWatch dashboard with widgets in scope, or an ECS container without a LogConfiguration.',
  explanation:
    'Without dashboards and centralised logs an incident starts with nothing to look at (gap 4.1: "Missing metrics, logs, traces"). ' +
    'Add the Observability stack (or a `cloudwatch.Dashboard` with the golden signals per tier) and give every container a log driver (`ecs.LogDrivers.awsLogs`).',
  test: 'test/aspects/rules/observability/observability-in-place.spec.ts',
  check: (scope: IConstruct, _context: RuleContext): ScopeRuleResult => {
    const findings: string[] = [];
    const dashboards = findAllOfType(scope, 'AWS::CloudWatch::Dashboard').filter((d) => {
      const body = JSON.stringify(prop(d, 'DashboardBody') ?? '');
      return body.includes('widgets') && !body.includes('\\"widgets\\":[]');
    });
    if (dashboards.length === 0) findings.push('There is no AWS::CloudWatch::Dashboard with widgets.');
    const taskDefinitions = findAllOfType(scope, 'AWS::ECS::TaskDefinition');
    for (const td of taskDefinitions) {
      const containers = prop(td, 'ContainerDefinitions');
      const list = Array.isArray(containers) ? containers : [];
      const silent = list.filter((c: any) => !c?.LogConfiguration?.LogDriver).map((c: any) => c?.Name ?? '(unnamed)');
      if (list.length === 0) findings.push(`${td.node.path}: ContainerDefinitions cannot be read.`);
      if (silent.length > 0) findings.push(`${td.node.path}: containers without a LogConfiguration: ${silent.join(', ')}.`);
    }
    const compliant = findings.length === 0;
    return {
      compliant,
      findings,
      evidence: compliant ? [...dashboards.map((d) => evidenceOf(d, 'stage dashboard')), ...taskDefinitions.map((t) => evidenceOf(t, 'every container ships logs'))] : [],
    };
  },
});
