import { Annotations, Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

export interface OnCallTopicsProps {
  /**
   * Addresses subscribed to the critical (paging) topic. Each must confirm the subscription e-mail.
   * @default - no e-mail subscription on the critical topic
   */
  readonly criticalEmails?: readonly string[];
  /**
   * Addresses subscribed to the warning (ticket) topic.
   * @default - no e-mail subscription on the warning topic
   */
  readonly warningEmails?: readonly string[];
  /**
   * Pager integration URL (PagerDuty or Opsgenie CloudWatch integration) subscribed to the critical
   * topic, kept in plain config. Prefer `pagerUrlSecret`: the URL is a credential of sorts.
   * @default - no plain-text pager subscription
   */
  readonly pagerUrl?: string;
  /**
   * Secret holding the pager integration URL. The template only carries a CloudFormation dynamic
   * reference; the URL itself never appears in the template.
   * @default - no pager subscription from a secret
   */
  readonly pagerUrlSecret?: secretsmanager.ISecret;
  /**
   * JSON field of `pagerUrlSecret` that holds the URL.
   * @default - the whole secret string is the URL
   */
  readonly pagerUrlSecretField?: string;
  /**
   * Key that encrypts both topics. Its key policy gets the publishers' statement (an imported key's
   * policy cannot be changed: grant them kms:GenerateDataKey* and kms:Decrypt yourself).
   * @default - a new customer-managed key with yearly rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Service principals allowed to publish to the topics (and use the key). Alarms, EventBridge rules,
   * AWS Backup vault notifications and AWS Budgets alerts publish as these services.
   * @default - cloudwatch.amazonaws.com, events.amazonaws.com, backup.amazonaws.com, budgets.amazonaws.com
   */
  readonly publisherServices?: readonly string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const RULES: readonly ValidationRule<OnCallTopicsProps>[] = [
  {
    field: 'criticalEmails',
    value: (p) => p.criticalEmails ?? [],
    check: (v: string[]) => v.every((e) => Token.isUnresolved(e) || EMAIL.test(e)),
    fix: 'list e-mail addresses such as "oncall@example.com"',
  },
  {
    field: 'warningEmails',
    value: (p) => p.warningEmails ?? [],
    check: (v: string[]) => v.every((e) => Token.isUnresolved(e) || EMAIL.test(e)),
    fix: 'list e-mail addresses such as "platform@example.com"',
  },
  {
    field: 'pagerUrl',
    value: (p) => p.pagerUrl,
    check: (v) => v === undefined || /^https:\/\/\S+$/.test(v),
    fix: 'use the https:// integration URL; SNS delivers alarms in clear text over http',
  },
  {
    field: 'pagerUrl',
    value: (p) => p.pagerUrl,
    check: (v, p) => v === undefined || p.pagerUrlSecret === undefined,
    fix: 'set pagerUrl or pagerUrlSecret, not both',
  },
  {
    field: 'pagerUrlSecretField',
    value: (p) => p.pagerUrlSecretField,
    check: (v, p) => v === undefined || p.pagerUrlSecret !== undefined,
    fix: 'pagerUrlSecretField needs pagerUrlSecret',
  },
];

/**
 * The two on-call SNS topics of a stage: `critical` pages a human now, `warning` opens a ticket.
 * Both are encrypted with a customer-managed key, refuse non-TLS publishers and subscribers, and
 * allow the AWS services that raise alarms to publish.
 */
export class OnCallTopics extends Construct {
  /** Pages: customer impact now or imminent. */
  public readonly critical: sns.ITopic;
  /** Tickets: needs attention within business hours. */
  public readonly warning: sns.ITopic;
  /** The key both topics are encrypted with. */
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: OnCallTopicsProps = {}) {
    super(scope, id);
    assertValid(`OnCallTopics "${this.node.path}"`, props, RULES);

    const publishers = props.publisherServices ?? ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'backup.amazonaws.com', 'budgets.amazonaws.com'];
    const account = Stack.of(this).account;

    this.key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the on-call SNS topics',
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy: RemovalPolicy.RETAIN,
      });
    // Alarms, EventBridge, Backup and Budgets publish as services; without key access their messages are
    // dropped silently. A given key gets the same statement; an imported key's policy cannot be changed here.
    const added = this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmPublishers',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        principals: publishers.map((s) => new iam.ServicePrincipal(s)),
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      /* allowNoOp */ true,
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        'readiness:on-call-key-policy',
        `encryptionKey is imported: its key policy must allow ${publishers.join(', ')} kms:GenerateDataKey* and kms:Decrypt, or alarms and rules cannot publish to the topics`,
      );
    }

    const critical = this.topic('Critical', 'Critical: pages on-call now', publishers, account);
    const warning = this.topic('Warning', 'Warning: opens a ticket for business hours', publishers, account);

    for (const email of props.criticalEmails ?? []) critical.addSubscription(new subs.EmailSubscription(email));
    for (const email of props.warningEmails ?? []) warning.addSubscription(new subs.EmailSubscription(email));

    const pagerUrl = props.pagerUrlSecret
      ? SecretValue.secretsManager(props.pagerUrlSecret.secretArn, { jsonField: props.pagerUrlSecretField }).unsafeUnwrap()
      : props.pagerUrl;
    if (pagerUrl) {
      // Pager integrations parse the SNS envelope: keep raw delivery off.
      critical.addSubscription(new subs.UrlSubscription(pagerUrl, { protocol: sns.SubscriptionProtocol.HTTPS, rawMessageDelivery: false }));
    }

    this.critical = critical;
    this.warning = warning;
  }

  private topic(id: string, displayName: string, publishers: readonly string[], account: string): sns.Topic {
    const topic = new sns.Topic(this, id, {
      displayName,
      masterKey: this.key,
      enforceSSL: true,
      signatureVersion: '2',
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmPublishers',
        actions: ['sns:Publish'],
        principals: publishers.map((s) => new iam.ServicePrincipal(s)),
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    return topic;
  }
}
