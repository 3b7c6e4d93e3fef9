import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from '../../../constructs/edge/cloudfront-origin-prefix-list';
import { jsonOf, prop, rendered, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedInStack, referrers, refersTo } from '../../analysis/references';

/** Managed rule groups that judge the request's source address only. */
export const SOURCE_ADDRESS_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList'];

/**
 * True when a prefix-list value refers to CloudFront's origin-facing list: the list ID is resolved at
 * deploy time by a resource (a custom resource looking the list up by name) whose rendered properties
 * name `com.amazonaws.global.cloudfront.origin-facing`. A literal `pl-...` ID cannot be told apart
 * from any other list here, so it does not count.
 */
function isCloudFrontPrefixList(consumer: CfnResource, value: unknown): boolean {
  const stack = Stack.of(consumer);
  if (value === undefined || typeof value === 'string') return false;
  const json = jsonOf(value);
  const m = /"Fn::GetAtt":\["([^"]+)"/.exec(json) ?? /"Ref":"([^"]+)"/.exec(json);
  if (!m) return false;
  const source = stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack && stack.resolve(c.logicalId) === m[1]);
  return source !== undefined && jsonOf(rendered(source).Properties).includes(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST);
}

/** Every ingress rule (inline or separate resource) of a security group: the rendered objects. */
function ingressOf(group: CfnResource): Array<{ owner: CfnResource; rule: Record<string, unknown> }> {
  const inline = (prop(group, 'SecurityGroupIngress') as Array<Record<string, unknown>> | undefined) ?? [];
  const separate = resourcesOfType(group.node.root, 'AWS::EC2::SecurityGroupIngress').filter((i) => refersTo(Stack.of(i), prop(i, 'GroupId'), group));
  return [...inline.map((rule) => ({ owner: group, rule })), ...separate.map((i) => ({ owner: i, rule: rendered(i).Properties }))];
}

/**
 * True when the load balancer admits only CloudFront: it has security groups in its stack, and every
 * ingress rule of every one of them comes from CloudFront's origin-facing prefix list.
 */
export function reachableOnlyFromCloudFront(loadBalancer: CfnResource): boolean {
  const groupsValue = prop(loadBalancer, 'SecurityGroups');
  if (!Array.isArray(groupsValue) || groupsValue.length === 0) return false;
  const groups = groupsValue.map((g) => referencedInStack(loadBalancer, g, 'AWS::EC2::SecurityGroup'));
  if (groups.some((g) => g === undefined)) return false;
  const ingress = groups.flatMap((g) => ingressOf(g!));
  return ingress.length > 0 && ingress.every(({ owner, rule }) => rule.CidrIp === undefined && rule.CidrIpv6 === undefined && rule.SourceSecurityGroupId === undefined && isCloudFrontPrefixList(owner, rule.SourcePrefixListId));
}

/** What in one WAF statement (and the statements nested in it) decides by the source address. */
function sourceAddressUses(acl: CfnResource, statement: any, where: string): string[] {
  if (!statement || typeof statement !== 'object') return [];
  const out: string[] = [];
  const rate = statement.RateBasedStatement;
  if (rate) {
    const key = stringOf(acl, rate.AggregateKeyType);
    if (key === 'IP' || key === undefined) out.push(`${where} RateBasedStatement.AggregateKeyType = ${key ?? 'unreadable'}`);
    if (key === 'FORWARDED_IP' && stringOf(acl, rate.ForwardedIPConfig?.HeaderName) === undefined) out.push(`${where} RateBasedStatement.ForwardedIPConfig.HeaderName missing`);
    if (key === 'CUSTOM_KEYS' && Array.isArray(rate.CustomKeys) && rate.CustomKeys.some((k: any) => k?.IP !== undefined)) out.push(`${where} RateBasedStatement.CustomKeys has IP`);
    out.push(...sourceAddressUses(acl, rate.ScopeDownStatement, `${where} ScopeDown`));
  }
  const group = statement.ManagedRuleGroupStatement;
  if (group && SOURCE_ADDRESS_GROUPS.includes(stringOf(acl, group.Name) ?? '')) out.push(`${where} ManagedRuleGroupStatement.Name = ${group.Name}`);
  if (statement.IPSetReferenceStatement && statement.IPSetReferenceStatement.IPSetForwardedIPConfig === undefined) out.push(`${where} IPSetReferenceStatement without IPSetForwardedIPConfig`);
  if (statement.GeoMatchStatement && statement.GeoMatchStatement.ForwardedIPConfig === undefined) out.push(`${where} GeoMatchStatement without ForwardedIPConfig`);
  for (const nested of [...(statement.AndStatement?.Statements ?? []), ...(statement.OrStatement?.Statements ?? []), statement.NotStatement?.Statement]) {
    out.push(...sourceAddressUses(acl, nested, where));
  }
  return out;
}

/**
 * Readiness-RATE-LIMIT-SEES-CLIENTS: a regional WebACL associated with a load balancer that admits only
 * CloudFront (every ingress from CloudFront's origin-facing prefix list) does not rate-limit, reputation-
 * block, geo-match or IP-set-match by source address: there the source is always a CloudFront edge, so
 * a per-IP limit throttles everyone behind that edge at once (real users on /login and /checkout) and a
 * reputation list judges CloudFront. Rules in Count mode do not block and are not counted.
 */
export const RateLimitSeesClients: ResourceRule = {
  kind: 'resource',
  id: 'RATE-LIMIT-SEES-CLIENTS',
  controlId: 'WAF',
  category: 'security',
  resourceTypes: ['AWS::WAFv2::WebACL'],
  info: 'A WebACL in front of a load balancer that only CloudFront reaches decides by source IP, which is always a CloudFront address there.',
  explanation:
    'Behind CloudFront every request comes from a CloudFront edge address: a per-IP rate limit would block real users sharing an edge, and IP reputation lists would judge CloudFront, not the client. ' +
    'Rate-limit by the forwarded client address (RateBasedStatement AggregateKeyType FORWARDED_IP with ForwardedIPConfig { HeaderName: X-Forwarded-For, FallbackBehavior: MATCH }; WebFirewall clientAddressHeader), ' +
    'and apply IP reputation and anonymous-IP lists on the CLOUDFRONT WebACL, which sees the viewer address.',
  test: 'test/aspects/rules/wiring/rate-limit-sees-clients.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    if (stringOf(node, prop(node, 'Scope')) !== 'REGIONAL') return NagRuleCompliance.NOT_APPLICABLE;
    const loadBalancers = referrers(node, 'AWS::WAFv2::WebACLAssociation', 'WebACLArn')
      .map((a) => referencedInStack(a, prop(a, 'ResourceArn'), 'AWS::ElasticLoadBalancingV2::LoadBalancer'))
      .filter((lb): lb is CfnResource => lb !== undefined);
    if (!loadBalancers.some(reachableOnlyFromCloudFront)) return NagRuleCompliance.NOT_APPLICABLE;
    const rules = prop(node, 'Rules');
    if (!Array.isArray(rules)) return ['Rules unreadable'];
    const findings = rules.flatMap((r: any) => {
      const name = stringOf(node, r?.Name) ?? 'unnamed';
      const counts = r?.Action?.Count !== undefined || r?.OverrideAction?.Count !== undefined;
      return counts ? [] : sourceAddressUses(node, r?.Statement, `Rule ${name}`);
    });
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
  },
};
