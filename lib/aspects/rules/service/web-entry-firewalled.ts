import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { logicalIdOf, numberOf, primitive, prop, resourcesOfType, shown, stringOf, verdict } from '../../rule-helpers';
import { DEFAULT_MAX_WAF_RATE_LIMIT_PER_5_MIN, ResourceRule, resourceRule, RuleContext } from '../../rule';
import { cidrInterval, exposure, Family } from '../../analysis/address-ranges';
import { referencedInStack, referrers } from '../../analysis/references';

/** Managed groups every protecting WebACL must run (in block mode). */
export const REQUIRED_WAF_MANAGED_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

type WafRule = Record<string, any>;

/** Set keys of a rendered object (rendered L1 objects may keep unset keys as `undefined`). */
const keysOf = (o: unknown): string[] => (o && typeof o === 'object' ? Object.keys(o).filter((k) => (o as any)[k] !== undefined) : []);
const ruleName = (r: WafRule, i: number) => (typeof r?.Name === 'string' ? r.Name : `Rules.${i}`);

/** The one action key of a rule (`Block`, `Allow`, `Count`, ...), or `undefined` when it is not exactly one readable key. */
function actionOf(r: WafRule, key: 'Action' | 'OverrideAction'): string | undefined {
  const keys = keysOf(r?.[key]);
  return keys.length === 1 ? keys[0] : undefined;
}

/** Rule actions a managed group's rules are overridden to: Count or Allow make them inert. */
function inertOverrides(acl: CfnResource, statement: WafRule): string[] {
  const out: string[] = [];
  const overrides = statement.RuleActionOverrides;
  if (overrides !== undefined && !Array.isArray(overrides)) out.push(`RuleActionOverrides is ${shown(acl, overrides)}`);
  for (const o of Array.isArray(overrides) ? overrides : []) {
    const to = keysOf(o?.ActionToUse);
    if (to.length !== 1 || to[0] === 'Count' || to[0] === 'Allow') out.push(`RuleActionOverrides sets ${String(o?.Name ?? 'a rule')} to ${to.join('/') || 'an unreadable action'}`);
  }
  const excluded = statement.ExcludedRules;
  if (excluded !== undefined && (!Array.isArray(excluded) || excluded.length > 0)) out.push('ExcludedRules set (those rules only count)');
  return out;
}

/** Addresses of an AWS::WAFv2::IPSet of the stack are not the world: a real allow-list. */
function isNarrowIpSet(acl: CfnResource, arn: unknown): boolean {
  const set = referencedInStack(acl, arn, 'AWS::WAFv2::IPSet');
  if (!set) return false;
  const family = (stringOf(set, prop(set, 'IPAddressVersion')) === 'IPV6' ? 'ipv6' : 'ipv4') as Family;
  const addresses = prop(set, 'Addresses');
  if (!Array.isArray(addresses)) return false;
  const ranges = addresses.map((a) => (typeof a === 'string' ? cidrInterval(a, family) : undefined));
  return ranges.every((r) => r !== undefined) && !exposure(ranges as any, family).world;
}

/** Why a rule evaluated before the baseline protections lets requests bypass them, or `undefined` when it cannot. */
function bypass(acl: CfnResource, r: WafRule, i: number): string | undefined {
  const statement = r?.Statement ?? {};
  if (actionOf(r, 'Action') === 'Allow') {
    const ipSet = statement.IPSetReferenceStatement;
    if (ipSet && isNarrowIpSet(acl, ipSet.Arn)) return undefined;
    return `${ruleName(r, i)} allows requests before the baseline protections run (only an allow-list of an AWS::WAFv2::IPSet in the template may)`;
  }
  const group = statement.RuleGroupReferenceStatement;
  if (group) {
    const ruleGroup = referencedInStack(acl, group.Arn, 'AWS::WAFv2::RuleGroup');
    const rules = ruleGroup ? prop(ruleGroup, 'Rules') : undefined;
    if (!Array.isArray(rules)) return `${ruleName(r, i)} runs a rule group the template does not show before the baseline protections (it may allow requests)`;
    if (rules.some((g: WafRule) => actionOf(g, 'Action') !== 'Block' && actionOf(g, 'Action') !== 'Count' && actionOf(g, 'Action') !== 'Captcha' && actionOf(g, 'Action') !== 'Challenge')) {
      return `${ruleName(r, i)} runs a rule group that allows requests before the baseline protections`;
    }
  }
  if (!r || typeof r !== 'object' || (r.Action === undefined && r.OverrideAction === undefined)) return `${ruleName(r, i)} cannot be read`;
  return undefined;
}

/**
 * What keeps the WebACL from protecting: empty when it blocks with a rate-based rule (no scope-down, limit
 * within `maxWafRateLimitPer5Min` per IP per 5 minutes) and runs the required AWS managed groups without a
 * scope-down or a Count/Allow override, and no Allow rule (or rule group that may allow) comes before them.
 * Rules the template does not spell out (a token) do not count.
 */
