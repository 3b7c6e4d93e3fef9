import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { numberOf, primitive, prop, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

const HTTP_PROTOCOLS = ['HTTP', 'HTTPS'];

/**
 * Readiness-HEALTH-CHECK: every load balancer target group health-checks its targets with explicit
 * thresholds (healthy and unhealthy counts, interval) and, over HTTP(S), a path.
 */
export const TargetHealthChecked: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'HEALTH-CHECK',
  controlId: 'HEALTH-CHECK',
  category: 'ha',
  resourceTypes: ['AWS::ElasticLoadBalancingV2::TargetGroup'],
  info: 'The target group has no explicit health check: it needs a health check path (HTTP/HTTPS) and healthy/unhealthy thresholds and an interval.',
  explanation:
    'Default health checks hit "/" and keep serving from targets whose dependencies are down (gap 4.5: "Shallow health validation"). ' +
    'Set healthCheck { path: "/health", healthyThresholdCount, unhealthyThresholdCount, interval } on the target group and serve a deep health endpoint.',
  test: 'test/aspects/rules/service/target-health-checked.test.ts',
  check: (node: CfnResource) => {
    const targetType = prop(node, 'TargetType');
    if (targetType !== undefined && stringOf(node, targetType) === 'lambda') return NagRuleCompliance.NOT_APPLICABLE;
    const enabled = prop(node, 'HealthCheckEnabled');
    if (enabled !== undefined) {
      const r = primitive(node, enabled);
      if (!r.known || r.value === false || r.value === 'false') return NagRuleCompliance.NON_COMPLIANT;
    }
    const protocol = stringOf(node, prop(node, 'HealthCheckProtocol') ?? prop(node, 'Protocol'));
    if (protocol === undefined) return NagRuleCompliance.NON_COMPLIANT;
    if (HTTP_PROTOCOLS.includes(protocol)) {
      const path = stringOf(node, prop(node, 'HealthCheckPath'));
      if (path === undefined || !path.startsWith('/')) return NagRuleCompliance.NON_COMPLIANT;
    }
    const thresholds = ['HealthyThresholdCount', 'UnhealthyThresholdCount', 'HealthCheckIntervalSeconds'].map((p) => numberOf(node, prop(node, p)));
    return thresholds.every((n) => n !== undefined && n > 0) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
