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
 * are defined with `resourceRule({...})` or `scopeRule({...})`, and are registered in `lib/aspects/rules/index.ts`.
 *
 * Every rule runs in every world (lib/aspects/conditions.ts): once per assignment of the undecided
 * conditions it reads, with `Fn::If` branches picked, `AWS::NoValue` dropped and conditional resources
 * absent where their condition is false. It is compliant only when it is compliant in every world;
 * its findings are the union (a finding that holds only in some worlds names them).
 */
import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { describeWorld, explore, Explored, isDeployed, TOO_MANY_CONDITIONS, World } from './conditions';
import { StageConfig, StageName } from '../config/stage-config';
import { EvidenceItem } from './analysis/evidence';

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
  /**
   * Highest per-IP rate limit (requests per 5 minutes) a WebACL's rate-based rule may have and still count as protection.
   * @default - DEFAULT_MAX_WAF_RATE_LIMIT_PER_5_MIN (2000), or the stage config's `service.waf.rateLimitPer5Min`
   */
  readonly maxWafRateLimitPer5Min?: number;
  /**
   * The stage config the thresholds come from (RTO/RPO targets, the capacity target, the security baseline, ...).
   * @default - none: rules that need it report what is missing; the stage's built-in minimums apply
   */
  readonly config?: StageConfig;
  /**
   * Whether encryption with an AWS-managed (or AWS-owned) key instead of a customer-managed key is an
   * error (`required`) or a warning (`preferred`). Unencrypted data is an error either way (Readiness-ENCRYPTION).
   * @default - `required` in prod for data stores (databases, caches, tables, buckets, file systems, secrets), `preferred` otherwise
   */
  readonly customerManagedKeys?: CustomerManagedKeyPolicy;
  /** Free-form settings of custom rules and of apps without a stage config (`securityBaseline`). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** Policy on the kind of KMS key that encrypts data at rest (see `RuleContext.customerManagedKeys`). */
export type CustomerManagedKeyPolicy = 'required' | 'preferred';

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
  /**
   * The finding level for this resource when it follows a policy rather than the category.
   * @default - the level of the rule's category in the stage (lib/aspects/levels.ts)
   */
  readonly level?: (node: CfnResource, context: RuleContext) => 'error' | 'warning' | undefined;
  /**
   * The policy behind `level`, as the report names it when that policy makes a finding a warning, e.g.
   * `customerManagedKeys 'preferred'`. Such a finding is allowed: the report lists it, and it does not
   * make the control missing. Without it, a warning counts against the control like an error.
   */
  readonly levelPolicy?: (node: CfnResource, context: RuleContext) => string;
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

/** Default bound of a WebACL's rate limit (requests per IP per 5 minutes): above it, a flood passes. */
export const DEFAULT_MAX_WAF_RATE_LIMIT_PER_5_MIN = 2000;

export function ruleIdOf(rule: { id: string }): string {
  return `${RULE_PACK_NAME}-${rule.id}`;
}

const WORLDS = Symbol('readiness:every-world');

/**
 * A short finding ID (`drill-without-stop-alarm`): the pack reports it as `Readiness-X[id]`, which a waiver
 * can name. Any other finding (`MultiAZ is false, needs true`) is a description: the violation keeps the
 * rule ID and the description is its location and the result's message.
 */
export function isFindingId(finding: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9:._/-]*$/.test(finding);
}

/** `finding (where X = "y" is false)` for findings that do not hold in every world. */
function qualified<T>(outcomes: ReadonlyArray<{ world: World; value: T }>, findingsOf: (value: T) => readonly string[]): string[] {
  const out: string[] = [];
  for (const finding of new Set(outcomes.flatMap((o) => findingsOf(o.value)))) {
    const holds = outcomes.filter((o) => findingsOf(o.value).includes(finding));
    if (holds.length === outcomes.length || holds.every((o) => o.world.choices.length === 0)) {
      out.push(finding);
      continue;
    }
    // The choices every world where it holds shares, when exactly those worlds make them: one qualifier.
    const key = (c: { label: string; value: boolean }) => `${c.label}=${c.value}`;
    const common = holds[0].world.choices.filter((c) => holds.every((o) => o.world.choices.some((d) => key(d) === key(c))));
    const matching = outcomes.filter((o) => common.every((c) => o.world.choices.some((d) => key(d) === key(c))));
    if (common.length > 0 && matching.length === holds.length) out.push(`${finding} (where ${describeWorld({ choices: common })})`);
    else for (const o of holds) out.push(`${finding} (where ${describeWorld(o.world)})`);
  }
  return [...new Set(out)];
}