export function webAclFindings(acl: CfnResource, context: Pick<RuleContext, 'maxWafRateLimitPer5Min'> = {}): string[] {
  const maxRate = context.maxWafRateLimitPer5Min ?? DEFAULT_MAX_WAF_RATE_LIMIT_PER_5_MIN;
  const id = logicalIdOf(acl);
  const rules = prop(acl, 'Rules');
  if (!Array.isArray(rules)) return [`WebACL ${id}: Rules is ${shown(acl, rules)}, needs a rate-based rule and ${REQUIRED_WAF_MANAGED_GROUPS.join(', ')}`];
  // WAF evaluates rules by Priority; a priority it cannot read could come first.
  const priorityOf = (r: WafRule) => numberOf(acl, r?.Priority) ?? -Infinity;
  const ordered = rules.map((r: WafRule, i: number) => ({ r, i })).sort((a, b) => priorityOf(a.r) - priorityOf(b.r));
  const findings: string[] = [];
  const baseline: number[] = [];

  // The rate-based rule: blocks, on every request, with a limit a flood exceeds.
  const rateProblems: string[] = [];
  const rate = ordered.filter(({ r }) => r?.Statement?.RateBasedStatement);
  const goodRate = rate.find(({ r, i }) => {
    const s = r.Statement.RateBasedStatement;
    const problems: string[] = [];
    const action = actionOf(r, 'Action');
    if (action !== 'Block') problems.push(`Action is ${action ?? shown(acl, r.Action)}, needs Block`);
    if (s.ScopeDownStatement !== undefined) problems.push('ScopeDownStatement limits it to some requests, needs none');
    // Counting per header, cookie or query value lets a client reset its count by changing the value.
    const aggregate = stringOf(acl, s.AggregateKeyType);
    const keys = JSON.stringify(s.CustomKeys ?? []);
    if (aggregate === 'CUSTOM_KEYS' && !keys.includes('"IP"') && !keys.includes('"ForwardedIP"')) problems.push('CustomKeys do not include the client IP, needs IP or ForwardedIP among them');
    else if (aggregate !== undefined && !['IP', 'FORWARDED_IP', 'CONSTANT', 'CUSTOM_KEYS'].includes(aggregate)) problems.push(`AggregateKeyType is ${shown(acl, s.AggregateKeyType)}, needs IP`);
    const limit = numberOf(acl, s.Limit);
    const window = numberOf(acl, s.EvaluationWindowSec) ?? 300;
    const per5Min = limit === undefined ? undefined : (limit * 300) / window;
    if (per5Min === undefined || per5Min > maxRate) {
      problems.push(`Limit is ${shown(acl, s.Limit)}${window !== 300 ? ` per ${window} s` : ''}, needs <= ${maxRate} per IP per 5 minutes`);
    }
    if (problems.length > 0) rateProblems.push(`rate-based rule ${ruleName(r, i)}: ${problems.join(', ')}`);
    return problems.length === 0;
  });
  if (goodRate) baseline.push(ordered.indexOf(goodRate));
  else findings.push(...(rateProblems.length > 0 ? rateProblems : ['no rate-based rule']));

  for (const group of REQUIRED_WAF_MANAGED_GROUPS) {
    const candidates = ordered.filter(({ r }) => {
      const m = r?.Statement?.ManagedRuleGroupStatement;
      return m && primitive(acl, m.VendorName).known && stringOf(acl, m.VendorName) === 'AWS' && stringOf(acl, m.Name) === group;
    });
    const groupProblems: string[] = [];
    const good = candidates.find(({ r }) => {
      const m = r.Statement.ManagedRuleGroupStatement;
      const problems: string[] = [];
      const override = actionOf(r, 'OverrideAction');
      if (override !== 'None') problems.push(`OverrideAction is ${override ?? shown(acl, r.OverrideAction)}, needs None`);
      if (m.ScopeDownStatement !== undefined) problems.push('ScopeDownStatement limits it to some requests, needs none');
      problems.push(...inertOverrides(acl, m));
      if (problems.length > 0) groupProblems.push(`${group}: ${problems.join(', ')}`);
      return problems.length === 0;
    });
    if (good) baseline.push(ordered.indexOf(good));
    else findings.push(...(groupProblems.length > 0 ? groupProblems : [`${group} is not run`]));
  }

  // A rule evaluated earlier that allows (terminates) lets requests skip whatever comes after it.
  if (baseline.length > 0) {
    const last = Math.max(...baseline);
    for (let k = 0; k < last; k++) {
      const why = bypass(acl, ordered[k].r, ordered[k].i);
      if (why) findings.push(why);
    }
  }
  return findings.map((f) => `WebACL ${id}: ${f}`);
}

/** True when the WebACL protects (see `webAclFindings`). */
export function webAclProtects(acl: CfnResource, context: Pick<RuleContext, 'maxWafRateLimitPer5Min'> = {}): boolean {
  return webAclFindings(acl, context).length === 0;
}

