import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IncidentResponse, IncidentResponseProps } from '../../../lib/constructs/incident';
import { newTestApp } from '../../helpers/synth';

const PROPS: IncidentResponseProps = {
  namePrefix: 'prod',
  contacts: [
    { alias: 'a', displayName: 'A', email: 'a@example.com' },
    { alias: 'b', displayName: 'B', email: 'b@example.com' },
    { alias: 'ic', displayName: 'IC', email: 'ic@example.com' },
  ],
  primaryRotation: ['a', 'b'],
  secondaryRotation: ['b', 'a'],
  commander: 'ic',
  primaryWait: Duration.minutes(10),
  secondaryWait: Duration.minutes(15),
  rotationStart: '2026-01-05T09:00:00',
  handOffTime: '09:00',
  timeZoneId: 'Europe/Dublin',
  shiftDays: 7,
  levels: {
    SEV1: { impact: 1, summary: 'Outage', runbookUrl: 'https://runbooks.example.com/sev1', engage: 'escalation' },
    SEV2: { impact: 2, summary: 'Degraded', runbookUrl: 'https://runbooks.example.com/sev2', engage: 'escalation' },
    SEV3: { impact: 3, summary: 'Security finding', runbookUrl: 'https://runbooks.example.com/sev3', engage: 'commander' },
  },
  replicationRegions: ['eu-west-1', 'eu-central-1'],
};

describe('IncidentResponse', () => {
  const stack = new Stack(newTestApp(), 'Incidents', { env: { account: '333333333333', region: 'eu-west-1' } });
  const incidents = new IncidentResponse(stack, 'IncidentResponse', PROPS);
  const alarm = new cloudwatch.Alarm(stack, 'Critical', { metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }), threshold: 1, evaluationPeriods: 1 });
  alarm.addAlarmAction(incidents.alarmAction('SEV2'));
  new events.Rule(stack, 'Findings', { eventPattern: { source: ['aws.guardduty'] }, targets: [incidents.ruleTarget('SEV3')] });
  const deadLetters = new sqs.Queue(stack, 'FindingDeadLetters');
  const deadLettered = new events.Rule(stack, 'DeadLetteredFindings', {
    eventPattern: { source: ['aws.securityhub'] },
    targets: [incidents.ruleTarget('SEV3', { deadLetterQueue: deadLetters, retryAttempts: 10, maxEventAge: Duration.hours(6) })],
  });
  const template = Template.fromStack(stack);
  const escalationArn = { 'Fn::GetAtt': [stack.getLogicalId(incidents.escalationPlan), 'Arn'] };
  const commanderArn = { 'Fn::GetAtt': [stack.getLogicalId(incidents.contacts.ic), 'Arn'] };

  test('a personal contact with an email channel and an engagement plan per person', () => {
    template.resourcePropertiesCountIs('AWS::SSMContacts::Contact', { Type: 'PERSONAL' }, 3);
    template.hasResourceProperties('AWS::SSMContacts::ContactChannel', { ChannelType: 'EMAIL', ChannelAddress: 'a@example.com' });
    template.hasResourceProperties('AWS::SSMContacts::Plan', { Stages: [{ DurationInMinutes: 0, Targets: [{ ChannelTargetInfo: Match.objectLike({ RetryIntervalInMinutes: 5 }) }] }] });
  });

  test('primary and secondary rotations with on-call schedules', () => {
    template.hasResourceProperties('AWS::SSMContacts::Rotation', {
      Name: 'prod_primary',
      TimeZoneId: 'Europe/Dublin',
      Recurrence: { NumberOfOnCalls: 1, RecurrenceMultiplier: 7, DailySettings: ['09:00'] },
      ContactIds: [{ 'Fn::GetAtt': [stack.getLogicalId(incidents.contacts.a), 'Arn'] }, { 'Fn::GetAtt': [stack.getLogicalId(incidents.contacts.b), 'Arn'] }],
    });
    template.resourcePropertiesCountIs('AWS::SSMContacts::Contact', { Type: 'ONCALL_SCHEDULE' }, 2);
  });

  test('the escalation plan engages the primary, then the secondary, then the incident commander after the configured waits', () => {
    template.hasResourceProperties('AWS::SSMContacts::Plan', {
      ContactId: escalationArn,
      Stages: [
        { DurationInMinutes: 10, Targets: [{ ContactTargetInfo: { ContactId: { 'Fn::GetAtt': [stack.getLogicalId(incidents.primarySchedule), 'Arn'] }, IsEssential: true } }] },
        { DurationInMinutes: 15, Targets: [{ ContactTargetInfo: { ContactId: { 'Fn::GetAtt': [stack.getLogicalId(incidents.secondarySchedule), 'Arn'] }, IsEssential: true } }] },
        { DurationInMinutes: 0, Targets: [{ ContactTargetInfo: { ContactId: commanderArn, IsEssential: true } }] },
      ],
    });
  });

  test('a response plan per level with impact, runbook and engagement, after the replication set', () => {
    template.hasResourceProperties('AWS::SSMIncidents::ReplicationSet', { Regions: [{ RegionName: 'eu-west-1' }, { RegionName: 'eu-central-1' }], DeletionProtected: true });
    template.hasResourceProperties('AWS::SSMIncidents::ResponsePlan', {
      Name: 'prod-sev1',
      IncidentTemplate: Match.objectLike({ Impact: 1, Summary: Match.stringLikeRegexp('Runbook: https://runbooks.example.com/sev1') }),
      Engagements: [escalationArn],
    });
    template.hasResourceProperties('AWS::SSMIncidents::ResponsePlan', { Name: 'prod-sev3', Engagements: [commanderArn] });
    template.hasResource('AWS::SSMIncidents::ResponsePlan', { DependsOn: [stack.getLogicalId(incidents.replicationSet!)] });
  });

  test('an alarm starts an incident with the response plan ARN; an EventBridge rule with a role that may StartIncident', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm-incidents::333333333333:response-plan/prod-sev2']] }],
    });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(incidents.responsePlans.SEV3), 'Arn'] }, RoleArn: Match.anyValue() })] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'ssm-incidents:StartIncident' })] } });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a rule target with delivery options dead-letters to the queue after bounded retries, and the queue policy lets that rule send', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.securityhub'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [stack.getLogicalId(incidents.responsePlans.SEV3), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stack.getLogicalId(deadLetters.node.defaultChild as any), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [stack.getLogicalId(deadLettered.node.defaultChild as any), 'Arn'] } } },
          }),
        ],
      },
    });
    // Without options the target stays as it was: no dead-letter config, no retry policy.
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.guardduty'] }, Targets: [Match.objectLike({ DeadLetterConfig: Match.absent(), RetryPolicy: Match.absent() })] });
  });

  test('provided replication set: none created', () => {
    const s = new Stack(newTestApp(), 'P');
    new IncidentResponse(s, 'I', { ...PROPS, replicationRegions: undefined });
    Template.fromStack(s).resourceCountIs('AWS::SSMIncidents::ReplicationSet', 0);
  });

  test('bad input: one error naming every field, value and fix', () => {
    const s = new Stack(newTestApp(), 'Bad');
    expect(() => new IncidentResponse(s, 'I', { ...PROPS, commander: 'nobody', primaryWait: Duration.minutes(45), levels: { ...PROPS.levels, SEV2: { ...PROPS.levels.SEV2, runbookUrl: 'http://x' } } }))
      .toThrow(/commander = "nobody": name an alias[\s\S]*primaryWait[\s\S]*1 to 30 minutes[\s\S]*levels\.SEV2\.runbookUrl = "http:\/\/x": link the runbook/);
  });
});