/**
 * One answer for a resource from its answer in every world: not applicable when it is not applicable
 * (or not deployed) in every world; non-compliant when non-compliant in any; otherwise compliant.
 */
export function combineResourceResults(explored: Explored<NagRuleResult>): NagRuleResult {
  if (explored.exceeded) return [TOO_MANY_CONDITIONS];
  const { outcomes } = explored;
  if (outcomes.length === 1) return outcomes[0].value;
  const failing = outcomes.filter((o) => o.value === NagRuleCompliance.NON_COMPLIANT || (Array.isArray(o.value) && o.value.length > 0));
  if (failing.length === 0) {
    return outcomes.every((o) => o.value === NagRuleCompliance.NOT_APPLICABLE) ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.COMPLIANT;
  }
  if (!failing.some((o) => Array.isArray(o.value))) return NagRuleCompliance.NON_COMPLIANT;
  const all = qualified(outcomes, (v) => (Array.isArray(v) ? v : v === NagRuleCompliance.NON_COMPLIANT ? ['non-compliant'] : []));
  // Finding IDs that hold in every world stay IDs; descriptions become one, as a rule gives in one world: what fails where.
  const ids = all.filter(isFindingId);
  const descriptions = all.filter((f) => !isFindingId(f));
  return [...ids, ...(descriptions.length > 0 ? [descriptions.join('; ')] : [])];
}

/** One answer for a scope from its answer in every world: compliant only when compliant in every world. */
export function combineScopeResults(explored: Explored<ScopeRuleResult>): ScopeRuleResult {
  if (explored.exceeded) return { compliant: false, findings: [TOO_MANY_CONDITIONS], evidence: [] };
  const { outcomes } = explored;
  if (outcomes.length === 1) return outcomes[0].value;
  const compliant = outcomes.every((o) => o.value.compliant);
  const findings = qualified(outcomes, (v) => (v.compliant ? [] : v.findings.length > 0 ? v.findings : ['non-compliant']));
  const seen = new Set<string>();
  const evidence = outcomes
    .flatMap((o) => o.value.evidence)
    .filter((e) => {
      const key = JSON.stringify(e);
      return !seen.has(key) && (seen.add(key), true);
    });
  // Conditional in any world (e.g. a baseline the organization provides) is conditional overall: never ready.
  const conditional = [...new Set(outcomes.map((o) => o.value.conditional).filter((c): c is string => c !== undefined))].join('; ');
  return { ...outcomes[0].value, compliant, findings, evidence, ...(conditional ? { conditional } : {}) };
}

/**
 * The rule, evaluated in every world of the undecided conditions it reads (idempotent). A resource
 * rule is not applicable in a world where the resource's Condition is false.
 */
export function inEveryWorld<R extends ReadinessRule>(rule: R): R {
  if ((rule as any)[WORLDS]) return rule;
  let wrapped: ReadinessRule;
  if (rule.kind === 'resource') {
    const check = rule.check;
    wrapped = {
      ...rule,
      check: (node: CfnResource, context: RuleContext) =>
        combineResourceResults(explore(() => (isDeployed(node) ? check(node, context) : NagRuleCompliance.NOT_APPLICABLE))),
    };
  } else {
    const check = rule.check;
    wrapped = { ...rule, check: (scope: IConstruct, context: RuleContext) => combineScopeResults(explore(() => check(scope, context))) };
  }
  Object.defineProperty(wrapped, WORLDS, { value: true });
  return wrapped as R;
}

/** Defines a resource rule: its check runs in every world (see `inEveryWorld`). */
export function resourceRule(rule: Omit<ResourceRule, 'kind'> & { kind?: 'resource' }): ResourceRule {
  return inEveryWorld<ResourceRule>({ ...rule, kind: 'resource' });
}

/** Defines a scope rule: its check runs in every world (see `inEveryWorld`). */
export function scopeRule(rule: Omit<ScopeRule, 'kind'> & { kind?: 'scope' }): ScopeRule {
  return inEveryWorld<ScopeRule>({ ...rule, kind: 'scope' });
}
