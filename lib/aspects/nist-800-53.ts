/**
 * cdk-nag's NIST 800-53 rev 5 pack for the prod gate, with per-stage finding levels, recording each
 * result like the AwsSolutions pack (see staged-pack.ts).
 * Acknowledge a finding with `Validations.of(construct).acknowledge({ id: 'NIST.800.53.R5-<Rule>', reason })`.
 */
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { IApplyRule, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RuleResult } from './results';
import { StagedPackProps, StagedRuleRecorder } from './staged-pack';

/** The pack name cdk-nag gives the rules: `NIST.800.53.R5-IAMNoInlinePolicy`. */
export const NIST_PACK_NAME = 'NIST.800.53.R5';

export type StagedNistChecksProps = StagedPackProps;

export class StagedNistChecks extends NIST80053R5Checks {
  private readonly recorder: StagedRuleRecorder;

  constructor(scope?: IConstruct, props: StagedNistChecksProps = {}) {
    super(scope, props);
    this.recorder = new StagedRuleRecorder(props);
  }

  public get results(): readonly RuleResult[] {
    return this.recorder.results;
  }

  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.recorder.reset();
    return super.validateScope(scope);
  }

  protected applyRule(params: IApplyRule): void {
    const next = this.recorder.evaluate(this.readPackName, params);
    if (next) super.applyRule(next);
  }
}
