import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { AlarmMetricsExist as rule } from '../../../../lib/aspects/rules/observability/alarm-metrics-exist';
import { ENUMERATED_SOURCES, ENUMERATED_VALUES, METRIC_SUPPLEMENT, metricCatalog, metricCatalogLoadMillis } from '../../../../lib/aspects/analysis/metric-catalog';
import { App } from 'aws-cdk-lib';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { enforceReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';
import { ruleIdOf } from '../../../../lib/aspects/rule';
import { check, userStack } from '../rule-test-kit';

/** Construct paths and finding rule names the Readiness pack reports for this rule (findings are `<rule>[<finding>]`). */
function flagged(stack: Stack): string[] {
  const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [rule] }).validateScope(stack);
  // What failed is in the violation's locations (named finding IDs stay in the rule name).
  return report.violations
    .filter((v) => v.ruleName.startsWith(ruleIdOf(rule)))
    .flatMap((v) => v.violatingResources.map((r) => `${r.constructPath} ${v.ruleName}${r.locations && r.locations.length > 0 ? `[${r.locations.join('; ')}]` : ''}`));
}

const alarmOn = (stack: Stack, id: string, metric: cloudwatch.Metric | cloudwatch.MathExpression) => metric.createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 });
const rds = (metricName: string, dimensionsMap: Record<string, string>) => new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap, statistic: 'Minimum', period: Duration.minutes(1) });
const proxyDims = (targetRole: string) => ({ ProxyName: 'orders-proxy', TargetGroup: 'default', TargetRole: targetRole });
const findings = (result: unknown) => (Array.isArray(result) ? result.join('\n') : String(result));

