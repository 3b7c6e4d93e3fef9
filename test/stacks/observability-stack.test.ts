import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PROD } from '../../lib/config/stages';
import { ObservabilityStack } from '../../lib/stacks/observability-stack';
import { ENV, watchedResources } from '../constructs/observability/fixtures';
import { newTestApp } from '../helpers/synth';

describe('ObservabilityStack over every tier (prod config)', () => {
  let template: Template;
  let resources: Record<string, any>;
  beforeAll(() => {
    const app = newTestApp();
    const w = watchedResources(app);
    const alerting = new Stack(app, 'Alerting', { env: ENV });
    const critical = new sns.Topic(alerting, 'Critical');
    const warning = new sns.Topic(alerting, 'Warning');
    const obs = new ObservabilityStack(app, 'Observability', {
      env: ENV,
      config: PROD,
      criticalTopic: critical,
      warningTopic: warning,
      databaseCluster: w.cluster,
      databaseProxy: w.proxy,
      cacheReplicationGroup: w.replicationGroup,
      loadBalancer: w.loadBalancer,
      targetGroups: [w.targetGroup],
      service: w.service,
      workerService: w.service,
      queues: [w.queue],
      deadLetterQueues: [w.deadLetterQueue],
      webAclName: 'api-acl',
      healthUrl: 'https://marketplace.example.com/health',
    });
    template = Template.fromStack(obs);
    resources = template.toJSON().Resources;
  });

  const alarmsOf = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  test('every metric alarm either notifies an SNS topic or feeds a composite that does', () => {
    const composites = alarmsOf('AWS::CloudWatch::CompositeAlarm');
    const compositeRules = JSON.stringify(composites.map(([, r]) => r.Properties.AlarmRule));
    for (const [id, alarm] of alarmsOf('AWS::CloudWatch::Alarm')) {
      const actions = alarm.Properties.AlarmActions ?? [];
      if (actions.length > 0) {
        expect(JSON.stringify(actions)).toMatch(/Alerting:ExportsOutputRef(Critical|Warning)/);
      } else {
        expect(compositeRules).toContain(id);
      }
    }
    for (const [, composite] of composites) {
      expect(JSON.stringify(composite.Properties.AlarmActions)).toMatch(/Alerting:ExportsOutputRef(Critical|Warning)/);
    }
  });

  test('every alarm with an action carries a runbook: meaning, three checks, the dashboard', () => {
    for (const [, alarm] of [...alarmsOf('AWS::CloudWatch::Alarm'), ...alarmsOf('AWS::CloudWatch::CompositeAlarm')]) {
      if ((alarm.Properties.AlarmActions ?? []).length === 0) continue;
      const text = JSON.stringify(alarm.Properties.AlarmDescription);
      expect(text).toMatch(/^"?\{?.*\[(CRITICAL|WARNING)\] /);
      expect(text).toMatch(/Check: 1\) .* 2\) .* 3\) /);
      expect(text).toMatch(/#dashboards:name=/);
    }
  });

  test('treatMissingData is chosen per alarm: a silent writer, cache or target group breaches, an idle queue does not', () => {
    const byId = (pattern: RegExp) => alarmsOf('AWS::CloudWatch::Alarm').find(([id]) => pattern.test(id))![1].Properties;
    expect(byId(/^DatabaseAlarmsWriterCpu/).TreatMissingData).toBe('breaching');
    expect(byId(/^CacheAlarmsEngineCpu/).TreatMissingData).toBe('breaching');
    expect(byId(/^ApiAlarmsNoHealthyHosts/).TreatMissingData).toBe('breaching');
    expect(byId(/^ApiAlarmsRunningTasks/).TreatMissingData).toBe('breaching');
    expect(byId(/^WorkerAlarmsQueueOldestMessage/).TreatMissingData).toBe('notBreaching');
    expect(byId(/^HealthCanaryFailing/).TreatMissingData).toBe('breaching');
  });

  test('the 5xx alarm is a metric-math ratio of target and load balancer 5xx over requests', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: PROD.observability.service.error5xxPercent,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(req >= 10, 100 * (FILL(t5, 0) + FILL(e5, 0)) / req, 0)' })]),
    });
  });

  test('the writer connections alarm compares with the instance class max_connections (r6g.xlarge: 3604)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DatabaseConnections',
      Dimensions: Match.arrayWith([{ Name: 'Role', Value: 'WRITER' }]),
      Threshold: Math.floor((3604 * PROD.observability.database.connectionsPercent) / 100),
    });
  });

  test('cache alarms take the worst of the three nodes by their node IDs', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: PROD.observability.cache.engineCpuPercent,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([enginecpuutilization_0,enginecpuutilization_1,enginecpuutilization_2])' }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'EngineCPUUtilization',
              Dimensions: [{ Name: 'CacheClusterId', Value: { 'Fn::Join': ['', [Match.anyValue(), '-003']] } }],
            }),
          }),
        }),
      ]),
    });
  });

  test('per-tier roll-ups exist for api, worker, database and cache', () => {
    for (const tier of ['ApiAlarmsHealth', 'WorkerAlarmsHealth', 'DatabaseAlarmsHealth', 'CacheAlarmsHealth']) {
      expect(alarmsOf('AWS::CloudWatch::CompositeAlarm').some(([id]) => id.startsWith(tier))).toBe(true);
    }
  });

  test('a canary calls the public health URL every minute from outside the VPC', () => {
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      Schedule: { Expression: 'rate(1 minute)' },
      StartCanaryAfterCreation: true,
      RunConfig: Match.objectLike({ EnvironmentVariables: { HEALTH_URL: 'https://marketplace.example.com/health' } }),
      VPCConfig: Match.absent(),
    });
  });

  test('one dashboard holds the tiers and the SLO panels', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const title of ['error budget remaining', 'burn rate', 'API: traffic', 'Database', 'Cache', 'Worker', 'Public health canary']) {
      expect(body).toContain(title);
    }
  });
});
