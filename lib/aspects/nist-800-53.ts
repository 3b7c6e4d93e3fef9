/**
 * cdk-nag's NIST 800-53 rev 5 pack for the prod gate, recording each result (acknowledged or not)
 * like the AwsSolutions pack so that waivers match and the report lists findings per control.
 * Acknowledge a finding with `Validations.of(construct).acknowledge({ id: 'NIST.800.53.R5-<Rule>', reason })`.
 */
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { IApplyRule, NagMessageLevel, NagPackProps, NagRuleResult, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { StageName } from '../config/stage-config';
import { isAcknowledged } from './acknowledgments';
import { categoryOfDescription, levelFor } from './levels';
import { complianceOf, RuleResult } from './results';

/** The pack name cdk-nag gives the rules: `NIST.800.53.R5-IAMNoInlinePolicy`. */
export const NIST_PACK_NAME = 'NIST.800.53.R5';

export interface StagedNistChecksProps extends NagPackProps {
  /**
   * Stage whose finding levels apply.
   * @default - 'prod'
   */
  readonly stage?: StageName;
  /**
   * Rule IDs whose compliant results are kept as evidence (those a control cites).
   * @default - none: only failures are kept
   */
  readonly evidenceRules?: ReadonlySet<string>;
}

export class StagedNistChecks extends NIST80053R5Checks {
  private readonly stage: StageName;
  private readonly evidenceRules: ReadonlySet<string>;
  private recorded: RuleResult[] = [];

  constructor(scope?: IConstruct, props: StagedNistChecksProps = {}) {
    super(scope, props);
    this.stage = props.stage ?? 'prod';
    this.evidenceRules = props.evidenceRules ?? new Set();
  }

  public get results(): readonly RuleResult[] {
    return this.recorded;
  }

  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.recorded = [];
    return super.validateScope(scope);
  }

  protected applyRule(params: IApplyRule): void {
    const ruleId = `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
    let result: NagRuleResult | undefined;
    let error: unknown;
    try {
      result = params.rule(params.node);
    } catch (e) {
      error = e ?? new Error('rule failed');
    }
    const level = levelFor(this.stage, categoryOfDescription(params.info));
    const findings = Array.isArray(result) ? result : [undefined];
    complianceOf(result, error).forEach((compliance, i) => {
      if (compliance === 'not-applicable') return;
      if (compliance === 'compliant' && !this.evidenceRules.has(ruleId)) return;
      const finding = findings[i];
      const findingId = finding ? `${ruleId}[${finding}]` : ruleId;
      this.recorded.push({
        ruleId,
        findingId,
        compliance,
        level: level === NagMessageLevel.ERROR ? 'error' : 'warning',
        acknowledged: isAcknowledged(params.node, findingId),
        message: params.info,
        construct: params.node,
      });
    });
    super.applyRule({
      ...params,
      // The pack names its rules after the function; keep that name on the wrapper.
      ruleSuffixOverride: params.ruleSuffixOverride ?? params.rule.name,
      level,
      rule: () => {
        if (error !== undefined) throw error;
        return result!;
      },
    });
  }
}
