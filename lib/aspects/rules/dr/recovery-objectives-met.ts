import { IConstruct } from 'constructs';
import { compareWithTargets, estimateRecovery, fmt, missedObjectives } from '../../analysis/estimate';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';

/**
 * Readiness-RTO-RPO: for each failure scope (instance, AZ, region) the recovery point and time the
 * synthesized data tier achieves, estimated from published AWS figures, meet the config targets.
 */
export const RecoveryObjectivesMet: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'RTO-RPO',
  controlId: 'RTO-RPO',
  category: 'operations',
  info: 'An estimated recovery point or recovery time misses its target (dr.targets) for a failure scope.',
  explanation:
    'The estimate is computed from the synthesized resources (readers, Multi-AZ, backup copies, global database) and the figures in lib/aspects/analysis/figures.ts. ' +
    'Meet a regional RPO below the copy interval with dr.mode "global-database", or copy more often (dr.copyFrequencyHours); meet an AZ RTO with a reader in another AZ; ' +
    'or change the target in config if the business accepts it.',
  test: 'test/aspects/rules/dr/recovery-objectives-met.test.ts',
  check: (scope: IConstruct, context: RuleContext): ScopeRuleResult => {
    const config = context.config;
    if (!config?.dr?.targets) {
      return { compliant: false, findings: ['No recovery targets: pass the stage config (dr.targets) to the readiness checks.'], evidence: [] };
    }
    const comparisons = compareWithTargets(estimateRecovery(scope, config.dr), config.dr.targets);
    const missed = missedObjectives(comparisons);
    const evidence = comparisons.flatMap((c) =>
      c.components.map((component) => ({
        ...component.resource,
        note: `${c.scope}: RPO ${fmt(c.rpoMinutes)} (target ${fmt(c.target.rpoMinutes)}), RTO ${fmt(c.rtoMinutes)} (target ${fmt(c.target.rtoMinutes)}); ${component.arithmetic}`,
      })),
    );
    return { compliant: missed.length === 0, findings: missed, evidence };
  },
});
