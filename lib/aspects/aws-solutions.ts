/**
 * cdk-nag's AwsSolutions pack with per-stage finding levels, recording each result (see staged-pack.ts).
 */
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks, IApplyRule } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RuleResult } from './results';
import { StagedPackProps, StagedRuleRecorder } from './staged-pack';

export type StagedAwsSolutionsChecksProps = StagedPackProps;

export class StagedAwsSolutionsChecks extends AwsSolutionsChecks {
  private readonly recorder: StagedRuleRecorder;

  constructor(scope?: IConstruct, props: StagedAwsSolutionsChecksProps = {}) {
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
