import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

export interface SecurityFindingsRoutingProps {
  /** Topic that pages on-call. */
  readonly criticalTopic: sns.ITopic;
  /**
   * Lowest GuardDuty severity that pages (GuardDuty rates 7.0-8.9 High, 9.0-10.0 Critical).
   * @default 7
   */
  readonly guardDutyMinSeverity?: number;
}

const RULES: readonly ValidationRule<SecurityFindingsRoutingProps>[] = [
  {
    field: 'guardDutyMinSeverity',
    value: (p) => p.guardDutyMinSeverity,
    check: (v) => v === undefined || (typeof v === 'number' && v >= 1 && v <= 10),
    fix: 'use a GuardDuty severity from 1 to 10 (7 pages on High and Critical)',
  },
];

/**
 * EventBridge rules that page on-call for GuardDuty findings of high severity and Security Hub
 * CRITICAL findings. The detectors come from the security stack; the rules route whatever the
 * account's detectors emit in this region (a rule with no detector simply never matches).
 */
export class SecurityFindingsRouting extends Construct {
  public readonly guardDutyRule: events.Rule;
  public readonly securityHubRule: events.Rule;

  constructor(scope: Construct, id: string, props: SecurityFindingsRoutingProps) {
    super(scope, id);
    assertValid(`SecurityFindingsRouting "${this.node.path}"`, props, RULES);
    const minSeverity = props.guardDutyMinSeverity ?? 7;

    this.guardDutyRule = new events.Rule(this, 'GuardDutyHighSeverity', {
      description: `Pages on-call for GuardDuty findings with severity >= ${minSeverity}`,
      eventPattern: {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', minSeverity] }] },
      },
    });
    this.guardDutyRule.addTarget(
      new targets.SnsTopic(props.criticalTopic, {
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
        message: events.RuleTargetInput.fromText(
          `[CRITICAL] GuardDuty finding ${events.EventField.fromPath('$.detail.type')} (severity ${events.EventField.fromPath('$.detail.severity')}) ` +
            `in ${events.EventField.fromPath('$.region')}: ${events.EventField.fromPath('$.detail.title')}. ` +
            `Check: 1) the finding in the GuardDuty console (id ${events.EventField.fromPath('$.detail.id')}) 2) the affected resource and principal in CloudTrail ` +
            '3) contain first (revoke credentials, isolate the task or instance), then follow the security incident runbook.',
        ),
      }),
    );

    this.securityHubRule = new events.Rule(this, 'SecurityHubCritical', {
      description: 'Pages on-call for new, active Security Hub findings labelled CRITICAL',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['CRITICAL'] },
            RecordState: ['ACTIVE'],
            Workflow: { Status: ['NEW'] },
          },
        },
      },
    });
    this.securityHubRule.addTarget(
      new targets.SnsTopic(props.criticalTopic, {
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
        message: events.RuleTargetInput.fromText(
          `[CRITICAL] Security Hub finding in ${events.EventField.fromPath('$.region')}: ${events.EventField.fromPath('$.detail.findings[0].Title')}. ` +
            'Check: 1) the finding and its resources in Security Hub 2) whether it is new exposure (a recent deploy?) or a detector change ' +
            '3) contain or suppress with a documented reason, then follow the security incident runbook.',
        ),
      }),
    );
  }
}
