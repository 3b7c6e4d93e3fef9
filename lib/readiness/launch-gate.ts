/**
 * The gate's verdicts over one evaluation: the launch gate (Critical controls missing, or not
 * applicable without a declaration) and the one summary error that fails a plain `cdk synth`.
 */
import { PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StageName } from '../config/stage-config';
import { ReadinessReport } from './types';

/** A plugin report that fails on errors only (cdk-nag also fails on warnings; dev and staging warn). */
export const policyReport = (violations: PolicyViolation[]): PolicyValidationPluginReport => ({
  success: !violations.some((v) => v.severity === 'error'),
  violations,
});

/** With `gate: 'launch'`, one error naming the blocking Critical controls of the report. */
export function launchViolations(launch: boolean, built: ReadinessReport, constructPath: string): PolicyViolation[] {
  const blocking = built.gate?.blocking ?? [];
  if (!launch || blocking.length === 0) return [];
  return [
    {
      ruleName: 'Readiness-LAUNCH-GATE',
      description:
        `Launch gate: Critical controls are missing, or not applicable without a declaration (notApplicable in the stage config): ` +
        `${blocking.join(', ')}. See the readiness report for each control's reason.`,
      severity: 'error',
      violatingResources: [{ constructPath, locations: [...blocking] }],
    },
  ];
}

/** Errors that fail synth, by rule ID (count of findings). */
export function errorCounts(reports: readonly PolicyValidationPluginReport[]): Map<string, number> {
  const errors = new Map<string, number>();
  for (const r of reports) {
    for (const v of r.violations) {
      if (v.severity === 'error') errors.set(v.ruleName, (errors.get(v.ruleName) ?? 0) + Math.max(1, v.violatingResources.length));
    }
  }
  return errors;
}

/**
 * One error without a construct when any check has an error. The CLI filters findings by the stacks
 * it selected, so findings in stacks nested in Stages would not fail a plain `cdk synth`; a finding
 * without a construct is never filtered.
 */
export function gateSummary(scope: IConstruct, stage: StageName, errors: ReadonlyMap<string, number>): PolicyValidationPluginReport {
  const total = [...errors.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return policyReport([]);
  const where = scope.node.path ? `'${scope.node.path}/**'` : `'**'`;
  return policyReport([
    {
      ruleName: 'Readiness-GATE',
      description:
        `Readiness gate (${stage}, scope ${scope.node.path || 'app'}): ${total} unacknowledged error${total === 1 ? '' : 's'}: ` +
        `${[...errors.entries()].map(([id, n]) => `${id} x${n}`).join(', ')}. ` +
        `See each finding with \`cdk synth ${where}\` and the report in <outdir>/readiness/${stage}.md.`,
      severity: 'error',
      violatingResources: [],
    },
  ]);
}
