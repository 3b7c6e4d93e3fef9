import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROD } from '../../lib/config/stages';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { buildStage, newTestApp } from '../helpers/synth';
import { incidentResponseSection } from '../../lib/readiness/sections/incident-response';

describe('incident response and rollout in the prod stage', () => {
  let stage: ReadinessStage;
  let incident: Template;
  let observability: Template;
  let rollout: Template;
  beforeAll(() => {
    stage = buildStage(PROD).stage;
    incident = Template.fromStack(stage.incident!);
    observability = Template.fromStack(stage.observability);
    rollout = Template.fromStack(stage.rollout!);
  });

  const planArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm-incidents::${PROD.account}:response-plan/${name}`]] });

  test('the Incident stack holds contacts, rotations, the escalation plan, a response plan per level and the replication set', () => {
    incident.resourcePropertiesCountIs('AWS::SSMContacts::Contact', { Type: 'PERSONAL' }, PROD.incident!.contacts.length);
    incident.resourceCountIs('AWS::SSMContacts::Rotation', 2);
    incident.resourcePropertiesCountIs('AWS::SSMContacts::Contact', { Type: 'ESCALATION' }, 1);
    for (const level of ['sev1', 'sev2', 'sev3']) incident.hasResourceProperties('AWS::SSMIncidents::ResponsePlan', { Name: `prod-${level}` });
    incident.hasResourceProperties('AWS::SSMIncidents::ReplicationSet', { Regions: [{ RegionName: 'eu-west-1' }, { RegionName: 'eu-central-1' }, { RegionName: 'us-east-1' }].slice(0, PROD.edge.cdn ? 3 : 2) });
    incident.resourceCountIs('AWS::Events::Rule', 2);
  });

  test('the security-incident rules dead-letter to a queue under the Incident stack\'s own key, alarmed to the Alerting warning topic', () => {
    const rules = Object.values(incident.findResources('AWS::Events::Rule')) as any[];
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SecurityIncidentDeadLettersQueue/), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
        }),
      ]);
    }
    incident.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetterKey'), 'Arn'] } });
    incident.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [{ 'Fn::ImportValue': Match.stringLikeRegexp('Alerting.*OnCallWarning') }],
    });
  });

  test('critical alarms start the configured level and keep paging; tier roll-ups start theirs; warnings do not', () => {
    const alarms = observability.findResources('AWS::CloudWatch::Alarm');
    const critical = Object.values(alarms).filter((a: any) => JSON.stringify(a.Properties.AlarmDescription ?? '').startsWith('{"Fn::Join":["",["[CRITICAL]') || String(a.Properties.AlarmDescription).startsWith('[CRITICAL]'));
    expect(critical.length).toBeGreaterThan(0);
    for (const a of critical as any[]) {
      expect(a.Properties.AlarmActions).toEqual(expect.arrayContaining([planArn('prod-sev2')]));
      expect(a.Properties.AlarmActions.length).toBeGreaterThan(1);
    }
    const warnings = Object.values(alarms).filter((a: any) => !critical.includes(a));
    for (const a of warnings as any[]) expect(JSON.stringify(a.Properties.AlarmActions ?? [])).not.toContain('ssm-incidents');
    observability.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmActions: Match.arrayWith([planArn('prod-sev1')]) });
    expect(stage.observability.dependencies.map((d: Stack) => d.node.id)).toContain('Incident');
  });

  test('the AppConfig environment is monitored by the service and worker roll-ups', () => {
    rollout.hasResourceProperties('AWS::AppConfig::Environment', { Name: 'prod', Monitors: [Match.objectLike({ AlarmArn: Match.anyValue() }), Match.objectLike({ AlarmArn: Match.anyValue() })] });
    rollout.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Type: 'AWS.AppConfig.FeatureFlags' });
  });

  test('the report section names the tool, the levels and the escalation matrix from config, and the alarms that start incidents', () => {
    const section = incidentResponseSection(stage, { stage: 'prod', config: PROD, results: [] })!;
    expect(section.markdown).toMatch(/Tool in force: \*\*AWS Systems Manager Incident Manager/);
    expect(section.markdown).toMatch(/\| SEV1 \| 1 \| Customer-facing outage or data at risk \| escalation plan \| https:\/\/runbooks\.example\.com\/incidents\/sev1 \|/);
    expect(section.markdown).toMatch(/\| 3\. incident commander \| commander \| 25 min \|/);
    expect((section.data as any).alarmsStartingIncidents.length).toBeGreaterThan(0);
  });

  test('with another incident tool the section says the pager path is the route', () => {
    const config = { ...PROD, incident: { ...PROD.incident!, tool: 'pagerduty' as const } };
    const section = incidentResponseSection(new Stack(newTestApp(), 'Empty'), { stage: 'prod', config, results: [] })!;
    expect(section.markdown).toMatch(/Tool in force: \*\*pagerduty: the pager path on the critical topic is the route/);
  });
});
