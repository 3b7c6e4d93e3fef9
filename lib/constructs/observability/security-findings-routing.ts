import { RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { EVENT_TARGET_MAX_EVENT_AGE, EVENT_TARGET_RETRY_ATTEMPTS, EventDeadLetterQueue } from '../shared/event-dead-letter-queue';

export interface SecurityFindingsRoutingProps {
  /** Topic that pages on-call. */
  readonly criticalTopic: sns.ITopic;
  /**
   * Lowest GuardDuty severity that pages (GuardDuty rates 7.0-8.9 High, 9.0-10.0 Critical).
   * @default 7
   */
  readonly guardDutyMinSeverity?: number;
  /**
   * Customer key that encrypts the dead-letter queue of both rules' targets (the on-call topics' key fits).
   * @default - a new key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic the dead-letter queue's alarm goes to (the warning topic: a lost finding opens a ticket).
   * @default - the alarm has no action
   */
  readonly alarmTopic?: sns.ITopic;
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
 * account's detectors emit in this region (a rule with no detector simply never matches). A finding the
 * topic does not accept after 10 retries (or 6 hours) goes to an encrypted dead-letter queue whose alarm
 * opens a ticket (Readiness-EVENT-TARGET-DLQ).
 */
export class SecurityFindingsRouting extends Construct {
  public readonly guardDutyRule: events.Rule;
  public readonly securityHubRule: events.Rule;
  /** Where both rules' targets put the findings they could not deliver after 10 retries or 6 hours. */
  public readonly deadLetterQueue: EventDeadLetterQueue;

  constructor(scope: Construct, id: string, props: SecurityFindingsRoutingProps) {
    super(scope, id);
    assertValid(`SecurityFindingsRouting "${this.node.path}"`, props, RULES);
    const minSeverity = props.guardDutyMinSeverity ?? 7;
    const key = props.encryptionKey ?? new kms.Key(this, 'DeadLetterKey', { description: `Encrypts the dead-letter queue of ${this.node.path}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    this.deadLetterQueue = new EventDeadLetterQueue(this, 'DeadLetters', { key, purpose: 'security findings routing (a GuardDuty or Security Hub finding did not page)', alarmTopic: props.alarmTopic });

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
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: EVENT_TARGET_RETRY_ATTEMPTS,
        maxEventAge: EVENT_TARGET_MAX_EVENT_AGE,
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
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: EVENT_TARGET_RETRY_ATTEMPTS,
        maxEventAge: EVENT_TARGET_MAX_EVENT_AGE,
        message: events.RuleTargetInput.fromText(
          `[CRITICAL] Security Hub finding in ${events.EventField.fromPath('$.region')}: ${events.EventField.fromPath('$.detail.findings[0].Title')}. ` +
            'Check: 1) the finding and its resources in Security Hub 2) whether it is new exposure (a recent deploy?) or a detector change ' +
            '3) contain or suppress with a documented reason, then follow the security incident runbook.',
        ),
      }),
    );
  }
}
