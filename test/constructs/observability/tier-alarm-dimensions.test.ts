import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CacheAlarms, MAX_NODES } from '../../../lib/constructs/observability/cache-alarms';
import { DatabaseAlarms, PROXY_TARGET_ROLE } from '../../../lib/constructs/observability/database-alarms';
import { newTestApp } from '../../helpers/synth';
import { ENV } from './fixtures';

/** Node IDs watched by the alarms of one metric, as `<suffix>` strings ("-001", "-0002-003"). */
function watchedSuffixes(template: Template, metricName: string): string[] {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
  return alarms
    .flatMap((a) => (a.Properties.Metrics ?? []) as any[])
    .filter((m) => m.MetricStat?.Metric?.MetricName === metricName)
    .map((m) => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'CacheClusterId').Value['Fn::Join'][1][1] as string)
    .sort();
}

function routing(stack: Stack) {
  return { criticalTopic: new sns.Topic(stack, 'Critical'), warningTopic: new sns.Topic(stack, 'Warning'), dashboardName: 'Test' };
}

describe('DatabaseAlarms on an Aurora cluster behind RDS Proxy', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Db', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 });
    const cluster = new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('Writer'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const proxy = cluster.addProxy('Proxy', { secrets: [cluster.secret!], vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    new DatabaseAlarms(stack, 'Alarms', { ...routing(stack), cluster, proxy, maxConnections: 1000 });
    template = Template.fromStack(stack);
  });

  test('proxy alarms use the TargetRole value RDS Proxy publishes for the writer: READWRITE (the API spelling READ_WRITE never has data)', () => {
    expect(PROXY_TARGET_ROLE).toEqual({ writer: 'READWRITE', reader: 'READ_ONLY' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AvailabilityPercentage',
      Dimensions: Match.arrayWith([{ Name: 'TargetGroup', Value: 'default' }, { Name: 'TargetRole', Value: 'READWRITE' }]),
    });
    for (const name of ['DatabaseConnectionsCurrentlyBorrowed', 'MaxDatabaseConnectionsAllowed']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: name, Dimensions: Match.arrayWith([{ Name: 'TargetRole', Value: 'READWRITE' }]) }) }) }),
        ]),
      });
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('READ_WRITE');
  });

  test('both proxy alarms feed the database roll-up (the Aurora failover drill stop condition)', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const ids = Object.entries(alarms)
      .filter(([, a]) => JSON.stringify(a).includes('"READWRITE"'))
      .map(([id]) => id);
    expect(ids).toHaveLength(2);
    const rollUp = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))[0]);
    for (const id of ids) expect(rollUp).toContain(id);
  });
});

describe('CacheAlarms watch every node of every shard', () => {
  const build = (props: Partial<elasticache.CfnReplicationGroupProps>) => {
    const stack = new Stack(newTestApp(), 'Cache', { env: ENV });
    const replicationGroup = new elasticache.CfnReplicationGroup(stack, 'Rg', { replicationGroupDescription: 'cache', engine: 'valkey', cacheNodeType: 'cache.r7g.large', ...props });
    new CacheAlarms(stack, 'Alarms', { ...routing(stack), replicationGroup });
    return Template.fromStack(stack);
  };

  test('cluster mode off, 3 nodes: replication lag watches -001 too (a replica after a failover)', () => {
    const template = build({ numCacheClusters: 3 });
    expect(watchedSuffixes(template, 'ReplicationLag')).toEqual(['-001', '-002', '-003']);
    expect(watchedSuffixes(template, 'EngineCPUUtilization')).toEqual(['-001', '-002', '-003']);
  });

  test('cluster mode on, 3 shards x 4 nodes: 12 nodes split over alarms of at most 10 metrics, none skipped', () => {
    const template = build({ clusterMode: 'enabled', numNodeGroups: 3, replicasPerNodeGroup: 3 });
    const expected = [1, 2, 3].flatMap((s) => [1, 2, 3, 4].map((n) => `-000${s}-00${n}`)).sort();
    for (const metric of ['ReplicationLag', 'EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'Evictions', 'CurrConnections']) {
      expect(watchedSuffixes(template, metric)).toEqual(expected);
    }
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      const metrics = (alarm.Properties.Metrics ?? []).filter((m: any) => m.MetricStat);
      expect(metrics.length).toBeLessThanOrEqual(MAX_NODES);
    }
    // Both engine CPU alarms page, so both are in the roll-up.
    const rollUp = JSON.stringify(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    const cpuAlarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([, a]) => JSON.stringify(a).includes('EngineCPUUtilization'));
    expect(cpuAlarms).toHaveLength(2);
    for (const [id] of cpuAlarms) expect(rollUp).toContain(id);
  });
});
