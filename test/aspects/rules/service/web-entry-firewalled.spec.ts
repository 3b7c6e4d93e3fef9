import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance } from 'cdk-nag';
import { WebEntryFirewalled as rule } from '../../../../lib/aspects/rules/service/web-entry-firewalled';
import { NO_BUNDLING } from '../../../helpers/synth';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
const managed = (name: string, priority: number, count = false): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: count ? { count: {} } : { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: visibility(name),
});
const rateRule: wafv2.CfnWebACL.RuleProperty = {
  name: 'RatePerIp',
  priority: 10,
  action: { block: {} },
  statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } },
  visibilityConfig: visibility('RatePerIp'),
};

/** A WebACL as a user would write it with the L1. */
function webAcl(stack: Stack, id: string, scope: 'REGIONAL' | 'CLOUDFRONT', rules: wafv2.CfnWebACL.RuleProperty[]): wafv2.CfnWebACL {
  return new wafv2.CfnWebACL(stack, id, { scope, defaultAction: { allow: {} }, visibilityConfig: visibility(id), rules });
}
const goodRules = () => [managed('AWSManagedRulesCommonRuleSet', 0), managed('AWSManagedRulesKnownBadInputsRuleSet', 1), rateRule];

describe('Readiness-WAF', () => {
  let stack: Stack;
  let protectedAlb: elbv2.ApplicationLoadBalancer;
  let bareAlb: elbv2.ApplicationLoadBalancer;
  let countOnlyAlb: elbv2.ApplicationLoadBalancer;
  let noRateAlb: elbv2.ApplicationLoadBalancer;
  let importedAclAlb: elbv2.ApplicationLoadBalancer;
  let internalAlb: elbv2.ApplicationLoadBalancer;
  let nlb: elbv2.NetworkLoadBalancer;
  let protectedCdn: cloudfront.Distribution;
  let bareCdn: cloudfront.Distribution;
  let regionalAclCdn: cloudfront.Distribution;
  let protectedApi: apigw.RestApi;
  let bareApi: apigw.RestApi;
  let graphql: appsync.CfnGraphQLApi;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const alb = (id: string, internetFacing = true) => new elbv2.ApplicationLoadBalancer(stack, id, { vpc, internetFacing });
    const good = webAcl(stack, 'GoodAcl', 'REGIONAL', goodRules());

    protectedAlb = alb('Protected');
    new wafv2.CfnWebACLAssociation(stack, 'ProtectedAssoc', { resourceArn: protectedAlb.loadBalancerArn, webAclArn: good.attrArn });
    bareAlb = alb('Bare');
    // The managed groups only count: nothing is blocked.
    countOnlyAlb = alb('CountOnly');
    const countAcl = webAcl(stack, 'CountAcl', 'REGIONAL', [managed('AWSManagedRulesCommonRuleSet', 0, true), managed('AWSManagedRulesKnownBadInputsRuleSet', 1, true), rateRule]);
    new wafv2.CfnWebACLAssociation(stack, 'CountAssoc', { resourceArn: countOnlyAlb.loadBalancerArn, webAclArn: countAcl.attrArn });
    noRateAlb = alb('NoRate');
    const noRateAcl = webAcl(stack, 'NoRateAcl', 'REGIONAL', [managed('AWSManagedRulesCommonRuleSet', 0), managed('AWSManagedRulesKnownBadInputsRuleSet', 1)]);
    new wafv2.CfnWebACLAssociation(stack, 'NoRateAssoc', { resourceArn: noRateAlb.loadBalancerArn, webAclArn: noRateAcl.attrArn });
    // An ACL managed elsewhere cannot be verified from this template.
    importedAclAlb = alb('ImportedAcl');
    new wafv2.CfnWebACLAssociation(stack, 'ImportedAssoc', {
      resourceArn: importedAclAlb.loadBalancerArn,
      webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/11111111-2222-3333-4444-555555555555',
    });
    internalAlb = alb('Internal', false);
    nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, internetFacing: true });

    const origin = new origins.HttpOrigin('origin.example.com');
    const cfAcl = webAcl(stack, 'EdgeAcl', 'CLOUDFRONT', goodRules());
    protectedCdn = new cloudfront.Distribution(stack, 'ProtectedCdn', { defaultBehavior: { origin }, webAclId: cfAcl.attrArn });
    bareCdn = new cloudfront.Distribution(stack, 'BareCdn', { defaultBehavior: { origin } });
    regionalAclCdn = new cloudfront.Distribution(stack, 'RegionalAclCdn', { defaultBehavior: { origin }, webAclId: good.attrArn });

    protectedApi = new apigw.RestApi(stack, 'ProtectedApi');
    protectedApi.root.addMethod('GET');
    new wafv2.CfnWebACLAssociation(stack, 'ApiAssoc', { resourceArn: protectedApi.deploymentStage.stageArn, webAclArn: good.attrArn });
    bareApi = new apigw.RestApi(stack, 'BareApi');
    bareApi.root.addMethod('GET');

    graphql = new appsync.CfnGraphQLApi(stack, 'Graph', { name: 'graph', authenticationType: 'AWS_IAM' });
    new wafv2.CfnWebACLAssociation(stack, 'GraphAssoc', { resourceArn: graphql.attrArn, webAclArn: good.attrArn });
  });

  test('an internet-facing ALB associated with a WebACL with a rate rule and the common and known-bad-inputs groups is compliant', () => {
    expect(check(rule, protectedAlb)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an internet-facing ALB without a WebACL is non-compliant', () => {
    expect(check(rule, bareAlb)).toEqual(['no AWS::WAFv2::WebACLAssociation associates a WebACL']);
  });

  test('a WebACL whose managed groups only count, or without a rate-based rule, does not protect', () => {
    expect(check(rule, countOnlyAlb)).toEqual([
      'WebACL CountAcl: AWSManagedRulesCommonRuleSet: OverrideAction is Count, needs None; WebACL CountAcl: AWSManagedRulesKnownBadInputsRuleSet: OverrideAction is Count, needs None',
    ]);
    expect(check(rule, noRateAlb)).toEqual(['WebACL NoRateAcl: no rate-based rule']);
  });

  test('a WebACL that the template cannot show (imported ARN) is non-compliant', () => {
    expect(check(rule, importedAclAlb)).toEqual([expect.stringMatching(/^WebACLArn of ImportedAssoc is "arn:aws:wafv2:.*", needs a WebACL defined in the template$/)]);
  });

  test('internal ALBs and network load balancers are not applicable', () => {
    expect(check(rule, internalAlb)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, nlb)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('CloudFront needs a CLOUDFRONT-scope WebACL from the template', () => {
    expect(check(rule, protectedCdn)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, bareCdn)).toEqual(['DistributionConfig.WebACLId is not set, needs a CLOUDFRONT WebACL defined in the template']);
    expect(check(rule, regionalAclCdn)).toEqual(['WebACL GoodAcl: Scope is "REGIONAL", needs CLOUDFRONT']);
  });

  test('API Gateway REST stages and AppSync APIs are checked through their associations', () => {
    expect(check(rule, protectedApi.deploymentStage)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, bareApi.deploymentStage)).toEqual(['no AWS::WAFv2::WebACLAssociation associates a WebACL']);
    expect(check(rule, graphql)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('the Readiness pack flags exactly the unprotected entry points', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(
      [
        'UserStack/Bare/Resource',
        'UserStack/CountOnly/Resource',
        'UserStack/NoRate/Resource',
        'UserStack/ImportedAcl/Resource',
        'UserStack/BareCdn/Resource',
        'UserStack/RegionalAclCdn/Resource',
        'UserStack/BareApi/DeploymentStage.prod/Resource',
      ].sort(),
    );
  });
});

describe('Readiness-WAF: controls that are present but inert do not count', () => {
  let stack: Stack;
  let vpc: ec2.Vpc;
  /** An internet-facing ALB behind a WebACL with `rules`. */
  const behind = (id: string, rules: wafv2.CfnWebACL.RuleProperty[], extra: (s: Stack) => void = () => undefined) => {
    const alb = new elbv2.ApplicationLoadBalancer(stack, `${id}Alb`, { vpc, internetFacing: true });
    const acl = webAcl(stack, id, 'REGIONAL', rules);
    new wafv2.CfnWebACLAssociation(stack, `${id}Assoc`, { resourceArn: alb.loadBalancerArn, webAclArn: acl.attrArn });
    extra(stack);
    return alb;
  };
  const neverMatches = { byteMatchStatement: { fieldToMatch: { singleHeader: { name: 'x-never-sent' } }, positionalConstraint: 'EXACTLY', searchString: 'never', textTransformations: [{ priority: 0, type: 'NONE' }] } };
  const scoped = (r: wafv2.CfnWebACL.RuleProperty): wafv2.CfnWebACL.RuleProperty => {
    const st = r.statement as wafv2.CfnWebACL.StatementProperty;
    if (st.rateBasedStatement) return { ...r, statement: { rateBasedStatement: { ...(st.rateBasedStatement as any), scopeDownStatement: neverMatches } } };
    return { ...r, statement: { managedRuleGroupStatement: { ...(st.managedRuleGroupStatement as any), scopeDownStatement: neverMatches } } };
  };
  const [common, badInputs] = [managed('AWSManagedRulesCommonRuleSet', 1), managed('AWSManagedRulesKnownBadInputsRuleSet', 2)];

  beforeAll(() => {
    stack = userStack('InertStack');
    vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
  });

  test('rate rule and managed groups scoped down to requests that never occur', () => {
    const result = check(rule, behind('ScopedAll', [scoped(common), scoped(badInputs), scoped(rateRule)]));
    expect(result).toEqual([expect.stringContaining('rate-based rule RatePerIp: ScopeDownStatement limits it to some requests, needs none')]);
    expect(JSON.stringify(result)).toMatch(/AWSManagedRulesCommonRuleSet: ScopeDownStatement limits it to some requests/);
    expect(JSON.stringify(result)).toMatch(/AWSManagedRulesKnownBadInputsRuleSet: ScopeDownStatement/);
  });

  test('RuleActionOverrides to Count, ExcludedRules, and a rate rule that only counts', () => {
    const overridden: wafv2.CfnWebACL.RuleProperty = {
      ...common,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet', ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] } },
    };
    expect(check(rule, behind('OverrideCount', [overridden, badInputs, rateRule]))).toEqual([
      'WebACL OverrideCount: AWSManagedRulesCommonRuleSet: RuleActionOverrides sets SizeRestrictions_BODY to Count',
    ]);
    const excluded: wafv2.CfnWebACL.RuleProperty = {
      ...badInputs,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet', excludedRules: [{ name: 'Log4JRCE' }] } },
    };
    expect(check(rule, behind('Excluded', [common, excluded, rateRule]))).toEqual([expect.stringMatching(/KnownBadInputsRuleSet: ExcludedRules set/)]);
    expect(check(rule, behind('RateCounts', [common, badInputs, { ...rateRule, action: { count: {} } }]))).toEqual([
      'WebACL RateCounts: rate-based rule RatePerIp: Action is Count, needs Block',
    ]);
  });

  test('a rate limit far above any attack threshold, or per minute instead of per 5 minutes', () => {
    const limited = (limit: number, evaluationWindowSec?: number): wafv2.CfnWebACL.RuleProperty => ({
      ...rateRule,
      statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec } },
    });
    expect(check(rule, behind('Huge', [common, badInputs, limited(2_000_000_000)]))).toEqual([
      'WebACL Huge: rate-based rule RatePerIp: Limit is 2000000000, needs <= 2000 per IP per 5 minutes',
    ]);
    expect(check(rule, behind('PerMinute', [common, badInputs, limited(1000, 60)]))).toEqual([
      'WebACL PerMinute: rate-based rule RatePerIp: Limit is 1000 per 60 s, needs <= 2000 per IP per 5 minutes',
    ]);
    const perHeader: wafv2.CfnWebACL.RuleProperty = {
      ...rateRule,
      statement: { rateBasedStatement: { limit: 100, aggregateKeyType: 'CUSTOM_KEYS', customKeys: [{ header: { name: 'x-session', textTransformations: [{ priority: 0, type: 'NONE' }] } }] } },
    };
    expect(check(rule, behind('PerHeader', [common, badInputs, perHeader]))).toEqual([expect.stringMatching(/CustomKeys do not include the client IP/)]);
    // The bound is a RuleContext value: a stage may set its own.
    const wide = behind('Wide', [common, badInputs, limited(10_000)]);
    expect(rule.check(cfnOf(wide), { ...ruleContextFor('prod'), maxWafRateLimitPer5Min: 10_000 })).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, wide)).toEqual([expect.stringMatching(/Limit is 10000, needs <= 2000/)]);
  });

  test('an Allow-everything rule evaluated before the protections makes them irrelevant; an IP allow-list does not', () => {
    const allowAll: wafv2.CfnWebACL.RuleProperty = {
      name: 'AllowAll',
      priority: 0,
      action: { allow: {} },
      statement: { notStatement: { statement: neverMatches } },
      visibilityConfig: visibility('AllowAll'),
    };
    expect(check(rule, behind('AllowFirst', [allowAll, common, badInputs, rateRule]))).toEqual([
      'WebACL AllowFirst: AllowAll allows requests before the baseline protections run (only an allow-list of an AWS::WAFv2::IPSet in the template may)',
    ]);
    // After every protection, an Allow changes nothing.
    expect(check(rule, behind('AllowLast', [common, badInputs, rateRule, { ...allowAll, priority: 99 }]))).toBe(NagRuleCompliance.COMPLIANT);
    // An allow-list of an office range first is a compliant twin; an IP set of half the internet is not.
    const ipSet = (id: string, addresses: string[]) => new wafv2.CfnIPSet(stack, id, { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses });
    const allowSet = (set: wafv2.CfnIPSet): wafv2.CfnWebACL.RuleProperty => ({ ...allowAll, name: 'AllowOffice', statement: { ipSetReferenceStatement: { arn: set.attrArn } } });
    expect(check(rule, behind('Office', [allowSet(ipSet('OfficeSet', ['203.0.113.0/24'])), common, badInputs, rateRule]))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, behind('HalfNet', [allowSet(ipSet('HalfSet', ['0.0.0.0/1', '128.0.0.0/1'])), common, badInputs, rateRule]))).toEqual([
      expect.stringMatching(/AllowOffice allows requests before the baseline protections/),
    ]);
  });
});

describe('Readiness-WAF across stacks', () => {
  test('an association in another stack that imports the ALB ARN counts', () => {
    const app = new App({ context: NO_BUNDLING });
    const env = { account: '123456789012', region: 'eu-west-1' };
    const network = new Stack(app, 'Entry', { env });
    const vpc = new ec2.Vpc(network, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    const alb = new elbv2.ApplicationLoadBalancer(network, 'Alb', { vpc, internetFacing: true });
    const firewall = new Stack(app, 'Firewall', { env });
    const acl = webAcl(firewall, 'Acl', 'REGIONAL', goodRules());
    new wafv2.CfnWebACLAssociation(firewall, 'Assoc', { resourceArn: alb.loadBalancerArn, webAclArn: acl.attrArn });
    // Synthesis turns the reference into an export/import pair.
    Template.fromStack(firewall);
    expect(check(rule, alb)).toBe(NagRuleCompliance.COMPLIANT);
  });
});
