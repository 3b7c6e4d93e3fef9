import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROD } from '../../lib/config/stages';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { buildStage } from '../helpers/synth';

describe('observability wiring of the prod stage', () => {
  let stage: ReadinessStage;
  let template: Template;
  beforeAll(() => {
    stage = buildStage(PROD).stage;
    template = Template.fromStack(stage.observability);
  });

  const deps = (s: Stack) => s.dependencies.map((d) => d.node.id).sort();

  test('Alerting depends on nothing; Observability depends on Data and Service, never the reverse', () => {
    expect(deps(stage.alerting)).toEqual([]);
    expect(deps(stage.observability)).toEqual(expect.arrayContaining(['Alerting', 'Data', 'Service']));
    for (const s of [stage.data, stage.service!, stage.alerting]) expect(deps(s)).not.toContain('Observability');
  });

  test('every tier is watched and rolled up, and the roll-ups are typed properties', () => {
    const composites = Object.keys(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    for (const tier of ['ApiAlarmsHealth', 'WorkerAlarmsHealth', 'DatabaseAlarmsHealth', 'CacheAlarmsHealth']) {
      expect(composites.some((id) => id.startsWith(tier))).toBe(true);
    }
    expect(stage.observability.databaseHealth).toBeDefined();
    expect(stage.observability.cacheHealth).toBeDefined();
    expect(stage.observability.serviceHealth).toBeDefined();
    expect(stage.observability.workerHealth).toBeDefined();
  });

  test('alarms read the Data and Service resources through their exports', () => {
    const json = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    for (const exported of ['Prod-Data:ExportsOutputRefDatabaseCluster', 'Prod-Data:ExportsOutputRefCache', 'Prod-Service:ExportsOutputFnGetAttWebLoadBalancer', 'Prod-Service:ExportsOutputFnGetAttWorkerQueue']) {
      expect(json).toContain(exported);
    }
  });

  test('the canary calls the CDN domain from config and the CDN gets its own us-east-1 observability', () => {
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      RunConfig: { EnvironmentVariables: { HEALTH_URL: `https://${PROD.edge.domainNames[0]}${PROD.observability.canary.healthPath}` } },
    });
    expect(stage.edgeObservability?.region).toBe('us-east-1');
    const edge = Template.fromStack(stage.edgeObservability!);
    edge.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 3);
    edge.resourceCountIs('AWS::SNS::Topic', 2);
  });

  test('the WAF alarm watches the dimension the regional web ACL publishes: its metric name', () => {
    const [acl] = Object.values(Template.fromStack(stage.service!).findResources('AWS::WAFv2::WebACL'));
    const metricName = acl.Properties.VisibilityConfig.MetricName;
    expect(metricName).toMatch(/^[\w-]{1,128}$/);
    // No Name: renaming would replace the deployed web ACL, and the replaced association's cleanup unprotects the ALB.
    expect(acl.Properties.Name).toBeUndefined();
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/WAFV2' } }));
    expect(alarm.Properties.Dimensions).toEqual(expect.arrayContaining([{ Name: 'WebACL', Value: metricName }, { Name: 'Rule', Value: 'ALL' }]));
  });
});
