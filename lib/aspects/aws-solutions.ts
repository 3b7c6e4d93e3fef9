/**
 * cdk-nag's AwsSolutions pack with per-stage finding levels, recording each failure (acknowledged
 * or not) so that waivers can be matched and the report can list findings per control.
 */
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks, IApplyRule, NagMessageLevel, NagPackProps, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { StageName } from '../config/stage-config';
import { isAcknowledged } from './acknowledgments';
import { categoryOfDescription, levelFor } from './levels';
import { complianceOf, RuleResult } from './results';

export interface StagedAwsSolutionsChecksProps extends NagPackProps {
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

export class StagedAwsSolutionsChecks extends AwsSolutionsChecks {
  private readonly stage: StageName;
  private readonly evidenceRules: ReadonlySet<string>;
  private recorded: RuleResult[] = [];

  constructor(scope?: IConstruct, props: StagedAwsSolutionsChecksProps = {}) {
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
    const category = categoryOfDescription(params.info);
    const level = levelFor(this.stage, category);
    const findings = Array.isArray(result) ? result : [undefined];
    let allAcknowledged = true;
    complianceOf(result, error).forEach((compliance, i) => {
      if (compliance === 'not-applicable') return;
      if (compliance === 'compliant' && !this.evidenceRules.has(ruleId)) return;
      const finding = findings[i];
      const findingId = finding ? `${ruleId}[${finding}]` : ruleId;
      const acknowledged = isAcknowledged(params.node, findingId);
      if (compliance !== 'compliant' && !acknowledged) allAcknowledged = false;
      this.recorded.push({
        ruleId,
        findingId,
        compliance,
        level: level === NagMessageLevel.ERROR ? 'error' : 'warning',
        acknowledged,
        message: params.info,
        construct: params.node,
      });
    });
    // cdk-nag honours only `Annotation::`-prefixed acknowledgments; `AwsSolutions::Rule` counts here too.
    if (allAcknowledged) return;
    super.applyRule({
      ...params,
      level,
      rule: () => {
        if (error !== undefined) throw error;
        return result!;
      },
    });
  }
}
