import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssmincidents from 'aws-cdk-lib/aws-ssmincidents';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { CriticalAlarmsReachAHuman as rule } from '../../../../lib/aspects/rules/incident/critical-alarms-reach-a-human';
import { check, userStack } from '../rule-test-kit';

describe('Readiness-INCIDENT-PATH', () => {
  let stack: Stack;
  const alarms: Record<string, cloudwatch.Alarm> = {};

  beforeAll(() => {
    stack = userStack();
    const metric = new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' });
    const alarm = (id: string, description: string, ...acts: cloudwatch.IAlarmAction[]) => {
      alarms[id] = new cloudwatch.Alarm(stack, id, { metric, threshold: 1, evaluationPeriods: 1, alarmDescription: description });
      for (const a of acts) alarms[id].addAlarmAction(a);
    };
    const paged = new sns.Topic(stack, 'Paged');
    paged.addSubscription(new subs.EmailSubscription('oncall@example.com'));
    const queueOnly = new sns.Topic(stack, 'QueueOnly');
    queueOnly.addSubscription(new subs.SqsSubscription(new sqs.Queue(stack, 'Queue')));
    new ssmincidents.CfnResponsePlan(stack, 'Sev2', { name: 'shop-sev2', incidentTemplate: { title: 'SEV2', impact: 2 }, engagements: ['arn:aws:ssm-contacts:eu-west-1:111111111111:contact/escalation'] });
    new ssmincidents.CfnResponsePlan(stack, 'Nobody', { name: 'shop-nobody', incidentTemplate: { title: 'x', impact: 3 } });

    alarm('EmailPaged', '[CRITICAL] 5xx above 1%', new actions.SnsAction(paged));
    alarm('IncidentStarted', '[CRITICAL] database down', new actions.SsmIncidentAction('shop-sev2'));
    alarm('QueueOnlyTopic', '[CRITICAL] latency', new actions.SnsAction(queueOnly));
    alarm('NoActions', '[CRITICAL] cache down');
    // Fooling: a plan name that is not in the app, a plan that engages nobody, actions disabled.
    alarm('GhostPlan', '[CRITICAL] queue stuck', new actions.SsmIncidentAction('shop-ghost'));
    alarm('PlanEngagesNobody', '[CRITICAL] disk full', new actions.SsmIncidentAction('shop-nobody'));
    alarm('Disabled', '[CRITICAL] memory', new actions.SnsAction(paged));
    (alarms.Disabled.node.defaultChild as cloudwatch.CfnAlarm).actionsEnabled = false;
    // A warning, and a description that mentions "critical" later: not critical.
    alarm('Warning', '[WARNING] CPU high');
    alarm('MentionsCritical', 'Not [CRITICAL]: a ticket');
  });

  test('a critical alarm on a topic with an email subscription, or on a response plan that engages someone, is compliant', () => {
    expect(check(rule, alarms.EmailPaged)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, alarms.IncidentStarted)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a topic with only a queue subscription, or no action, reaches nobody: the finding names the alarm and the gap', () => {
    expect(check(rule, alarms.QueueOnlyTopic)).toEqual([expect.stringMatching(/reach no human.*topic UserStack\/QueueOnly\/Resource has no email, SMS or pager/)]);
    expect(check(rule, alarms.NoActions)).toEqual(['AlarmActions is empty']);
  });

  test('fooling: a response plan outside the app, one without engagements, and disabled actions do not count', () => {
    expect(check(rule, alarms.GhostPlan)).toEqual([expect.stringMatching(/response plan shop-ghost is not in the app/)]);
    expect(check(rule, alarms.PlanEngagesNobody)).toEqual([expect.stringMatching(/response plan shop-nobody has no Engagements/)]);
    expect(check(rule, alarms.Disabled)).toEqual([expect.stringMatching(/ActionsEnabled is false/)]);
  });

  test('warnings are not applicable; the rule runs in prod only', () => {
    expect(check(rule, alarms.Warning)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, alarms.MentionsCritical)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(rule.stages).toEqual(['prod']);
  });

  test('the pack flags exactly the critical alarms that reach nobody', () => {
    // Findings extend the rule ID (`Readiness-INCIDENT-PATH[<finding>]`).
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [rule] }).validateScope(stack);
    const flagged = report.violations.filter((v) => v.ruleName.startsWith('Readiness-INCIDENT-PATH')).flatMap((v) => v.violatingResources.map((r) => r.constructPath!));
    expect(flagged.sort()).toEqual(
      ['Disabled', 'GhostPlan', 'NoActions', 'PlanEngagesNobody', 'QueueOnlyTopic'].map((id) => `UserStack/${id}/Resource`),
    );
  });
});
