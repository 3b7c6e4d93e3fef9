import { IConstruct } from 'constructs';
import { compareWithTargets, estimateRecovery, fmt, missedObjectives } from '../../analysis/estimate';
import { recoveryPlanOf } from '../../analysis/targets';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';

/**
 * Readiness-RTO-RPO: for each failure scope (instance, AZ, region) the recovery point and time the
 * synthesized data tier achieves, estimated from published AWS figures, meet the targets: the stage
 * config's `dr.targets`, else the stage targets (`enforceReadiness({ targets: { recovery } })`,
 * readiness.json `targets.<stage>.recovery`) over the stage defaults (DEFAULT_RECOVERY_TARGETS).
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
    'or change the target (stage config dr.targets, or targets.<stage>.recovery in readiness.json / enforceReadiness) if the business accepts it; ' +
    'declare measured dataSizeGiB and redeployMinutes there too.',
  test: 'test/aspects/rules/dr/recovery-objectives-met.spec.ts',
  check: (scope: IConstruct, context: RuleContext): ScopeRuleResult => {
    const plan = recoveryPlanOf(context.stage, context.config, context.settings);
    const comparisons = compareWithTargets(estimateRecovery(scope, plan.inputs), plan.targets);
    if (comparisons.every((c) => c.components.length === 0)) {
      // An estimate of nothing would meet every target: no data tier the estimate understands is not proof.
      return {
        compliant: false,
        findings: ['No AWS::RDS::DBCluster or AWS::ElastiCache::ReplicationGroup in scope: the recovery estimate covers those only, so it proves nothing here (other data stores are not estimated).'],
        evidence: [],
      };
    }
    const missed = missedObjectives(comparisons);
    const evidence = comparisons.flatMap((c) =>
      c.components.map((component) => ({
        ...component.resource,
        note: `${c.scope}: RPO ${fmt(c.rpoMinutes)} (target ${fmt(c.target.rpoMinutes)}), RTO ${fmt(c.rtoMinutes)} (target ${fmt(c.target.rtoMinutes)}); ${component.arithmetic}`,
      })),
    );
    return { compliant: missed.length === 0, findings: missed.map((m) => `${m} (targets from ${plan.source})`), evidence };
  },
});