/** The WebACL an association points at, when it is defined in the association's stack. */
function aclOfAssociation(association: CfnResource): CfnResource | undefined {
  return referencedInStack(association, prop(association, 'WebACLArn'), 'AWS::WAFv2::WebACL');
}

function associatedAndProtected(associations: CfnResource[], context: RuleContext): ReturnType<typeof verdict> {
  if (associations.length === 0) return ['no AWS::WAFv2::WebACLAssociation associates a WebACL'];
  const findings: string[] = [];
  for (const a of associations) {
    const acl = aclOfAssociation(a);
    if (!acl) {
      findings.push(`WebACLArn of ${logicalIdOf(a)} is ${shown(a, prop(a, 'WebACLArn'))}, needs a WebACL defined in the template`);
      continue;
    }
    const problems = webAclFindings(acl, context);
    if (problems.length === 0) return NagRuleCompliance.COMPLIANT;
    findings.push(...problems);
  }
  return verdict(findings);
}

/** API Gateway stage ARNs are built strings: match the REST API and the stage (logical ID or name). */
function stageAssociations(stage: CfnResource): CfnResource[] {
  const apiId = JSON.stringify(prop(stage, 'RestApiId'));
  const stageName = stringOf(stage, prop(stage, 'StageName'));
  const stageLid = logicalIdOf(stage);
  const stack = Stack.of(stage);
  return resourcesOfType(stage.node.root, 'AWS::WAFv2::WebACLAssociation').filter((a) => {
    if (Stack.of(a) !== stack) return false;
    const arn = JSON.stringify(prop(a, 'ResourceArn'));
    const api = apiId.replace(/^\{|\}$/g, '');
    return arn.includes(api) && (arn.includes(`"${stageLid}"`) || (stageName !== undefined && arn.includes(`/stages/${stageName}`)));
  });
}

/**
 * Readiness-WAF: every internet-facing ALB, API Gateway REST stage, AppSync API and CloudFront
 * distribution is behind a WAFv2 WebACL that has a blocking rate-based rule and the AWS common rule set
 * and known bad inputs managed groups.
 */
export const WebEntryFirewalled: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'WAF',
  controlId: 'WAF',
  category: 'security',
  resourceTypes: [
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    'AWS::ApiGateway::Stage',
    'AWS::AppSync::GraphQLApi',
    'AWS::CloudFront::Distribution',
  ],
  info: 'The internet-facing entry point is not behind a WebACL that blocks floods and common exploits (the finding names the rule and property).',
  explanation:
    'Without a WAF the API has no rate limiting and no protection from common exploits (gap 2.2: "Missing rate limiting, API keys, threat detection"; gap 1.4: "Set up WAF rules"). ' +
    'Associate a WAFv2 WebACL (lib/constructs/firewall WebFirewall) that blocks with a rate-based rule and runs AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet (no Count override); ' +
    'CloudFront takes a CLOUDFRONT-scope WebACL from us-east-1 through webAclId, defined in the same stack so it can be verified.',
  test: 'test/aspects/rules/service/web-entry-firewalled.spec.ts',
  check: (node: CfnResource, context: RuleContext) => {
    switch (node.cfnResourceType) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const type = primitive(node, prop(node, 'Type'));
        const scheme = primitive(node, prop(node, 'Scheme'));
        if (!type.known || !scheme.known) return NagRuleCompliance.NON_COMPLIANT;
        if (type.value !== undefined && type.value !== 'application') return NagRuleCompliance.NOT_APPLICABLE;
        // Scheme defaults to internet-facing.
        if (scheme.value === 'internal') return NagRuleCompliance.NOT_APPLICABLE;
        return associatedAndProtected(referrers(node, 'AWS::WAFv2::WebACLAssociation', 'ResourceArn'), context);
      }
      case 'AWS::AppSync::GraphQLApi':
        return associatedAndProtected(referrers(node, 'AWS::WAFv2::WebACLAssociation', 'ResourceArn'), context);
      case 'AWS::ApiGateway::Stage':
        return associatedAndProtected(stageAssociations(node), context);
      case 'AWS::CloudFront::Distribution': {
        const config = prop(node, 'DistributionConfig') as Record<string, unknown> | undefined;
        const acl = referencedInStack(node, config?.WebACLId, 'AWS::WAFv2::WebACL');
        if (!acl) return [`DistributionConfig.WebACLId is ${shown(node, config?.WebACLId)}, needs a CLOUDFRONT WebACL defined in the template`];
        const scope = stringOf(acl, prop(acl, 'Scope'));
        return verdict([...(scope === 'CLOUDFRONT' ? [] : [`WebACL ${logicalIdOf(acl)}: Scope is ${shown(acl, prop(acl, 'Scope'))}, needs CLOUDFRONT`]), ...webAclFindings(acl, context)]);
      }
      default:
        return NagRuleCompliance.NOT_APPLICABLE;
    }
  },
});
