import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isTrue, prop, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** An HTTP listener is fine only when every default action redirects to HTTPS. */
function redirectsToHttps(node: CfnResource): boolean {
  const actions = (prop(node, 'DefaultActions') as Array<Record<string, any>> | undefined) ?? [];
  return (
    actions.length > 0 &&
    actions.every((a) => stringOf(node, a.Type) === 'redirect' && stringOf(node, a.RedirectConfig?.Protocol) === 'HTTPS')
  );
}

/**
 * Readiness-ENCRYPTION-IN-TRANSIT: load balancer listeners speak HTTPS/TLS (or only redirect HTTP to
 * HTTPS) and caches require TLS (in-transit encryption on, mode `required`).
 */
export const TlsInTransit: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'ENCRYPTION-IN-TRANSIT',
  controlId: 'ENCRYPTION',
  category: 'security',
  resourceTypes: ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElastiCache::ReplicationGroup'],
  info: 'Traffic is not required to use TLS: a listener serves plain HTTP/TCP (without only redirecting to HTTPS), or a cache has TransitEncryptionEnabled off or TransitEncryptionMode "preferred".',
  explanation:
    'Gap 5.3: data in transit must be protected; credentials and cache contents cross the network on every request. ' +
    'Use an HTTPS listener with an ACM certificate and redirect port 80; on ElastiCache set `transitEncryptionEnabled: true` and `transitEncryptionMode: "required"`.',
  test: 'test/aspects/rules/security/tls-in-transit.test.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::ElastiCache::ReplicationGroup') {
      const mode = stringOf(node, prop(node, 'TransitEncryptionMode'));
      const required = prop(node, 'TransitEncryptionMode') === undefined || mode === 'required';
      return isTrue(node, prop(node, 'TransitEncryptionEnabled')) && required ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    const protocol = stringOf(node, prop(node, 'Protocol'));
    if (protocol === 'HTTPS' || protocol === 'TLS') return NagRuleCompliance.COMPLIANT;
    if (protocol === 'HTTP' && redirectsToHttps(node)) return NagRuleCompliance.COMPLIANT;
    return NagRuleCompliance.NON_COMPLIANT;
  },
});
