import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { logicalIdOf, primitive, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { referencedInStack, referrers } from './references';

/** Managed groups every protecting WebACL must run (in block mode). */
export const REQUIRED_WAF_MANAGED_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

/**
 * True when the WebACL blocks with a rate-based rule and runs the required AWS managed groups without
 * a Count override. Rules the template does not spell out (a token) do not count.
 */
export function webAclProtects(acl: CfnResource): boolean {
  const rules = prop(acl, 'Rules');
  if (!Array.isArray(rules)) return false;
  // Rendered L1 objects keep unset keys as `undefined`: test values, not key presence.
  const blocks = (r: any) => r?.Action?.Block !== undefined && r?.Action?.Count === undefined;
  const hasRateRule = rules.some((r: any) => r?.Statement?.RateBasedStatement && blocks(r));
  const groups = new Set(
    rules
      .filter((r: any) => r?.Statement?.ManagedRuleGroupStatement?.VendorName === 'AWS' && r?.OverrideAction?.None !== undefined && r?.OverrideAction?.Count === undefined)
      .map((r: any) => r.Statement.ManagedRuleGroupStatement.Name),
  );
  return hasRateRule && REQUIRED_WAF_MANAGED_GROUPS.every((g) => groups.has(g));
}

/** The WebACL an association points at, when it is defined in the association's stack. */
function aclOfAssociation(association: CfnResource): CfnResource | undefined {
  return referencedInStack(association, prop(association, 'WebACLArn'), 'AWS::WAFv2::WebACL');
}

function associatedAndProtected(associations: CfnResource[]): NagRuleCompliance {
  return associations.some((a) => {
    const acl = aclOfAssociation(a);
    return acl !== undefined && webAclProtects(acl);
  })
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
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
  info: 'The internet-facing entry point is not behind a WebACL with a rate-based rule and the AWS common and known-bad-inputs managed rules.',
  explanation:
    'Without a WAF the API has no rate limiting and no protection from common exploits (gap 2.2: "Missing rate limiting, API keys, threat detection"; gap 1.4: "Set up WAF rules"). ' +
    'Associate a WAFv2 WebACL (lib/constructs/firewall WebFirewall) that blocks with a rate-based rule and runs AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet (no Count override); ' +
    'CloudFront takes a CLOUDFRONT-scope WebACL from us-east-1 through webAclId, defined in the same stack so it can be verified.',
  test: 'test/aspects/rules/service/web-entry-firewalled.test.ts',
  check: (node: CfnResource) => {
    switch (node.cfnResourceType) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const type = primitive(node, prop(node, 'Type'));
        const scheme = primitive(node, prop(node, 'Scheme'));
        if (!type.known || !scheme.known) return NagRuleCompliance.NON_COMPLIANT;
        if (type.value !== undefined && type.value !== 'application') return NagRuleCompliance.NOT_APPLICABLE;
        // Scheme defaults to internet-facing.
        if (scheme.value === 'internal') return NagRuleCompliance.NOT_APPLICABLE;
        return associatedAndProtected(referrers(node, 'AWS::WAFv2::WebACLAssociation', 'ResourceArn'));
      }
      case 'AWS::AppSync::GraphQLApi':
        return associatedAndProtected(referrers(node, 'AWS::WAFv2::WebACLAssociation', 'ResourceArn'));
      case 'AWS::ApiGateway::Stage':
        return associatedAndProtected(stageAssociations(node));
      case 'AWS::CloudFront::Distribution': {
        const config = prop(node, 'DistributionConfig') as Record<string, unknown> | undefined;
        const acl = referencedInStack(node, config?.WebACLId, 'AWS::WAFv2::WebACL');
        return acl !== undefined && stringOf(acl, prop(acl, 'Scope')) === 'CLOUDFRONT' && webAclProtects(acl)
          ? NagRuleCompliance.COMPLIANT
          : NagRuleCompliance.NON_COMPLIANT;
      }
      default:
        return NagRuleCompliance.NOT_APPLICABLE;
    }
  },
});
