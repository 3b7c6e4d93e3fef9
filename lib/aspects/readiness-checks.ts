/**
 * The Readiness NagPack: applies every registered ResourceRule (lib/aspects/rules) to the matching
 * CfnResources and keeps each result, compliant ones included, as evidence for the report.
 */
import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { StageConfig, StageName } from '../config/stage-config';
import { isAcknowledged } from './acknowledgments';
import { levelFor } from './levels';
import { complianceOf, RuleResult } from './results';
import { CustomerManagedKeyPolicy, DEFAULT_MAX_WAF_RATE_LIMIT_PER_5_MIN, inEveryWorld, isFindingId, ReadinessRule, ResourceRule, RULE_PACK_NAME, RuleContext, ruleIdOf } from './rule';
import { withRuleCaches } from './rule-helpers';
import { READINESS_RULES } from './rules';
import { MIN_AVAILABILITY_ZONES } from './rules/service/compute-spread-across-zones';

export interface ReadinessChecksProps extends NagPackProps {
  /**
   * Stage whose thresholds and finding levels apply.
   * @default - the config's stage, else 'prod': every finding is an error
   */
  readonly stage?: StageName;
  /**
   * Stage config the thresholds are read from (backup retention in prod).
   * @default - the rules' built-in minimums
   */
  readonly config?: StageConfig;
  /**
   * Rules to apply.
   * @default - READINESS_RULES, every registered rule
   */
  readonly rules?: readonly ReadinessRule[];
  /**
   * Free-form settings custom rules read (`RuleContext.settings`).
   * @default - none
   */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Most days between secret rotations: 30 in prod, 90 elsewhere. */
export const MAX_ROTATION_DAYS: Readonly<Record<StageName, number>> = { dev: 90, staging: 90, prod: 30 };

/** `required` or `preferred` from a setting; anything else (absent) leaves the default per stage and resource. */
function customerManagedKeyPolicy(value: unknown): CustomerManagedKeyPolicy | undefined {
  if (value === undefined) return undefined;
  if (value === 'required' || value === 'preferred') return value;
  throw new Error(`customerManagedKeys = ${JSON.stringify(value)}: not a policy. Fix: use 'required' or 'preferred'.`);
}

/** The thresholds rules read, for the stage of a config (its name comes from `config.stage`). */
export function ruleContextFor(config: StageConfig, settings?: Readonly<Record<string, unknown>>): RuleContext;
/** The thresholds rules read, for a stage without a config (or one whose config is optional). */
export function ruleContextFor(stage: StageName, config?: StageConfig, settings?: Readonly<Record<string, unknown>>): RuleContext;
export function ruleContextFor(
  stageOrConfig: StageName | StageConfig,
  configOrSettings?: StageConfig | Readonly<Record<string, unknown>>,
  maybeSettings?: Readonly<Record<string, unknown>>,
): RuleContext {
  const byConfig = typeof stageOrConfig !== 'string';
  const config = byConfig ? stageOrConfig : (configOrSettings as StageConfig | undefined);
  const settings = ((byConfig ? configOrSettings : maybeSettings) ?? {}) as Readonly<Record<string, unknown>>;
  const stage = byConfig ? stageOrConfig.stage : stageOrConfig;
  const configured = stage === 'prod' ? config?.database?.backupRetentionDays ?? 0 : 0;
  return {
    stage,
    ...(config ? { config } : {}),
    minBackupRetentionDays: Math.max(7, configured),
    maxRotationDays: MAX_ROTATION_DAYS[stage],
    minAvailabilityZones: MIN_AVAILABILITY_ZONES[stage],
    maxWafRateLimitPer5Min: config?.service?.waf?.rateLimitPer5Min ?? DEFAULT_MAX_WAF_RATE_LIMIT_PER_5_MIN,
    customerManagedKeys: customerManagedKeyPolicy(settings.customerManagedKeys ?? config?.security?.customerManagedKeys),
    settings,
  };
}

export class ReadinessChecks extends NagPack {
  public readonly name = RULE_PACK_NAME;
  public readonly context: RuleContext;
  public readonly rules: readonly ReadinessRule[];
  private readonly byType = new Map<string, ResourceRule[]>();
  private recorded: RuleResult[] = [];
  /** What failed, per `<rule ID> <construct path>`, for the violation's locations. */
  private readonly findingsAt = new Map<string, string[]>();

