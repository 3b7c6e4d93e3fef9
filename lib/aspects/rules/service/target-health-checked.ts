import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, numberOf, primitive, prop, stringOf, verdict } from '../../rule-helpers';
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
  info: 'The target group has no explicit health check (the finding names the property).',
  explanation:
    'Default health checks hit "/" and keep serving from targets whose dependencies are down (gap 4.5: "Shallow health validation"). ' +
    'Set healthCheck { path: "/health", healthyThresholdCount, unhealthyThresholdCount, interval } on the target group and serve a deep health endpoint.',
  test: 'test/aspects/rules/service/target-health-checked.spec.ts',
  check: (node: CfnResource) => {
    const targetType = prop(node, 'TargetType');
    if (targetType !== undefined && stringOf(node, targetType) === 'lambda') return NagRuleCompliance.NOT_APPLICABLE;
    const enabled = prop(node, 'HealthCheckEnabled');
    if (enabled !== undefined) {
      const r = primitive(node, enabled);
      if (!r.known || r.value === false || r.value === 'false') return [finding(node, 'HealthCheckEnabled', enabled, 'true')];
    }
    const findings: string[] = [];
    const protocolValue = prop(node, 'HealthCheckProtocol') ?? prop(node, 'Protocol');
    const protocol = stringOf(node, protocolValue);
    if (protocol === undefined) findings.push(finding(node, prop(node, 'HealthCheckProtocol') !== undefined ? 'HealthCheckProtocol' : 'Protocol', protocolValue, 'a readable protocol'));
    if (protocol !== undefined && HTTP_PROTOCOLS.includes(protocol)) {
      const path = stringOf(node, prop(node, 'HealthCheckPath'));
      if (path === undefined || !path.startsWith('/')) findings.push(finding(node, 'HealthCheckPath', prop(node, 'HealthCheckPath'), 'a path such as "/health"'));
    }
    for (const p of ['HealthyThresholdCount', 'UnhealthyThresholdCount', 'HealthCheckIntervalSeconds']) {
      const n = numberOf(node, prop(node, p));
      if (n === undefined || n <= 0) findings.push(finding(node, p, prop(node, p), 'an explicit value'));
    }
    return verdict(findings);
  },
});
