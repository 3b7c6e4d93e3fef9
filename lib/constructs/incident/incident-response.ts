import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssmcontacts from 'aws-cdk-lib/aws-ssmcontacts';
import * as ssmincidents from 'aws-cdk-lib/aws-ssmincidents';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

/** Incident levels, most severe first. */
export type IncidentLevel = 'SEV1' | 'SEV2' | 'SEV3';

export const INCIDENT_LEVELS: readonly IncidentLevel[] = ['SEV1', 'SEV2', 'SEV3'];

/** A person Incident Manager can engage. */
export interface IncidentContact {
  /** Unique alias in the account (`a-z 0-9 _ -`). */
  readonly alias: string;
  readonly displayName: string;
  /** Email address Incident Manager pages. */
  readonly email: string;
}

/** One incident level: its response plan. */
export interface IncidentLevelPlan {
  /** Impact 1 (critical) to 5 (no impact). */
  readonly impact: number;
  /** What the level means; the incident summary. */
  readonly summary: string;
  /** Runbook (https URL) linked from the incident summary. */
  readonly runbookUrl: string;
  /** Engage the escalation plan (primary, secondary, commander) or the commander alone. */
  readonly engage: 'escalation' | 'commander';
}

/** How an incident rule target delivers: retries and a dead-letter queue (aws-events-targets' TargetBaseProps). */
export interface IncidentRuleTargetDelivery {
  /**
   * Queue for events not delivered after the retries.
   * @default - none: an undelivered event is dropped
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Retries of a failed delivery (0-185).
   * @default - EventBridge's default, 185
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event (60 s to 24 h).
   * @default - EventBridge's default, 24 hours
   */
  readonly maxEventAge?: Duration;
}

export interface IncidentResponseProps {
  /** Prefix of the physical names (response plans, rotations, aliases are account-wide), e.g. `prod`. */
  readonly namePrefix: string;
  readonly contacts: readonly IncidentContact[];
  /** Aliases of the primary rotation, in on-call order. */
  readonly primaryRotation: readonly string[];
  /** Aliases of the secondary rotation, in on-call order. */
  readonly secondaryRotation: readonly string[];
  /** Alias of the incident commander. */
  readonly commander: string;
  /** How long the escalation plan waits for the primary before it engages the secondary (1-30 minutes). */
  readonly primaryWait: Duration;
  /** How long it waits for the secondary before it engages the commander (1-30 minutes). */
  readonly secondaryWait: Duration;
  /** First hand-off, `YYYY-MM-DDThh:mm:ss` (in `timeZoneId`). */
  readonly rotationStart: string;
  /** Daily hand-off time, `hh:mm`. */
  readonly handOffTime: string;
  /** IANA time zone of the rotations, e.g. `Europe/Berlin`. */
  readonly timeZoneId: string;
  /** Days per shift (1-30). */
  readonly shiftDays: number;
  readonly levels: Readonly<Record<IncidentLevel, IncidentLevelPlan>>;
  /**
   * Create the account's Incident Manager replication set in these regions, or `undefined` when it is provided
   * (another stage, or the organization, created it: one per account).
   * @default - provided
   */
  readonly replicationRegions?: readonly string[];
  /**
   * SNS topic of an AWS Chatbot channel that incidents post to.
   * @default - no chat channel
   */
  readonly chatTopic?: sns.ITopic;
}

const ALIAS = /^[a-z0-9_-]{1,255}$/;
const isMinutes = (d: unknown, lo: number, hi: number) => d instanceof Duration && d.toMinutes() >= lo && d.toMinutes() <= hi;