  constructor(scope?: IConstruct, props: ReadinessChecksProps = {}) {
    super(scope, props);
    this.packName = RULE_PACK_NAME;
    const stage = props.stage ?? props.config?.stage ?? 'prod';
    this.context = ruleContextFor(stage, props.config, props.settings);
    // Every rule, custom ones too, is evaluated in every world of the conditions it reads (lib/aspects/conditions.ts);
    // the gate runs the scope rules from this list.
    this.rules = (props.rules ?? READINESS_RULES).filter((r) => !r.stages || r.stages.includes(stage)).map((r) => inEveryWorld(r));
    for (const rule of this.rules) {
      if (rule.kind !== 'resource') continue;
      for (const type of rule.resourceTypes) {
        const list = this.byType.get(type) ?? [];
        list.push(rule);
        this.byType.set(type, list);
      }
    }
  }

  /** Every result of the last `validateScope`, compliant ones included. */
  public get results(): readonly RuleResult[] {
    return this.recorded;
  }

  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.recorded = [];
    this.findingsAt.clear();
    const report = withRuleCaches(() => super.validateScope(scope));
    // The explanation tells the reader how to fix it; each resource's locations name what failed there.
    const explanations = new Map(this.rules.map((r) => [ruleIdOf(r), r.explanation]));
    // CDK prints a violation's description, not its locations: a resource whose finding says what failed
    // gets a violation of its own, so the terminal and the synth error name the property and value too.
    const violations = report.violations.flatMap((v) => {
      const fix = explanations.get(v.ruleName.replace(/\[.*\]$/, ''));
      const plain = v.violatingResources.filter((r) => !this.findingsAt.has(`${v.ruleName} ${r.constructPath}`));
      const described = v.violatingResources
        .filter((r) => this.findingsAt.has(`${v.ruleName} ${r.constructPath}`))
        .map((r) => {
          const locations = this.findingsAt.get(`${v.ruleName} ${r.constructPath}`)!;
          return { ...v, fix, description: `${v.description} ${locations.join('; ')}`, violatingResources: [{ ...r, locations }] };
        });
      return [...(plain.length > 0 ? [{ ...v, fix, violatingResources: plain }] : []), ...described];
    });
    return { ...report, violations };
  }

  protected checkResource(node: CfnResource): void {
    const rules = this.byType.get(node.cfnResourceType);
    if (!rules) return;
    for (const rule of rules) {
      const ruleId = ruleIdOf(rule);
      let result: NagRuleResult | undefined;
      let error: unknown;
      try {
        result = rule.check(node, this.context);
      } catch (e) {
        error = e ?? new Error('rule failed');
      }
      const policy = rule.level?.(node, this.context);
      const level = policy === undefined ? levelFor(this.context.stage, rule.category) : policy === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN;
      const acknowledged = isAcknowledged(node, ruleId);
      const allowedBy = policy === 'warning' ? rule.levelPolicy?.(node, this.context) : undefined;
      const findings = Array.isArray(result) ? result : [undefined];
      // Short finding IDs are reported as `Rule[id]`; descriptions ("MultiAZ is false, needs true") under the rule ID.
      const ids = findings.filter((f): f is string => f !== undefined && isFindingId(f));
      const descriptions = findings.filter((f): f is string => f !== undefined && !isFindingId(f));
      complianceOf(result, error).forEach((compliance, i) => {
        const finding = findings[i];
        const described = finding !== undefined && !isFindingId(finding);
        this.recorded.push({
          ruleId,
          findingId: finding && !described ? `${ruleId}[${finding}]` : ruleId,
          compliance,
          level: level === NagMessageLevel.ERROR ? 'error' : 'warning',
          acknowledged: acknowledged || (described && isAcknowledged(node, `${ruleId}[${finding}]`)),
          message: error
            ? `${rule.info} (the rule could not read a value: ${String((error as Error).message ?? error)})`
            : described && compliance === 'non-compliant'
              ? `${rule.info} ${finding}`
              : rule.info,
          construct: node,
          ...(allowedBy && compliance === 'non-compliant' ? { allowedBy } : {}),
        });
      });
      // A waiver of the rule covers its named findings too.
      if (acknowledged) continue;
      const apply = (outcome: () => NagRuleResult) =>
        this.applyRule({ ruleSuffixOverride: rule.id, info: rule.info, explanation: rule.explanation, level, node, rule: outcome });
      if (error !== undefined || !Array.isArray(result)) {
        apply(() => {
          if (error !== undefined) throw error;
          return result!;
        });
        continue;
      }
      if (ids.length > 0) apply(() => ids);
      const open = descriptions.filter((d) => !isAcknowledged(node, `${ruleId}[${d}]`));
      if (open.length > 0) {
        // One violation per resource under the published rule ID; its locations carry the descriptions.
        this.findingsAt.set(`${ruleId} ${node.node.path}`, open);
        apply(() => NagRuleCompliance.NON_COMPLIANT);
      }
    }
  }
}
