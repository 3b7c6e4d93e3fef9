/**
 * The contract every Readiness rule follows.
 *
 * - A ResourceRule looks at one synthesized CfnResource (and, for cross-resource controls, the
 *   stack or app around it) and answers like a cdk-nag rule: COMPLIANT, NON_COMPLIANT,
 *   NOT_APPLICABLE, or a list of findings. It treats a missing property as non-compliant and a value
 *   it cannot resolve as non-compliant too (never as compliant).
 * - A ScopeRule looks at a whole stage (or app): "the stage has a multi-region trail".
 *
 * Rules live one per file under `lib/aspects/rules/<area>/`, are named after the compliant state,
 * and are registered in `lib/aspects/rules/index.ts`.
 */
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { StageName } from '../config/stage-config';
import { EvidenceItem } from '../readiness/types';

/**
 * How a finding's level is chosen per stage: prod makes every finding an error; staging makes
 * `ha` and `security` errors; dev makes only `security` (encryption and secrets) errors.
 */
export type RuleCategory = 'ha' | 'security' | 'operations';

/** Stage-dependent thresholds the rules read. */
export interface RuleContext {
  readonly stage: StageName;
  /** Minimum backup retention in days for databases (prod: the configured value). */
  readonly minBackupRetentionDays: number;
  /** Maximum days between secret rotations. */
  readonly maxRotationDays: number;
  /**
   * Fewest distinct availability zones a compute platform (ECS service, Auto Scaling group, EKS node group)
   * must span: 3 in prod, 2 elsewhere.
   * @default - the stage's value in MIN_AVAILABILITY_ZONES (Readiness-COMPUTE-PLATFORM)
   */
  readonly minAvailabilityZones?: number;
  /** Free-form settings areas add (capacity plan, RTO/RPO targets, ...). */
  readonly settings: Readonly<Record<string, unknown>>;
}

interface RuleBase {
  /** Suffix of the rule ID: `DB-HA` gives `Readiness-DB-HA`. Fixed once published. */
  readonly id: string;
  /** Catalogue control the rule proves. */
  readonly controlId: string;
  readonly category: RuleCategory;
  /** Why the rule was triggered (one line, shown with the finding). */
  readonly info: string;
  /** Why the rule exists and how to fix it. */
  readonly explanation: string;
  /** Only run in these stages (default: all). */
  readonly stages?: readonly StageName[];
  /** Repo-relative path of the test file with this rule's compliant and non-compliant fixtures (cited as evidence). */
  readonly test: string;
}

export interface ResourceRule extends RuleBase {
  readonly kind: 'resource';
  /** CloudFormation types the rule looks at; others are not applicable. */
  readonly resourceTypes: readonly string[];
  readonly check: (node: CfnResource, context: RuleContext) => NagRuleResult;
}

export interface ScopeRuleResult {
  readonly compliant: boolean;
  /** Human-readable findings when not compliant. */
  readonly findings: readonly string[];
  /** Resources (or notes) that make it compliant, for the report. */
  readonly evidence: readonly EvidenceItem[];
  /**
   * Compliant only on a declaration the templates cannot prove (e.g. a security baseline the
   * organization provides): the report shows the control `conditional` with this reason, never `ready`.
   * @default - none: a compliant result is ready
   */
  readonly conditional?: string;
}

export interface ScopeRule extends RuleBase {
  readonly kind: 'scope';
  readonly check: (scope: IConstruct, context: RuleContext) => ScopeRuleResult;
}

export type ReadinessRule = ResourceRule | ScopeRule;

export const RULE_PACK_NAME = 'Readiness';

export function ruleIdOf(rule: { id: string }): string {
  return `${RULE_PACK_NAME}-${rule.id}`;
}
