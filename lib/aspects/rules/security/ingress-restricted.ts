import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { numberOf, prop, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { elementsOf, mayBe } from '../intrinsics';

/** The only ports (TCP) a security group may open to the internet: HTTP and HTTPS. */
export const PUBLIC_TCP_PORTS: readonly number[] = [80, 443];

const ANY_IPV4 = ['0.0.0.0/0'];
const ANY_IPV6 = ['::/0', '::0/0', '0:0:0:0:0:0:0:0/0'];

/** One ingress rule, inline (SecurityGroupIngress item) or standalone (AWS::EC2::SecurityGroupIngress properties). */
function admitsInternetBeyondWeb(node: CfnResource, rule: Record<string, unknown>): boolean {
  const fromAnywhere = mayBe(node, rule.CidrIp, ANY_IPV4) || mayBe(node, rule.CidrIpv6, ANY_IPV6);
  if (!fromAnywhere) return false;
  const protocol = stringOf(node, rule.IpProtocol)?.toLowerCase();
  if (protocol !== 'tcp' && protocol !== '6') return true;
  const from = numberOf(node, rule.FromPort);
  const to = numberOf(node, rule.ToPort);
  return from === undefined || to === undefined || from !== to || !PUBLIC_TCP_PORTS.includes(from);
}

/**
 * Readiness-INGRESS-RESTRICTED: no security group (inline SecurityGroupIngress) or
 * AWS::EC2::SecurityGroupIngress admits 0.0.0.0/0 or ::/0 on anything but TCP 80 and TCP 443.
 * All protocols (-1), port ranges, and a protocol, port or CIDR the rule cannot read are non-compliant.
 */
export const IngressRestricted: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'INGRESS-RESTRICTED',
  controlId: 'SECURITY-HARDENING',
  category: 'security',
  resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
  info: 'The security group admits the internet (0.0.0.0/0 or ::/0) on something other than TCP 80 or 443.',
  explanation:
    'SSH, database, cache and admin ports open to the internet are scanned within minutes (gap 2.2, "/security/hardening"). ' +
    'Open only HTTPS (and HTTP for the redirect) to the world, on the load balancer; admit everything else from a security group ' +
    '(`sg.connections.allowFrom(otherSg, port)`), a VPC CIDR, or a prefix list; use Session Manager instead of SSH.',
  test: 'test/aspects/rules/security/ingress-restricted.test.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::EC2::SecurityGroupIngress') {
      return admitsInternetBeyondWeb(node, { CidrIp: prop(node, 'CidrIp'), CidrIpv6: prop(node, 'CidrIpv6'), IpProtocol: prop(node, 'IpProtocol'), FromPort: prop(node, 'FromPort'), ToPort: prop(node, 'ToPort') })
        ? NagRuleCompliance.NON_COMPLIANT
        : NagRuleCompliance.COMPLIANT;
    }
    const rules = elementsOf(node, prop(node, 'SecurityGroupIngress'));
    if (rules === undefined) return NagRuleCompliance.NON_COMPLIANT;
    const bad = rules.some((r) => !r || typeof r !== 'object' || Array.isArray(r) || admitsInternetBeyondWeb(node, r as Record<string, unknown>));
    return bad ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
});
