import { IConstruct } from 'constructs';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { ResourceRule, ruleIdOf } from '../../../../lib/aspects/rule';
import { StageName } from '../../../../lib/config/stage-config';

/** Construct paths the Readiness pack flags for `rule` under `scope`, findings (`Rule[finding]`) included. */
export function flaggedPaths(rule: ResourceRule, scope: IConstruct, stage: StageName = 'prod', settings: Record<string, unknown> = {}): string[] {
  const id = ruleIdOf(rule);
  const report = new ReadinessChecks(undefined, { stage, rules: [rule], settings }).validateScope(scope);
  return [...new Set(report.violations.filter((v) => v.ruleName === id || v.ruleName.startsWith(`${id}[`)).flatMap((v) => v.violatingResources.map((r) => r.constructPath!)))];
}
