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
import { check, flaggedPaths, userStack } from '../rule-test-kit';

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
    expect(check(rule, bareAlb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a WebACL whose managed groups only count, or without a rate-based rule, does not protect', () => {
    expect(check(rule, countOnlyAlb)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, noRateAlb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a WebACL that the template cannot show (imported ARN) is non-compliant', () => {
    expect(check(rule, importedAclAlb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('internal ALBs and network load balancers are not applicable', () => {
    expect(check(rule, internalAlb)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, nlb)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('CloudFront needs a CLOUDFRONT-scope WebACL from the template', () => {
    expect(check(rule, protectedCdn)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, bareCdn)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, regionalAclCdn)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('API Gateway REST stages and AppSync APIs are checked through their associations', () => {
    expect(check(rule, protectedApi.deploymentStage)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, bareApi.deploymentStage)).toBe(NagRuleCompliance.NON_COMPLIANT);
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
