import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { IncidentResponse } from '../constructs/incident/incident-response';
import { EVENT_TARGET_MAX_EVENT_AGE, EVENT_TARGET_RETRY_ATTEMPTS, EventDeadLetterQueue } from '../constructs/shared/event-dead-letter-queue';

export interface IncidentStackProps extends StackProps {
  readonly config: StageConfig;
  /**
   * Topic the dead-letter queue's alarm of the security-incident rules goes to.
   * @default - the alarm has no action
   */
  readonly warningTopic?: sns.ITopic;
}

/** Regions Incident Manager replicates to: the primary, the DR region, and us-east-1 when the CDN's alarms live there (at most 3). */
export function incidentRegions(config: StageConfig): string[] {
  return [...new Set([config.region, config.drRegion, ...(config.edge.cdn ? ['us-east-1'] : [])])].slice(0, 3);
}

/**
 * Incident response of a stage with AWS Systems Manager Incident Manager (`incident.tool` is
 * `incident-manager`): contacts, rotations, the escalation plan, a response plan per level, and the
 * EventBridge rules that start a security incident on GuardDuty (severity >= 7) and Security Hub
 * CRITICAL findings. The stage adds the response plans to its critical alarms and tier roll-ups.
 */
export class IncidentStack extends Stack {
  public readonly incidents: IncidentResponse;

  constructor(scope: Construct, id: string, props: IncidentStackProps) {
    super(scope, id, props);
    const incident = props.config.incident;
    if (!incident || incident.tool !== 'incident-manager') throw new Error('IncidentStack needs incident.tool = incident-manager in the stage config');
    this.incidents = new IncidentResponse(this, 'IncidentResponse', {
      namePrefix: props.config.stage,
      contacts: incident.contacts,
      primaryRotation: incident.primaryRotation,
      secondaryRotation: incident.secondaryRotation,
      commander: incident.commander,
      primaryWait: Duration.minutes(incident.escalation.primaryMinutes),
      secondaryWait: Duration.minutes(incident.escalation.secondaryMinutes),
      rotationStart: incident.rotation.startTime,
      handOffTime: incident.rotation.handOffTime,
      timeZoneId: incident.rotation.timeZoneId,
      shiftDays: incident.rotation.shiftDays,
      levels: incident.levels,
      replicationRegions: incident.replicationSet === 'create' ? incidentRegions(props.config) : undefined,
      chatTopic: incident.chatTopicArn ? sns.Topic.fromTopicArn(this, 'ChatTopic', incident.chatTopicArn) : undefined,
    });
    const level = incident.routing.securityFindings;
    // A finding that did not start an incident after the retries is kept, and raises a warning.
    const deadLetterKey = new kms.Key(this, 'DeadLetterKey', { description: 'Encrypts the dead-letter queue of the security-incident rules', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const deadLetters = new EventDeadLetterQueue(this, 'SecurityIncidentDeadLetters', {
      key: deadLetterKey,
      purpose: 'security-incident rules (a GuardDuty or Security Hub finding did not start an incident)',
      alarmTopic: props.warningTopic,
    });
    const delivery = { deadLetterQueue: deadLetters.queue, retryAttempts: EVENT_TARGET_RETRY_ATTEMPTS, maxEventAge: EVENT_TARGET_MAX_EVENT_AGE };
    new events.Rule(this, 'GuardDutyIncident', {
      description: `Starts a ${level} security incident for GuardDuty findings with severity >= 7`,
      eventPattern: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } },
      targets: [this.incidents.ruleTarget(level, delivery)],
    });
    new events.Rule(this, 'SecurityHubIncident', {
      description: `Starts a ${level} security incident for Security Hub CRITICAL findings`,
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: { findings: { Severity: { Label: ['CRITICAL'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] } },
      },
      targets: [this.incidents.ruleTarget(level, delivery)],
    });
  }
}