const RULES: readonly ValidationRule<IncidentResponseProps>[] = [
  { field: 'namePrefix', value: (p) => p.namePrefix, check: (v) => typeof v === 'string' && /^[a-zA-Z0-9_-]{1,40}$/.test(v), fix: 'use 1-40 of a-z A-Z 0-9 _ -' },
  { field: 'contacts', value: (p) => p.contacts.map((c) => c.alias), check: (v: string[]) => v.length > 0 && v.every((a) => ALIAS.test(a)) && new Set(v).size === v.length, fix: 'give at least one contact; aliases unique, lowercase a-z 0-9 _ -' },
  { field: 'contacts[].email', value: (p) => p.contacts.map((c) => c.email).filter((e) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)), check: (v: string[]) => v.length === 0, fix: 'use an email address per contact' },
  { field: 'primaryRotation', value: (p) => p.primaryRotation, check: (v: string[], p) => v.length > 0 && v.every((a) => p.contacts.some((c) => c.alias === a)), fix: 'list at least one alias of `contacts`' },
  { field: 'secondaryRotation', value: (p) => p.secondaryRotation, check: (v: string[], p) => v.length > 0 && v.every((a) => p.contacts.some((c) => c.alias === a)), fix: 'list at least one alias of `contacts`' },
  { field: 'commander', value: (p) => p.commander, check: (v, p) => p.contacts.some((c) => c.alias === v), fix: 'name an alias of `contacts`' },
  { field: 'primaryWait', value: (p) => p.primaryWait, check: (v) => isMinutes(v, 1, 30), fix: 'wait 1 to 30 minutes (an escalation stage lasts at most 30)' },
  { field: 'secondaryWait', value: (p) => p.secondaryWait, check: (v) => isMinutes(v, 1, 30), fix: 'wait 1 to 30 minutes (an escalation stage lasts at most 30)' },
  { field: 'rotationStart', value: (p) => p.rotationStart, check: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v), fix: 'use YYYY-MM-DDThh:mm:ss' },
  { field: 'handOffTime', value: (p) => p.handOffTime, check: (v) => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v), fix: 'use hh:mm (24-hour)' },
  { field: 'timeZoneId', value: (p) => p.timeZoneId, check: (v) => typeof v === 'string' && /^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/.test(v), fix: 'use an IANA time zone, e.g. Europe/Berlin' },
  { field: 'shiftDays', value: (p) => p.shiftDays, check: (v) => Number.isInteger(v) && v >= 1 && v <= 30, fix: 'use 1 to 30 days per shift' },
  ...INCIDENT_LEVELS.flatMap((level): ValidationRule<IncidentResponseProps>[] => [
    { field: `levels.${level}.impact`, value: (p) => p.levels?.[level]?.impact, check: (v) => Number.isInteger(v) && v >= 1 && v <= 5, fix: 'use an impact from 1 (critical) to 5 (no impact)' },
    { field: `levels.${level}.runbookUrl`, value: (p) => p.levels?.[level]?.runbookUrl, check: (v) => typeof v === 'string' && /^https:\/\/\S+$/.test(v), fix: 'link the runbook with an https URL' },
    { field: `levels.${level}.engage`, value: (p) => p.levels?.[level]?.engage, check: (v) => v === 'escalation' || v === 'commander', fix: 'engage `escalation` or `commander`' },
  ]),
  { field: 'replicationRegions', value: (p) => p.replicationRegions, check: (v) => v === undefined || (Array.isArray(v) && v.length >= 1 && v.length <= 3), fix: 'list 1 to 3 regions (Incident Manager replicates to at most 3)' },
];

/**
 * AWS Systems Manager Incident Manager for one stage: a contact (with an email channel and its
 * engagement plan) per person, a primary and a secondary on-call rotation with their on-call
 * schedules, an escalation plan that engages the primary, then the secondary, then the incident
 * commander, and a response plan per incident level. Alarms start incidents through
 * `alarmAction(level)`; EventBridge rules through `ruleTarget(level)`.
 */
