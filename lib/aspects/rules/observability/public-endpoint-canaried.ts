import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isTrue, numberOf, prop, rateToDays, rendered, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { refersTo } from '../../analysis/references';
import { alarmsWatching, notifiesSns } from '../../analysis/alarm-graph';
import { isPublicEndpoint, PUBLIC_ENDPOINT_TYPES } from '../../analysis/public-endpoints';

/** A synthetic check must run at least this often to catch an outage within minutes. */
export const MAX_CHECK_INTERVAL_MINUTES = 5;

/** True when any property of `check` (script, environment, tags) refers to `endpoint`. */
function covers(check: CfnResource, endpoint: CfnResource): boolean {
  return refersTo(Stack.of(check), rendered(check).Properties, endpoint);
}

/** A canary that covers the endpoint, runs every few minutes, starts on creation and has an alarm that notifies SNS. */
function canaryWatches(canary: CfnResource, endpoint: CfnResource): boolean {
  if (!covers(canary, endpoint)) return false;
  const schedule = prop(canary, 'Schedule') as { Expression?: unknown } | undefined;
  const expression = schedule ? stringOf(canary, schedule.Expression) : undefined;
  const days = expression ? rateToDays(expression) : undefined;
  if (days === undefined || days <= 0 || days * 1440 > MAX_CHECK_INTERVAL_MINUTES) return false;
  if (!isTrue(canary, prop(canary, 'StartCanaryAfterCreation'))) return false;
  return alarmsWatching(canary).some(notifiesSns);
}

/** A Route 53 health check on the endpoint, every 10 or 30 seconds. */
function healthCheckWatches(healthCheck: CfnResource, endpoint: CfnResource): boolean {
  if (!covers(healthCheck, endpoint)) return false;
  const config = prop(healthCheck, 'HealthCheckConfig') as { RequestInterval?: unknown } | undefined;
  const interval = config?.RequestInterval === undefined ? 30 : numberOf(healthCheck, config.RequestInterval);
  return interval !== undefined && interval <= 30;
}

/**
 * Readiness-HEALTH-CANARY (control HEALTH-CHECK): every internet-facing load balancer and CloudFront
 * distribution is called from outside by a synthetic check: a CloudWatch Synthetics canary that refers
 * to it (URL, environment or the `readiness:endpoint` tag), runs at least every 5 minutes, starts on
 * creation and has an alarm that notifies SNS; or a Route 53 health check on it.
 */
export const PublicEndpointCanaried: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'HEALTH-CANARY',
  controlId: 'HEALTH-CHECK',
  category: 'operations',
  resourceTypes: PUBLIC_ENDPOINT_TYPES,
  info: 'A public load balancer or distribution has no synthetic check from outside (a started Synthetics canary every <= 5 min with an alarm to SNS, or a Route 53 health check).',
  explanation:
    'Load balancer health checks run inside the VPC; only an outside check sees DNS, TLS, CDN and WAF failures the way users do (gap 4.5). ' +
    'Add `HealthCanary` with the public health URL and `watchedEndpoint` set to this resource\'s DNS name, or a Route 53 health check on it.',
  test: 'test/aspects/rules/observability/public-endpoint-canaried.spec.ts',
  check: (node: CfnResource) => {
    if (!isPublicEndpoint(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const root = node.node.root;
    const canaried = resourcesOfType(root, 'AWS::Synthetics::Canary').some((c) => canaryWatches(c, node));
    const healthChecked = resourcesOfType(root, 'AWS::Route53::HealthCheck').some((h) => healthCheckWatches(h, node));
    return canaried || healthChecked ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
