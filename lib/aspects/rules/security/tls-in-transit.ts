import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, prop, stringOf, verdict } from '../../rule-helpers';
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
  info: 'Traffic is not required to use TLS (the finding names the property).',
  explanation:
    'Gap 5.3: data in transit must be protected; credentials and cache contents cross the network on every request. ' +
    'Use an HTTPS listener with an ACM certificate and redirect port 80; on ElastiCache set `transitEncryptionEnabled: true` and `transitEncryptionMode: "required"`.',
  test: 'test/aspects/rules/security/tls-in-transit.spec.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::ElastiCache::ReplicationGroup') {
      const findings: string[] = [];
      if (!isTrue(node, prop(node, 'TransitEncryptionEnabled'))) findings.push(finding(node, 'TransitEncryptionEnabled', prop(node, 'TransitEncryptionEnabled'), 'true'));
      const mode = prop(node, 'TransitEncryptionMode');
      if (mode !== undefined && stringOf(node, mode) !== 'required') findings.push(finding(node, 'TransitEncryptionMode', mode, '"required"'));
      return verdict(findings);
    }
    const protocol = stringOf(node, prop(node, 'Protocol'));
    if (protocol === 'HTTPS' || protocol === 'TLS') return NagRuleCompliance.COMPLIANT;
    if (protocol === 'HTTP' && redirectsToHttps(node)) return NagRuleCompliance.COMPLIANT;
    return [finding(node, 'Protocol', prop(node, 'Protocol'), 'HTTPS or TLS') + (protocol === 'HTTP' ? ' (or HTTP whose every DefaultActions item redirects to HTTPS)' : '')];
  },
});