export class IncidentResponse extends Construct {
  /** Personal contacts by alias. */
  public readonly contacts: Readonly<Record<string, ssmcontacts.CfnContact>>;
  public readonly primarySchedule: ssmcontacts.CfnContact;
  public readonly secondarySchedule: ssmcontacts.CfnContact;
  public readonly escalationPlan: ssmcontacts.CfnContact;
  public readonly responsePlans: Readonly<Record<IncidentLevel, ssmincidents.CfnResponsePlan>>;
  public readonly replicationSet?: ssmincidents.CfnReplicationSet;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: IncidentResponseProps) {
    super(scope, id);
    assertValid(`IncidentResponse "${this.node.path}"`, props, RULES);
    this.prefix = props.namePrefix;

    if (props.replicationRegions) {
      this.replicationSet = new ssmincidents.CfnReplicationSet(this, 'ReplicationSet', {
        regions: props.replicationRegions.map((regionName) => ({ regionName })),
        deletionProtected: true,
      });
    }

    const contacts: Record<string, ssmcontacts.CfnContact> = {};
    for (const person of props.contacts) {
      const contact = new ssmcontacts.CfnContact(this, `Contact-${person.alias}`, {
        alias: `${props.namePrefix}-${person.alias}`.slice(0, 255).toLowerCase(),
        displayName: person.displayName,
        type: 'PERSONAL',
      });
      const email = new ssmcontacts.CfnContactChannel(this, `Email-${person.alias}`, {
        contactId: contact.attrArn,
        channelName: 'email',
        channelType: 'EMAIL',
        channelAddress: person.email,
        deferActivation: true,
      });
      new ssmcontacts.CfnPlan(this, `Plan-${person.alias}`, {
        contactId: contact.attrArn,
        stages: [{ durationInMinutes: 0, targets: [{ channelTargetInfo: { channelId: email.attrArn, retryIntervalInMinutes: 5 } }] }],
      });
      contacts[person.alias] = contact;
    }
    this.contacts = contacts;

    const schedule = (name: 'primary' | 'secondary', aliases: readonly string[]) => {
      const rotation = new ssmcontacts.CfnRotation(this, `${name === 'primary' ? 'Primary' : 'Secondary'}Rotation`, {
        name: `${props.namePrefix}_${name}`.replace(/-/g, '_'),
        contactIds: aliases.map((a) => contacts[a].attrArn),
        startTime: props.rotationStart,
        timeZoneId: props.timeZoneId,
        recurrence: { numberOfOnCalls: 1, recurrenceMultiplier: props.shiftDays, dailySettings: [props.handOffTime] },
      });
      const onCall = new ssmcontacts.CfnContact(this, `${name === 'primary' ? 'Primary' : 'Secondary'}OnCall`, {
        alias: `${props.namePrefix}-${name}-on-call`.toLowerCase(),
        displayName: `${props.namePrefix} ${name} on-call`,
        type: 'ONCALL_SCHEDULE',
      });
      new ssmcontacts.CfnPlan(this, `${name === 'primary' ? 'Primary' : 'Secondary'}OnCallPlan`, { contactId: onCall.attrArn, rotationIds: [rotation.attrArn] });
      return onCall;
    };
    this.primarySchedule = schedule('primary', props.primaryRotation);
    this.secondarySchedule = schedule('secondary', props.secondaryRotation);

    const engage = (contact: ssmcontacts.CfnContact) => [{ contactTargetInfo: { contactId: contact.attrArn, isEssential: true } }];
    this.escalationPlan = new ssmcontacts.CfnContact(this, 'Escalation', {
      alias: `${props.namePrefix}-escalation`.toLowerCase(),
      displayName: `${props.namePrefix} escalation primary then secondary then incident commander`,
      type: 'ESCALATION',
    });
    new ssmcontacts.CfnPlan(this, 'EscalationPlan', {
      contactId: this.escalationPlan.attrArn,
      stages: [
        { durationInMinutes: props.primaryWait.toMinutes(), targets: engage(this.primarySchedule) },
        { durationInMinutes: props.secondaryWait.toMinutes(), targets: engage(this.secondarySchedule) },
        { durationInMinutes: 0, targets: engage(contacts[props.commander]) },
      ],
    });

    const plans: Partial<Record<IncidentLevel, ssmincidents.CfnResponsePlan>> = {};
    for (const level of INCIDENT_LEVELS) {
      const spec = props.levels[level];
      const plan = new ssmincidents.CfnResponsePlan(this, `ResponsePlan${level}`, {
        name: this.responsePlanName(level),
        displayName: `${props.namePrefix} ${level}`,
        incidentTemplate: {
          title: `${props.namePrefix} ${level}: ${spec.summary}`.slice(0, 200),
          impact: spec.impact,
          summary: `${spec.summary}. Runbook: ${spec.runbookUrl}`.slice(0, 4000),
          ...(props.chatTopic ? { notificationTargets: [{ snsTopicArn: props.chatTopic.topicArn }] } : {}),
        },
        engagements: [spec.engage === 'escalation' ? this.escalationPlan.attrArn : contacts[props.commander].attrArn],
        ...(props.chatTopic ? { chatChannel: { chatbotSns: [props.chatTopic.topicArn] } } : {}),
      });
      if (this.replicationSet) plan.node.addDependency(this.replicationSet);
      plans[level] = plan;
    }
    this.responsePlans = plans as Record<IncidentLevel, ssmincidents.CfnResponsePlan>;
  }

  /** The physical name of a level's response plan (alarm actions name it). */
  public responsePlanName(level: IncidentLevel): string {
    return `${this.prefix}-${level.toLowerCase()}`;
  }

  /** An alarm action that starts an incident with the level's response plan. */
  public alarmAction(level: IncidentLevel): actions.SsmIncidentAction {
    return new actions.SsmIncidentAction(this.responsePlanName(level));
  }

  /**
   * An EventBridge target that starts an incident with the level's response plan (the role may call
   * ssm-incidents:StartIncident on it). With `deadLetterQueue`, events it could not deliver after the
   * retries go there (the queue policy lets the rule send; an SSE-KMS queue's key must let EventBridge use it).
   */
  public ruleTarget(level: IncidentLevel, delivery: IncidentRuleTargetDelivery = {}): events.IRuleTarget {
    const plan = this.responsePlans[level];
    return {
      bind: (rule: events.IRule): events.RuleTargetConfig => {
        const { deadLetterQueue, retryAttempts, maxEventAge } = delivery;
        if (deadLetterQueue) {
          deadLetterQueue.addToResourcePolicy(
            new iam.PolicyStatement({
              sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
              actions: ['sqs:SendMessage'],
              principals: [new iam.ServicePrincipal('events.amazonaws.com')],
              resources: [deadLetterQueue.queueArn],
              conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
            }),
          );
        }
        const retrySet = retryAttempts !== undefined || maxEventAge !== undefined;
        const roleId = `StartIncident${level}Role`;
        let role = this.node.tryFindChild(roleId) as iam.Role | undefined;
        if (!role) {
          // A managed policy, not an inline one: reviewers and NIST 800-53 (IAMNoInlinePolicy) read it on its own.
          const policy = new iam.ManagedPolicy(this, `StartIncident${level}Policy`, {
            description: `Start ${level} incidents from EventBridge`,
            statements: [new iam.PolicyStatement({ actions: ['ssm-incidents:StartIncident'], resources: [plan.attrArn] })],
          });
          role = new iam.Role(this, roleId, {
            assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
            managedPolicies: [policy],
          });
        }
        return {
          arn: plan.attrArn,
          role,
          ...(deadLetterQueue ? { deadLetterConfig: { arn: deadLetterQueue.queueArn } } : {}),
          ...(retrySet ? { retryPolicy: { maximumRetryAttempts: retryAttempts, maximumEventAgeInSeconds: maxEventAge?.toSeconds() } } : {}),
        };
      },
    };
  }
}
