import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { isTrue, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { elementsOf, referencedResource } from '../intrinsics';

/** Subscription protocols that reach a person: email and SMS, or a pager integration webhook (https). */
const HUMAN_PROTOCOLS = ['email', 'email-json', 'sms', 'https'];

/**
 * The alarm description's literal text: a string, or the literal pieces of a `Fn::Join` (a region token
 * inside the description). `undefined` when it is missing or no literal is readable.
 */
export function descriptionText(node: CfnResource): string | undefined {
  const raw = prop(node, 'AlarmDescription');
  const literal = stringOf(node, raw);
  if (literal !== undefined) return literal;
  const v = Stack.of(node).resolve(raw);
  const join = v?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map((p: unknown) => (typeof p === 'string' ? p : '?')).join(join[0] ?? '');
  return undefined;
}

/** A critical alarm: its description starts with `[CRITICAL]` (as AlarmKit writes it). */
export function isCritical(node: CfnResource): boolean {
  return descriptionText(node)?.startsWith('[CRITICAL]') ?? false;
}

/** The response plan name of an Incident Manager alarm action (literal or joined from literal pieces), or undefined. */
function responsePlanName(node: CfnResource, action: unknown): string | undefined {
  const literal = stringOf(node, action);
  let text = literal;
  if (text === undefined) {
    const v = Stack.of(node).resolve(action);
    const join = v?.['Fn::Join'];
    // Only the partition and account may be tokens: the plan name must be a literal piece.
    if (Array.isArray(join) && Array.isArray(join[1])) text = join[1].map((p: unknown) => (typeof p === 'string' ? p : '{token}')).join(join[0] ?? '');
  }
  const m = text ? /^arn:[^:]+:ssm-incidents::[^:]*:response-plan\/([A-Za-z0-9_-]+)$/.exec(text.replace(/^arn:\{token\}/, 'arn:aws')) : null;
  return m ? m[1] : undefined;
}

/** Why one action does not reach a human, or undefined when it does. */
function actionGap(node: CfnResource, action: unknown): string | undefined {
  const planName = responsePlanName(node, action);
  if (planName !== undefined) {
    const plans = resourcesOfType(node.node.root, 'AWS::SSMIncidents::ResponsePlan').filter((p) => stringOf(p, prop(p, 'Name')) === planName);
    if (plans.length === 0) return `response plan ${planName} is not in the app (nothing proves whom it engages)`;
    const engaged = plans.some((p) => {
      const e = elementsOf(p, prop(p, 'Engagements'));
      return e !== undefined && e.length > 0;
    });
    return engaged ? undefined : `response plan ${planName} has no Engagements`;
  }
  const topic = referencedResource(node, action);
  if (!topic || topic.cfnResourceType !== 'AWS::SNS::Topic') return `action ${JSON.stringify(Stack.of(node).resolve(action))} is neither an SNS topic of the app nor an Incident Manager response plan`;
  const inline = elementsOf(topic, prop(topic, 'Subscription')) ?? [];
  const inlineHuman = inline.some((s: any) => HUMAN_PROTOCOLS.includes(String(stringOf(topic, s?.Protocol))));
  const subscribed = resourcesOfType(node.node.root, 'AWS::SNS::Subscription').some(
    (s) => referencedResource(s, prop(s, 'TopicArn')) === topic && HUMAN_PROTOCOLS.includes(String(stringOf(s, prop(s, 'Protocol')))),
  );
  return inlineHuman || subscribed ? undefined : `topic ${topic.node.path} has no email, SMS or pager (https) subscription`;
}

/**
 * Readiness-INCIDENT-PATH: every prod alarm of severity critical (description `[CRITICAL] ...`) reaches a
 * human: an ALARM action on an SNS topic of the app with an email, SMS or pager (https) subscription, or
 * on an Incident Manager response plan of the app that engages someone. Non-critical alarms are not applicable.
 */
export const CriticalAlarmsReachAHuman: ResourceRule = {
  kind: 'resource',
  id: 'INCIDENT-PATH',
  controlId: 'INCIDENT-RESPONSE',
  category: 'operations',
  stages: ['prod'],
  resourceTypes: ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'],
  info: 'A critical alarm reaches no human: no ALARM action on a topic with an on-call subscription or on an Incident Manager response plan that engages someone.',
  explanation:
    'A critical alarm nobody hears is an outage nobody triages (gap 9.2: incident levels, escalation). Give it an AlarmActions entry on an SNS topic ' +
    'with an email, SMS or pager (https) subscription, or `new SsmIncidentAction(<response plan name>)` with a response plan (AWS::SSMIncidents::ResponsePlan) that has Engagements.',
  test: 'test/aspects/rules/incident/critical-alarms-reach-a-human.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    if (!isCritical(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const enabled = prop(node, 'ActionsEnabled');
    if (enabled !== undefined && !isTrue(node, enabled)) return [`ActionsEnabled is ${JSON.stringify(Stack.of(node).resolve(enabled))}`];
    const actions = elementsOf(node, prop(node, 'AlarmActions'));
    if (actions === undefined) return [`AlarmActions cannot be read`];
    if (actions.length === 0) return [`AlarmActions is empty`];
    const gaps = actions.map((a) => actionGap(node, a));
    return gaps.some((g) => g === undefined) ? NagRuleCompliance.COMPLIANT : [`${node.node.path}: AlarmActions reach no human (${gaps.join('; ')})`];
  },
};
