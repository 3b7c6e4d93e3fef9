/**
 * What the staged cdk-nag packs (AwsSolutions, NIST 800-53) share: per-stage finding levels, and a
 * record of each result (acknowledged or not) so that waivers can be matched and the report can
 * list findings and evidence per control.
 */
import { IApplyRule, NagMessageLevel, NagPackProps, NagRuleResult } from 'cdk-nag';
import { StageName } from '../config/stage-config';
import { isAcknowledged } from './acknowledgments';
import { categoryOfDescription, levelFor } from './levels';
import { complianceOf, RuleResult } from './results';

export interface StagedPackProps extends NagPackProps {
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

export class StagedRuleRecorder {
  private readonly stage: StageName;
  private readonly evidenceRules: ReadonlySet<string>;
  private recorded: RuleResult[] = [];

  constructor(props: StagedPackProps) {
    this.stage = props.stage ?? 'prod';
    this.evidenceRules = props.evidenceRules ?? new Set();
  }

  public get results(): readonly RuleResult[] {
    return this.recorded;
  }

  public reset(): void {
    this.recorded = [];
  }

  /**
   * Runs the rule once and records its results. Returns what to hand to cdk-nag's `applyRule`
   * (the stage's level, the result already computed), or undefined when every failure is
   * acknowledged: cdk-nag honours only `Annotation::`-prefixed acknowledgments, `Pack::Rule` counts here too.
   */
  public evaluate(packName: string, params: IApplyRule): IApplyRule | undefined {
    const suffix = params.ruleSuffixOverride ?? params.rule.name;
    const ruleId = `${packName}-${suffix}`;
    let result: NagRuleResult | undefined;
    let error: unknown;
    try {
      result = params.rule(params.node);
    } catch (e) {
      error = e ?? new Error('rule failed');
    }
    const level = levelFor(this.stage, categoryOfDescription(params.info));
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
    if (allAcknowledged) return undefined;
    return {
      ...params,
      level,
      // The wrapper below would otherwise lend its own name to the rule ID.
      ruleSuffixOverride: suffix,
      rule: () => {
        if (error !== undefined) throw error;
        return result!;
      },
    };
  }
}
