import { Duration } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

export interface AccessAnalyzersProps {
  /**
   * Access unused for this long is reported (1 to 365 whole days).
   * @default - Duration.days(90)
   */
  readonly unusedAccessAge?: Duration;
}

const RULES: readonly ValidationRule<{ days: number }>[] = [
  { field: 'unusedAccessAge', value: (p) => p.days, check: (v) => Number.isInteger(v) && v >= 1 && v <= 365, fix: 'use 1 to 365 whole days (the IAM Access Analyzer limit)' },
];

/**
 * The evidence of an access review: IAM Access Analyzer finds resources shared outside the account
 * (external access) and roles, users, keys and permissions nobody used (unused access).
 */
export class AccessAnalyzers extends Construct {
  public readonly external: accessanalyzer.CfnAnalyzer;
  public readonly unused: accessanalyzer.CfnAnalyzer;

  constructor(scope: Construct, id: string, props: AccessAnalyzersProps = {}) {
    super(scope, id);
    const days = (props.unusedAccessAge ?? Duration.days(90)).toHours({ integral: false }) / 24;
    assertValid(`AccessAnalyzers ${this.node.path}`, { days }, RULES);
    this.external = new accessanalyzer.CfnAnalyzer(this, 'External', { type: 'ACCOUNT' });
    this.unused = new accessanalyzer.CfnAnalyzer(this, 'Unused', {
      type: 'ACCOUNT_UNUSED_ACCESS',
      analyzerConfiguration: { unusedAccessConfiguration: { unusedAccessAge: days } },
    });
  }
}
