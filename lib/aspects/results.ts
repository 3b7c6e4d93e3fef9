import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import type { EvidenceItem } from './analysis/evidence';

/** What one rule said about one resource (or, for a scope rule, one scope). */
export type Compliance = 'compliant' | 'non-compliant' | 'not-applicable' | 'error';

/** One rule evaluation, kept for the report: compliant results are evidence, the rest are findings. */
export interface RuleResult {
  /** `Readiness-DB-HA`, `AwsSolutions-RDS3`: the rule as published (no `[finding]` suffix). */
  readonly ruleId: string;
  /** `Readiness-X[finding]` when the rule returned named findings; otherwise the rule ID. */
  readonly findingId: string;
  readonly compliance: Compliance;
  readonly level: 'error' | 'warning';
  /** Acknowledged (waived) on the resource or an ancestor: it does not fail synth. */
  readonly acknowledged: boolean;
  readonly message: string;
  /** The resource, or the scope for a scope rule. */
  readonly construct: IConstruct;
  /** Free-text evidence notes. */
  readonly notes?: readonly string[];
  /** Evidence a scope rule supplied (used instead of the construct itself). */
  readonly evidence?: readonly EvidenceItem[];
  /** Compliant on a declaration that still has to be proven live: the control is `conditional` with this reason. */
  readonly conditional?: string;
  /** A warning the user's policy allows (the rule's `levelPolicy`, e.g. `customerManagedKeys 'preferred'`): listed, not counted as missing. */
  readonly allowedBy?: string;
}

export function complianceOf(result: NagRuleResult | undefined, error: unknown): Compliance[] {
  if (error !== undefined) return ['error'];
  if (Array.isArray(result)) return result.length === 0 ? ['compliant'] : result.map(() => 'non-compliant');
  if (result === NagRuleCompliance.COMPLIANT) return ['compliant'];
  if (result === NagRuleCompliance.NON_COMPLIANT) return ['non-compliant'];
  return ['not-applicable'];
}

export function isFailure(r: RuleResult): boolean {
  return r.compliance === 'non-compliant' || r.compliance === 'error';
}

export function isCfn(construct: IConstruct): construct is CfnResource {
  return CfnResource.isCfnResource(construct);
}