describe('Readiness-ALARM-METRIC-EXISTS', () => {
  let stack: Stack;
  let queue: sqs.Queue;
  beforeEach(() => {
    stack = userStack();
    queue = new sqs.Queue(stack, 'Jobs');
  });

  test('alarms on published metrics are compliant: SQS through the L2 helper, Aurora writer by Role, RDS Proxy by TargetRole READWRITE, CloudFront Region=Global', () => {
    expect(check(rule, alarmOn(stack, 'Age', queue.metricApproximateAgeOfOldestMessage()))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, alarmOn(stack, 'WriterCpu', rds('CPUUtilization', { DBClusterIdentifier: 'orders', Role: 'WRITER' })))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, alarmOn(stack, 'ProxyUp', rds('AvailabilityPercentage', proxyDims('READWRITE'))))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, alarmOn(stack, 'ReaderProxyUp', rds('AvailabilityPercentage', proxyDims('READ_ONLY'))))).toBe(NagRuleCompliance.COMPLIANT);
    const cdn = new cloudwatch.Metric({ namespace: 'AWS/CloudFront', metricName: '5xxErrorRate', dimensionsMap: { DistributionId: 'E123', Region: 'Global' } });
    expect(check(rule, alarmOn(stack, 'Cdn5xx', cdn))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('RDS Proxy TargetRole=READ_WRITE (the API spelling) is a metric that never has data: non-compliant, naming the value and the valid ones', () => {
    const result = check(rule, alarmOn(stack, 'ProxyUp', rds('AvailabilityPercentage', proxyDims('READ_WRITE'))));
    expect(findings(result)).toMatch(/MetricName AWS\/RDS AvailabilityPercentage: Dimensions.TargetRole="READ_WRITE" is not a value AWS publishes \(READWRITE, READ_ONLY\)/);
    const paths = flagged(stack);
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatch(/^UserStack\/ProxyUp\/Resource Readiness-ALARM-METRIC-EXISTS\[.*TargetRole="READ_WRITE"/);
  });

  test('a misspelt metric, a dimension set AWS does not publish and a wrong Role are non-compliant', () => {
    const typo = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMesage', dimensionsMap: { QueueName: queue.queueName } });
    expect(findings(check(rule, alarmOn(stack, 'Typo', typo)))).toMatch(/AWS\/SQS has no metric "ApproximateAgeOfOldestMesage"/);
    const extra = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensionsMap: { QueueName: queue.queueName, Stage: 'prod' } });
    expect(findings(check(rule, alarmOn(stack, 'Extra', extra)))).toMatch(/Dimensions \[QueueName,Stage\] is not a dimension set AWS publishes it with \(\[QueueName\]\)/);
    expect(findings(check(rule, alarmOn(stack, 'Primary', rds('CPUUtilization', { DBClusterIdentifier: 'orders', Role: 'PRIMARY' }))))).toMatch(/Role="PRIMARY" is not a value AWS publishes \(WRITER, READER\)/);
  });

  test('a name dimension given an ARN or a URL is non-compliant (queue ARN, queue URL, load balancer ARN, a literal topic ARN)', () => {
    const byArn = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensionsMap: { QueueName: queue.queueArn } });
    expect(findings(check(rule, alarmOn(stack, 'ByArn', byArn)))).toMatch(/Dimensions.QueueName is given an ARN/);
    const byUrl = new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensionsMap: { QueueName: queue.queueUrl } });
    expect(findings(check(rule, alarmOn(stack, 'ByUrl', byUrl)))).toMatch(/Dimensions.QueueName is given a URL/);
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 }) });
    const lbArn = new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', dimensionsMap: { LoadBalancer: alb.loadBalancerArn } });
    expect(findings(check(rule, alarmOn(stack, 'LbArn', lbArn)))).toMatch(/Dimensions.LoadBalancer is given an ARN/);
    expect(check(rule, alarmOn(stack, 'LbName', alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT)))).toBe(NagRuleCompliance.COMPLIANT);
    const topic = new cloudwatch.Metric({ namespace: 'AWS/SNS', metricName: 'NumberOfNotificationsFailed', dimensionsMap: { TopicName: 'arn:aws:sns:eu-west-1:111111111111:oncall' } });
    expect(findings(check(rule, alarmOn(stack, 'TopicArn', topic)))).toMatch(/TopicName is given an ARN/);
    expect(check(rule, alarmOn(stack, 'TopicName', new sns.Topic(stack, 'T').metricNumberOfNotificationsFailed()))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('fooling: a metric-math alarm whose first metric is fine but whose second is wrong is non-compliant, naming Metrics[i]', () => {
    const math = new cloudwatch.MathExpression({
      expression: '100 * borrowed / allowed',
      usingMetrics: { borrowed: rds('DatabaseConnectionsCurrentlyBorrowed', proxyDims('READWRITE')), allowed: rds('MaxDatabaseConnectionsAllowed', proxyDims('READ_WRITE')) },
    });
    const result = findings(check(rule, alarmOn(stack, 'Saturation', math)));
    expect(result).toMatch(/Metrics\[\d\] AWS\/RDS MaxDatabaseConnectionsAllowed: Dimensions.TargetRole="READ_WRITE"/);
    expect(result).not.toMatch(/DatabaseConnectionsCurrentlyBorrowed/);
  });

  test('fooling: what the rule cannot read never passes: an unknown AWS namespace, a Role from a parameter, a Metrics Insights query', () => {
    const unknown = new cloudwatch.Metric({ namespace: 'AWS/NotAService', metricName: 'Errors', dimensionsMap: { Name: 'x' } });
    expect(findings(check(rule, alarmOn(stack, 'Unknown', unknown)))).toMatch(/namespace AWS\/NotAService not understood/);
    const role = new CfnParameter(stack, 'Role');
    expect(findings(check(rule, alarmOn(stack, 'ParamRole', rds('CPUUtilization', { DBClusterIdentifier: 'orders', Role: role.valueAsString }))))).toMatch(/Dimensions.Role cannot be read/);
    const query = new cloudwatch.MathExpression({ expression: 'SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)', usingMetrics: {}, period: Duration.minutes(5) });
    expect(findings(check(rule, alarmOn(stack, 'Query', query)))).toMatch(/Metrics\[0\].Expression: not understood/);
  });

  test('AWS WAF: Region is a region code (the stack\'s own AWS::Region counts), not a name', () => {
    const waf = (region: string) => new cloudwatch.Metric({ namespace: 'AWS/WAFV2', metricName: 'BlockedRequests', dimensionsMap: { WebACL: 'api', Rule: 'ALL', Region: region } });
    expect(check(rule, alarmOn(stack, 'Own', waf(stack.region)))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, alarmOn(stack, 'Literal', waf('eu-west-1')))).toBe(NagRuleCompliance.COMPLIANT);
    expect(findings(check(rule, alarmOn(stack, 'Named', waf('Ireland'))))).toMatch(/Dimensions.Region="Ireland" does not match/);
  });

  test('custom namespaces are not applicable (an application metric, Container Insights)', () => {
    const own = new cloudwatch.Metric({ namespace: 'Orders', metricName: 'Failed' });
    expect(check(rule, alarmOn(stack, 'Own', own))).toBe(NagRuleCompliance.NOT_APPLICABLE);
    const ci = new cloudwatch.Metric({ namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensionsMap: { ClusterName: 'c', ServiceName: 's' } });
    expect(check(rule, alarmOn(stack, 'Ci', ci))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('the gate fails synth of a user app whose proxy alarm uses READ_WRITE, and passes it with READWRITE', () => {
    const build = (role: string) => {
      const app = new App({ context: NO_BUNDLING });
      const s = new Stack(app, 'UserStack');
      alarmOn(s, 'ProxyUp', rds('AvailabilityPercentage', proxyDims(role)));
      enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false });
      return app;
    };
    expect(() => build('READ_WRITE').synth()).toThrow(/Readiness-ALARM-METRIC-EXISTS|Validation failed/);
    expect(() => build('READWRITE').synth()).not.toThrow();
  });

  describe('Aurora: per-metric dimension sets (instance-level, cluster-level, instance-only)', () => {
    /** A plain L2 alarm on an AWS/RDS metric, as a user's app would write it. */
    const alarm = (id: string, metricName: string, dimensionsMap: Record<string, string>) =>
      new cloudwatch.Alarm(stack, id, {
        metric: new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap, statistic: 'Average', period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 1,
      });

    test('compliant: an instance-level metric by cluster and role, by instance and by cluster; a cluster-level metric by cluster', () => {
      expect(check(rule, alarm('ReaderCpu', 'CPUUtilization', { DBClusterIdentifier: 'orders', Role: 'READER' }))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, alarm('InstanceLoad', 'DBLoad', { DBInstanceIdentifier: 'orders-1' }))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, alarm('ClusterDeadlocks', 'Deadlocks', { DBClusterIdentifier: 'orders' }))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, alarm('Volume', 'VolumeBytesUsed', { DBClusterIdentifier: 'orders' }))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, alarm('WriterLagMax', 'AuroraReplicaLagMaximum', { DBClusterIdentifier: 'orders', Role: 'WRITER' }))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, alarm('ReaderLag', 'AuroraReplicaLag', { DBClusterIdentifier: 'orders', Role: 'READER' }))).toBe(NagRuleCompliance.COMPLIANT);
    });

    test('an instance-only metric (Performance Insights DBLoad) alarmed at cluster level is non-compliant, naming the metric, the set and the sets AWS publishes', () => {
      const byRole = findings(check(rule, alarm('WriterLoad', 'DBLoad', { DBClusterIdentifier: 'orders', Role: 'WRITER' })));
      expect(byRole).toMatch(/MetricName AWS\/RDS DBLoad: Dimensions \[DBClusterIdentifier,Role\] is not a dimension set AWS publishes it with \(\[DBInstanceIdentifier\]\)/);
      expect(findings(check(rule, alarm('ClusterLoad', 'DBLoadCPU', { DBClusterIdentifier: 'orders' })))).toMatch(/DBLoadCPU: Dimensions \[DBClusterIdentifier\] is not a dimension set/);
    });

    test('a cluster-level metric (VolumeBytesUsed, global database lag) alarmed per instance or per role is non-compliant', () => {
      expect(findings(check(rule, alarm('VolumeByRole', 'VolumeBytesUsed', { DBClusterIdentifier: 'orders', Role: 'WRITER' })))).toMatch(/VolumeBytesUsed: Dimensions \[DBClusterIdentifier,Role\] is not a dimension set/);
      expect(findings(check(rule, alarm('VolumeByInstance', 'VolumeBytesUsed', { DBInstanceIdentifier: 'orders-1' })))).toMatch(/VolumeBytesUsed: Dimensions \[DBInstanceIdentifier\] is not a dimension set/);
      expect(findings(check(rule, alarm('GlobalLagByInstance', 'AuroraGlobalDBReplicationLag', { DBInstanceIdentifier: 'orders-1' })))).toMatch(/AuroraGlobalDBReplicationLag: Dimensions \[DBInstanceIdentifier\]/);
    });

    test('a role AWS does not publish the metric for is non-compliant: replica lag of the writer, replica-lag maximum of the readers', () => {
      expect(findings(check(rule, alarm('WriterLag', 'AuroraReplicaLag', { DBClusterIdentifier: 'orders', Role: 'WRITER' })))).toMatch(/AuroraReplicaLag: Dimensions.Role="WRITER" is not a value AWS publishes \(READER\)/);
      expect(findings(check(rule, alarm('ReaderLagMax', 'AuroraReplicaLagMaximum', { DBClusterIdentifier: 'orders', Role: 'READER' })))).toMatch(/AuroraReplicaLagMaximum: Dimensions.Role="READER" is not a value AWS publishes \(WRITER\)/);
    });

    test('fooling: an RDS-only metric with an Aurora role set (FreeStorageSpace by cluster and role), and an instance-only metric hidden in a metric-math alarm, are non-compliant', () => {
      expect(findings(check(rule, alarm('StorageByRole', 'FreeStorageSpace', { DBClusterIdentifier: 'orders', Role: 'WRITER' })))).toMatch(/FreeStorageSpace: Dimensions \[DBClusterIdentifier,Role\] is not a dimension set/);
      const perVcpu = new cloudwatch.MathExpression({
        expression: 'load / cpu',
        usingMetrics: {
          cpu: rds('CPUUtilization', { DBClusterIdentifier: 'orders', Role: 'WRITER' }),
          load: rds('DBLoad', { DBClusterIdentifier: 'orders', Role: 'WRITER' }),
        },
      });
      const result = findings(check(rule, alarmOn(stack, 'LoadPerCpu', perVcpu)));
      expect(result).toMatch(/Metrics\[\d\] AWS\/RDS DBLoad: Dimensions \[DBClusterIdentifier,Role\] is not a dimension set/);
      expect(result).not.toMatch(/CPUUtilization/);
    });
  });

  describe('RDS Proxy: the dimension sets each metric is published with', () => {
    test('DatabaseConnectionsBorrowLatency is published by proxy and endpoint (sets 1, 2), not by target role', () => {
      expect(check(rule, alarmOn(stack, 'BorrowByEndpoint', rds('DatabaseConnectionsBorrowLatency', { ProxyName: 'orders-proxy', EndpointName: 'reader' })))).toBe(NagRuleCompliance.COMPLIANT);
      expect(findings(check(rule, alarmOn(stack, 'BorrowByRole', rds('DatabaseConnectionsBorrowLatency', proxyDims('READWRITE')))))).toMatch(
        /DatabaseConnectionsBorrowLatency: Dimensions \[ProxyName,TargetGroup,TargetRole\] is not a dimension set AWS publishes it with \(\[ProxyName\] \[EndpointName,ProxyName\]\)/,
      );
    });

    test('AvailabilityPercentage is published by target role only; QueryDatabaseResponseLatency by all four sets', () => {
      expect(findings(check(rule, alarmOn(stack, 'UpByTarget', rds('AvailabilityPercentage', { ProxyName: 'orders-proxy', TargetGroup: 'default', Target: 'db:orders-1' }))))).toMatch(
        /AvailabilityPercentage: Dimensions \[ProxyName,Target,TargetGroup\] is not a dimension set/,
      );
      expect(check(rule, alarmOn(stack, 'DbLatencyByEndpoint', rds('QueryDatabaseResponseLatency', { ProxyName: 'orders-proxy', EndpointName: 'reader' })))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, alarmOn(stack, 'DbLatencyByRole', rds('QueryDatabaseResponseLatency', proxyDims('READ_ONLY'))))).toBe(NagRuleCompliance.COMPLIANT);
    });

    test('a target group other than default never has data', () => {
      const dims = { ProxyName: 'orders-proxy', TargetGroup: 'orders', TargetRole: 'READWRITE' };
      expect(findings(check(rule, alarmOn(stack, 'OtherGroup', rds('AvailabilityPercentage', dims))))).toMatch(/Dimensions.TargetGroup="orders" is not a value AWS publishes \(default\)/);
    });
  });

  test('AWS WAF: rule-group metrics of a web ACL and CloudFront web ACLs (no Region) are compliant; a CloudFront Region and label metrics are findings', () => {
    const waf = (id: string, metricName: string, dimensionsMap: Record<string, string>) =>
      alarmOn(stack, id, new cloudwatch.Metric({ namespace: 'AWS/WAFV2', metricName, dimensionsMap, statistic: 'Sum' }));
    expect(check(rule, waf('Passed', 'PassedRequests', { Region: 'eu-west-1', RuleGroup: 'common', WebACL: 'api' }))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, waf('CdnBlocked', 'BlockedRequests', { Rule: 'ALL', WebACL: 'cdn' }))).toBe(NagRuleCompliance.COMPLIANT);
    expect(findings(check(rule, waf('CdnGlobal', 'BlockedRequests', { Rule: 'ALL', WebACL: 'cdn', Region: 'Global' })))).toMatch(/Dimensions.Region="Global" does not match/);
    expect(findings(check(rule, waf('Label', 'BlockedRequests', { Region: 'eu-west-1', WebACL: 'api', LabelNamespace: 'awswaf:managed:aws:bot-control:bot:category', Label: 'http_library' })))).toMatch(
      /BlockedRequests: Dimensions \[Label,LabelNamespace,Region,WebACL\] is not a dimension set/,
    );
  });

  test('every supplement entry and every enumerated value names the AWS page it was checked against', () => {
    for (const entry of METRIC_SUPPLEMENT) {
      for (const url of entry.source.split(' ; ')) expect(url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
    for (const [namespace, dims] of Object.entries(ENUMERATED_VALUES)) for (const name of Object.keys(dims)) expect(ENUMERATED_SOURCES[`${namespace} ${name}`]).toBeDefined();
  });

  test('the metric database loads once per process', () => {
    metricCatalog();
    const first = metricCatalogLoadMillis();
    expect(first).toBeGreaterThan(0);
    expect(metricCatalog().loadMillis).toBe(0);
    expect(metricCatalog().namespaces.get('AWS/SQS')?.has('ApproximateAgeOfOldestMessage')).toBe(true);
  });
});
