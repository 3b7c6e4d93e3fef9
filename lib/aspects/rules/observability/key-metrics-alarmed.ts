import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { memoPerRun, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { referenceTest } from '../../analysis/references';
import { ALARM_TYPE, alarmsWatching, compositesOf, drivesScalingOnly, notifiesSns } from '../../analysis/alarm-graph';

/**
 * Per resource type, the metric groups that need an alarm: each inner list is one requirement, met
 * by an alarm on any metric of the list. An empty list of groups: any routed alarm on the resource.
 */
const REQUIRED: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  'AWS::Lambda::Function': [['Errors'], ['Throttles']],
  'AWS::ApiGateway::RestApi': [['5XXError'], ['Latency', 'IntegrationLatency']],
  'AWS::ApiGatewayV2::Api': [['5xx'], ['Latency', 'IntegrationLatency']],
  'AWS::StepFunctions::StateMachine': [['ExecutionsFailed'], ['ExecutionsTimedOut']],
  'AWS::DynamoDB::Table': [['ThrottledRequests', 'ReadThrottleEvents', 'WriteThrottleEvents'], ['SystemErrors']],
  'AWS::RDS::DBInstance': [],
  'AWS::AutoScaling::AutoScalingGroup': [],
};

/** An alarm that reaches people: SNS directly or through a composite that notifies. */
function routed(alarm: CfnResource): boolean {
  return notifiesSns(alarm) || compositesOf(alarm).some(notifiesSns);
}

/** Metric names the alarm reads (its own MetricName, or those of its metric-math inputs). */
function metricNames(alarm: CfnResource): string[] {
  const own = stringOf(alarm, prop(alarm, 'MetricName'));
  const metrics = prop(alarm, 'Metrics');
  const math = Array.isArray(metrics) ? metrics.map((m: any) => m?.MetricStat?.Metric?.MetricName).filter((n: unknown): n is string => typeof n === 'string') : [];
  return [...(own ? [own] : []), ...math];
}

/**
 * A function that only serves deployments: the ServiceToken of a custom resource, or the user function a
 * custom-resource provider framework calls. A failure there fails the deployment, where it is seen.
 */
function deployTimeOnly(fn: CfnResource): boolean {
  const stack = Stack.of(fn);
  const refers = referenceTest(fn);
  const serviceTokens = memoPerRun(stack, 'key-metrics:service-tokens', () =>
    stack.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack && (c.cfnResourceType.startsWith('Custom::') || c.cfnResourceType === 'AWS::CloudFormation::CustomResource'))
      .map((r) => prop(r, 'ServiceToken')),
  );
  if (serviceTokens.some((t) => refers(stack, t))) return true;
  // Provider framework: the onEvent/isComplete functions are named in the framework function's environment.
  const frameworks = resourcesOfType(stack, 'AWS::Lambda::Function').filter((f) => f !== fn && Stack.of(f) === stack && serviceTokens.some((t) => referenceTest(f)(stack, t)));
  return frameworks.some((f) => refers(stack, prop(f, 'Environment')));
}

/**
 * Readiness-KEY-METRICS-ALARMED (control ALARMS): the serverless and compute resources people build beside
 * the ones Readiness-ALARMS covers have alarms on their failure metrics, routed to SNS (directly or through a
 * composite): Lambda functions (Errors, Throttles), API Gateway REST APIs (5XXError, Latency), HTTP APIs
 * (5xx, Latency), Step Functions state machines (ExecutionsFailed, ExecutionsTimedOut), DynamoDB tables
 * (ThrottledRequests or Read/WriteThrottleEvents, SystemErrors); standalone RDS instances and Auto Scaling
 * groups have at least one routed alarm (not a scaling-only alarm). Custom-resource handlers are exempt.
 */
export const KeyMetricsAlarmed: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'KEY-METRICS-ALARMED',
  controlId: 'ALARMS',
  category: 'operations',
  resourceTypes: Object.keys(REQUIRED),
  info: 'A function, API, state machine, table, database instance or Auto Scaling group has no routed alarm on a failure metric (the finding names the missing metrics).',
  explanation:
    'Gap 4.2: a failing function, API or workflow must page someone before customers notice. ' +
    'Create a CloudWatch alarm on each named metric (e.g. `fn.metricErrors().createAlarm(...)`, `api.metricServerError()`, `stateMachine.metricFailed()`, ' +
    '`table.metricThrottledRequestsForOperations()`, `table.metricSystemErrorsForOperations()`) with an SNS action (`alarm.addAlarmAction(new SnsAction(topic))`) or feed a composite that has one.',
  test: 'test/aspects/rules/observability/key-metrics-alarmed.spec.ts',
  check: (node: CfnResource) => {
    const groups = REQUIRED[node.cfnResourceType];
    if (!groups) return NagRuleCompliance.NOT_APPLICABLE;
    if (node.cfnResourceType === 'AWS::RDS::DBInstance' && prop(node, 'DBClusterIdentifier') !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    if (node.cfnResourceType === 'AWS::ApiGatewayV2::Api' && stringOf(node, prop(node, 'ProtocolType')) !== 'HTTP') return NagRuleCompliance.NOT_APPLICABLE;
    if (node.cfnResourceType === 'AWS::Lambda::Function' && deployTimeOnly(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const alarms = alarmsWatching(node).filter((a) => a.cfnResourceType === ALARM_TYPE && !drivesScalingOnly(a));
    const routedAlarms = alarms.filter(routed);
    if (groups.length === 0) {
      if (routedAlarms.length > 0) return NagRuleCompliance.COMPLIANT;
      return [alarms.length > 0 ? `${alarms.length} alarm(s) watch it, none notifies SNS, needs an SNS action` : 'no CloudWatch alarm watches it, needs one with an SNS action'];
    }
    const names = new Set(routedAlarms.flatMap(metricNames));
    const missing = groups.filter((g) => !g.some((m) => names.has(m)));
    if (missing.length === 0) return NagRuleCompliance.COMPLIANT;
    return [`no routed alarm on ${missing.map((g) => g.join(' or ')).join(', ')}, needs an alarm on each with an SNS action`];
  },
});
