import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { jsonOf, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { refersTo } from '../../analysis/references';
import { ALARM_TYPE, COMPOSITE_TYPE } from '../../analysis/alarm-graph';

const RULE_TYPE = 'AWS::Events::Rule';
const VAULT_TYPE = 'AWS::Backup::BackupVault';
const BUDGET_TYPE = 'AWS::Budgets::Budget';

/** The service principal that publishes each resource type's notifications. */
const PUBLISHER: Readonly<Record<string, string>> = {
  [ALARM_TYPE]: 'cloudwatch.amazonaws.com',
  [COMPOSITE_TYPE]: 'cloudwatch.amazonaws.com',
  [RULE_TYPE]: 'events.amazonaws.com',
  [VAULT_TYPE]: 'backup.amazonaws.com',
  [BUDGET_TYPE]: 'budgets.amazonaws.com',
};
const TOPIC_TYPE = 'AWS::SNS::Topic';
const KEY_TYPE = 'AWS::KMS::Key';
const ALIAS_TYPE = 'AWS::KMS::Alias';

/** What the publishing service calls on the topic's key when it publishes. */
const KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * Condition keys the publishing service sets itself: an Allow under them still matches its own requests.
 * Not kms:ViaService or kms:CallerAccount: the service calls KMS directly, from its own account.
 */
const SERVICE_CONTEXT_KEYS = ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceowner', 'kms:encryptioncontext:aws:sns:topicarn'];

type Statement = { Effect?: unknown; Principal?: unknown; Action?: unknown; NotAction?: unknown; Condition?: unknown; NotPrincipal?: unknown };

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Literal service principal names (`events.<URLSuffix>` renders as `events.amazonaws.com`). */
function servicePrincipals(value: unknown): string[] {
  return asList(value).flatMap((p: any) => {
    if (typeof p === 'string') return [p];
    const join = p?.['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1]) && typeof join[1][0] === 'string' && join[1][1]?.Ref === 'AWS::URLSuffix') return [`${join[1][0]}amazonaws.com`];
    return [];
  });
}

/** Whether a statement's principal names `service` (directly or as everyone). */
function principalMatches(s: Statement, service: string): boolean {
  if (s.NotPrincipal !== undefined) return false;
  const p = s.Principal as any;
  if (p === '*' || p?.AWS === '*' || (Array.isArray(p?.AWS) && p.AWS.includes('*'))) return true;
  return servicePrincipals(p?.Service).includes(service);
}

/** IAM action glob match, case-insensitive (`kms:GenerateDataKey*` matches `kms:GenerateDataKey`). */
function actionMatches(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string') return false;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

function coversAction(s: Statement, action: string): boolean {
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((p) => actionMatches(p, action));
  return asList(s.Action).some((p) => actionMatches(p, action));
}

/** Condition keys of a statement (lower case); undefined when the condition block cannot be read. */
function conditionKeys(s: Statement): string[] | undefined {
  if (s.Condition === undefined) return [];
  if (!s.Condition || typeof s.Condition !== 'object' || Array.isArray(s.Condition)) return undefined;
  const keys: string[] = [];
  for (const [op, block] of Object.entries(s.Condition as Record<string, unknown>)) {
    if (op.startsWith('Fn::') || !block || typeof block !== 'object') return undefined;
    keys.push(...Object.keys(block as object).map((k) => k.toLowerCase()));
  }
  return keys;
}

/** A Deny that only bites on plain-text requests (`aws:SecureTransport` false): services call over TLS. */
function tlsOnlyDeny(s: Statement): boolean {
  const c = s.Condition as any;
  return c && Object.keys(c).length === 1 && c.Bool && Object.keys(c.Bool).length === 1 && String(c.Bool['aws:SecureTransport']) === 'false';
}

/** Why `statements` do not let `service` do every one of `actions`, or undefined when they do. */
function policyGap(statements: Statement[], service: string, actions: readonly string[]): string | undefined {
  for (const action of actions) {
    const deny = statements.find((s) => s.Effect === 'Deny' && principalMatches(s, service) && coversAction(s, action) && !tlsOnlyDeny(s));
    if (deny) return `a Deny statement${(deny as any).Sid ? ` (${(deny as any).Sid})` : ''} can refuse ${service} ${action}`;
    const allowed = statements.some((s) => {
      if (s.Effect !== 'Allow' || !principalMatches(s, service) || !coversAction(s, action)) return false;
      const keys = conditionKeys(s);
      return keys !== undefined && keys.every((k) => SERVICE_CONTEXT_KEYS.includes(k));
    });
    if (!allowed) return `no statement allows ${service} ${action}${action === 'kms:GenerateDataKey' ? '*' : ''}`;
  }
  return undefined;
}

function statementsOf(document: unknown): Statement[] | undefined {
  const list = (document as any)?.Statement;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.filter((s) => s && typeof s === 'object') as Statement[];
}

const pathOf = (r: CfnResource) => r.node.path;

/** Why `service` cannot publish to `topic` (its key, its topic policy), or undefined when it can. */
function topicGap(topic: CfnResource, service: string): string | undefined {
  const keyRef = prop(topic, 'KmsMasterKeyId');
  if (keyRef !== undefined) {
    // `alias/aws/sns`, its alias ARN, or an ARN built from parts that ends in it.
    if (/["/:]alias\/aws\/sns"/.test(jsonOf(Stack.of(topic).resolve(keyRef)))) {
      return `topic ${pathOf(topic)} is encrypted with the AWS managed key alias/aws/sns, whose policy no service can be added to: use a customer managed key`;
    }
    let key = referencedResource(topic, keyRef);
    if (key?.cfnResourceType === ALIAS_TYPE) key = referencedResource(key, prop(key, 'TargetKeyId'));
    if (!key || key.cfnResourceType !== KEY_TYPE) return `topic ${pathOf(topic)} KmsMasterKeyId cannot be read (a key outside the app or a parameter)`;
    const statements = statementsOf(prop(key, 'KeyPolicy'));
    if (!statements) return `key ${pathOf(key)} KeyPolicy cannot be read`;
    const gap = policyGap(statements, service, KEY_ACTIONS);
    if (gap) return `key ${pathOf(key)} of topic ${pathOf(topic)}: ${gap}`;
    if (prop(key, 'Enabled') !== undefined && stringOf(key, prop(key, 'Enabled')) !== 'true') return `key ${pathOf(key)} of topic ${pathOf(topic)} is not Enabled`;
  }
  const policies = resourcesOfType(topic.node.root, 'AWS::SNS::TopicPolicy').filter((p) => asList(prop(p, 'Topics')).some((t) => refersTo(Stack.of(p), t, topic)));
  // Without a topic policy SNS's default one admits the account's own alarms, but no other service.
  if (policies.length === 0) return service !== 'cloudwatch.amazonaws.com' ? `topic ${pathOf(topic)} has no topic policy allowing ${service} sns:Publish` : undefined;
  for (const policy of policies) {
    const statements = statementsOf(prop(policy, 'PolicyDocument'));
    if (!statements) return `topic policy ${pathOf(policy)} cannot be read`;
    const gap = policyGap(statements, service, ['sns:Publish']);
    if (gap) return `topic policy ${pathOf(policy)} of topic ${pathOf(topic)}: ${gap}`;
  }
  return undefined;
}

/** `[where, value, role]` of every notification target of an alarm, composite alarm or EventBridge rule. */
function targetsOf(node: CfnResource): [string, unknown, unknown][] {
  if (node.cfnResourceType === RULE_TYPE) return asList(prop(node, 'Targets')).map((t: any, i) => [`Targets[${i}].Arn`, t?.Arn, t?.RoleArn]);
  if (node.cfnResourceType === VAULT_TYPE) {
    const topic = (prop(node, 'Notifications') as any)?.SNSTopicArn;
    return topic === undefined ? [] : [['Notifications.SNSTopicArn', topic, undefined]];
  }
  if (node.cfnResourceType === BUDGET_TYPE) {
    return asList(prop(node, 'NotificationsWithSubscribers')).flatMap((n: any, i) =>
      asList(n?.Subscribers)
        .map((sub: any, j): [string, unknown, unknown] => [`NotificationsWithSubscribers[${i}].Subscribers[${j}].Address`, sub?.SubscriptionType === 'SNS' ? sub.Address : undefined, undefined])
        .filter(([, v]) => v !== undefined),
    );
  }
  return ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((name) => asList(prop(node, name)).map((a, i): [string, unknown, unknown] => [`${name}[${i}]`, a, undefined]));
}

/** Whether a key policy statement delegates to IAM (the account root) or names the role. */
function admitsAccountOrRole(s: Statement, role: unknown): boolean {
  const aws = asList((s.Principal as any)?.AWS);
  const roleJson = jsonOf(role);
  return aws.some((p) => p === '*' || /^\d{12}$/.test(String(p)) || jsonOf(p).includes(':root') || (roleJson !== undefined && jsonOf(p).includes(roleJson.replace(/^"|"$/g, ''))));
}

/**
 * Why an EventBridge target that publishes with a role (RoleArn) cannot: the role publishes as an IAM
 * principal, so the key policy must delegate to IAM (the account root) or name the role. The role's
 * own IAM policy is not read here.
 */
function roleTopicGap(topic: CfnResource, role: unknown): string | undefined {
  const keyRef = prop(topic, 'KmsMasterKeyId');
  // The AWS managed key admits principals of the account through SNS: a role can use it.
  if (keyRef === undefined || /["/:]alias\/aws\/sns"/.test(jsonOf(Stack.of(topic).resolve(keyRef)))) return undefined;
  let key = referencedResource(topic, keyRef);
  if (key?.cfnResourceType === ALIAS_TYPE) key = referencedResource(key, prop(key, 'TargetKeyId'));
  if (!key || key.cfnResourceType !== KEY_TYPE) return `topic ${pathOf(topic)} KmsMasterKeyId cannot be read (a key outside the app or a parameter)`;
  const statements = statementsOf(prop(key, 'KeyPolicy'));
  if (!statements) return `key ${pathOf(key)} KeyPolicy cannot be read`;
  for (const action of KEY_ACTIONS) {
    const ok = statements.some((st) => st.Effect === 'Allow' && admitsAccountOrRole(st, role) && coversAction(st, action) && (conditionKeys(st) ?? ['?']).length === 0);
    if (!ok) return `key ${pathOf(key)} of topic ${pathOf(topic)}: no statement lets the account's IAM policies (or the target's role) use ${action}`;
  }
  return undefined;
}

/**
 * Readiness-ALARM-DELIVERABLE: every alarm action (AlarmActions, OKActions, InsufficientDataActions of
 * metric and composite alarms), EventBridge rule target, AWS Backup vault notification and AWS Budgets
 * subscriber that is an SNS topic can be published to by the service that publishes
 * (cloudwatch, events, backup, budgets .amazonaws.com): a topic encrypted with a
 * customer key whose key policy allows it kms:GenerateDataKey* and kms:Decrypt (never alias/aws/sns), and
 * a topic policy, where one exists, that allows it sns:Publish and does not deny it.
 */
export const AlarmsDeliverable: ResourceRule = {
  kind: 'resource',
  id: 'ALARM-DELIVERABLE',
  controlId: 'RUNTIME-WIRING',
  category: 'operations',
  resourceTypes: Object.keys(PUBLISHER),
  info: 'An alarm, EventBridge rule, backup vault or budget notifies an SNS topic its service cannot publish to (key policy or topic policy): the alarm fires and nobody is told.',
  explanation:
    'CloudWatch (alarms), EventBridge (rules), AWS Backup (vault notifications) and AWS Budgets publish as their service principals and call KMS themselves: ' +
    'the key of an encrypted topic must allow cloudwatch / events / backup / budgets .amazonaws.com kms:GenerateDataKey* and kms:Decrypt in its key policy (the account-root statement does not cover services), ' +
    'and the AWS managed alias/aws/sns key can never allow them. A topic policy replaces SNS\'s default one: it must allow the service sns:Publish. ' +
    'OnCallTopics does both; with your own key, key.addToResourcePolicy(...) for the publishers, and topic.addToResourcePolicy(...) for sns:Publish.',
  test: 'test/aspects/rules/observability/alarms-deliverable.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const service = PUBLISHER[node.cfnResourceType];
    const findings: string[] = [];
    let sns = 0;
    for (const [where, value, role] of targetsOf(node)) {
      const literal = stringOf(node, value);
      const target = literal === undefined ? referencedResource(node, value) : undefined;
      if (target && target.cfnResourceType !== TOPIC_TYPE) continue;
      if (!target) {
        if (literal !== undefined && !/^arn:[\w-]+:sns:/.test(literal)) continue;
        // A topic outside the app (or an intrinsic) cannot be read: never a pass.
        if (literal === undefined && !JSON.stringify(Stack.of(node).resolve(value) ?? '').includes(':sns:')) continue;
        sns++;
        findings.push(`${where}: SNS topic ${literal ?? 'from an intrinsic'} is not in the app; its key and policy cannot be checked`);
        continue;
      }
      sns++;
      const gap = role !== undefined ? roleTopicGap(target, role) : topicGap(target, service);
      if (gap) findings.push(`${where}: ${gap}`);
    }
    if (sns === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
