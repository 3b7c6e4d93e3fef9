import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, jsonOf, logicalIdOf, prop, resourcesOfType, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

type Obj = Record<string, any>;

/** `[]` when `value` names a destination (a literal or a reference), otherwise what is missing. */
function destination(node: CfnResource, name: string, value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [finding(node, name, value, 'a log group or Firehose ARN')];
  return [];
}

/** ALB access logs: the `access_logs.s3.enabled` attribute is `true` and names a bucket. */
function loadBalancerFindings(node: CfnResource): string[] | NagRuleCompliance {
  const type = stringOf(node, prop(node, 'Type')) ?? 'application';
  if (type !== 'application') return NagRuleCompliance.NOT_APPLICABLE;
  const attributes = (prop(node, 'LoadBalancerAttributes') ?? []) as Obj[];
  const value = (key: string) => (Array.isArray(attributes) ? attributes : []).find((a) => stringOf(node, a?.Key) === key)?.Value;
  const enabled = value('access_logs.s3.enabled');
  if (!isTrue(node, enabled)) return [finding(node, 'LoadBalancerAttributes access_logs.s3.enabled', enabled, '"true"')];
  const bucket = value('access_logs.s3.bucket');
  return bucket === undefined || bucket === '' ? [finding(node, 'LoadBalancerAttributes access_logs.s3.bucket', bucket, 'a bucket name')] : [];
}

/**
 * CloudFront: standard logging (`Logging.Bucket`), a real-time log config on the default behavior, or
 * standard logging v2 (an `AWS::Logs::DeliverySource` of the distribution with an `AWS::Logs::Delivery`).
 */
function distributionFindings(node: CfnResource): string[] {
  const config = (prop(node, 'DistributionConfig') ?? {}) as Obj;
  if (config.Logging?.Bucket !== undefined && config.Logging.Bucket !== '') return [];
  if (config.DefaultCacheBehavior?.RealtimeLogConfigArn !== undefined) return [];
  const id = logicalIdOf(node);
  const sources = resourcesOfType(node.node.root, 'AWS::Logs::DeliverySource').filter((s) => jsonOf(prop(s, 'ResourceArn') ?? null).includes(`"${id}"`));
  const names = sources.map((s) => jsonOf(prop(s, 'Name') ?? null));
  const delivered = sources.length > 0 && resourcesOfType(node.node.root, 'AWS::Logs::Delivery').some((d) => {
    const source = jsonOf(prop(d, 'DeliverySourceName') ?? null);
    return names.includes(source) || sources.some((s) => source.includes(`"${logicalIdOf(s)}"`));
  });
  return delivered ? [] : ['DistributionConfig.Logging is not set, no real-time log config on DefaultCacheBehavior and no AWS::Logs::Delivery of the distribution, needs one of them'];
}

const CHECKS: Readonly<Record<string, (node: CfnResource) => string[] | NagRuleCompliance>> = {
  'AWS::ApiGateway::Stage': (n) => destination(n, 'AccessLogSetting.DestinationArn', (prop(n, 'AccessLogSetting') as Obj | undefined)?.DestinationArn),
  'AWS::ApiGatewayV2::Stage': (n) => destination(n, 'AccessLogSettings.DestinationArn', (prop(n, 'AccessLogSettings') as Obj | undefined)?.DestinationArn),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancerFindings,
  'AWS::CloudFront::Distribution': distributionFindings,
};

/**
 * Readiness-ACCESS-LOGS: every request entry point keeps access logs: API Gateway REST and HTTP API
 * stages (`AccessLogSetting`/`AccessLogSettings` with a destination), Application Load Balancers
 * (`access_logs.s3.enabled` true with a bucket) and CloudFront distributions (standard logging, a real-time
 * log config, or a standard logging v2 delivery). Network Load Balancers are not checked.
 */
export const AccessLogged: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ACCESS-LOGS',
  controlId: 'OBSERVABILITY',
  category: 'operations',
  resourceTypes: Object.keys(CHECKS),
  info: 'The API stage, load balancer or distribution keeps no access logs (the finding names the property and value).',
  explanation:
    'Gap 4.1: without access logs there is no record of who called what, with which status and latency, for an incident or a security review. ' +
    'CDK: `deployOptions.accessLogDestination` (REST), `accessLogSettings` on the HTTP API stage, `alb.logAccessLogs(bucket)`, ' +
    '`enableLogging: true` with `logBucket` (CloudFront) or a CloudWatch Logs delivery of the distribution.',
  test: 'test/aspects/rules/observability/access-logged.spec.ts',
  check: (node: CfnResource) => {
    const check = CHECKS[node.cfnResourceType];
    if (!check) return NagRuleCompliance.NOT_APPLICABLE;
    const result = check(node);
    return Array.isArray(result) ? verdict(result) : result;
  },
});
