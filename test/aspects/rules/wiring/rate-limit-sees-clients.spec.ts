import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { RateLimitSeesClients as rule } from '../../../../lib/aspects/rules/wiring/rate-limit-sees-clients';
import { CloudFrontOriginPrefixList } from '../../../../lib/constructs/edge/cloudfront-origin-prefix-list';
import { DEV, PROD, STAGING } from '../../../../lib/config/stages';
import { buildStage, NO_BUNDLING } from '../../../helpers/synth';

type Key = 'IP' | 'FORWARDED_IP' | 'CUSTOM_IP';
interface Options {
  /** Who may reach the load balancer on 443. */
  readonly ingress: 'cloudfront' | 'anyone' | 'other-prefix-list' | 'cloudfront-and-cidr';
  readonly key: Key;
  readonly reputation?: 'block' | 'count' | 'none';
}

/** A user's app: an ALB (L2) in a VPC, a regional WebACL (L1) associated with it. */
function userApp(o: Options) {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Web', { env: { account: '333333333333', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, availabilityZones: undefined } as ec2.VpcProps);
  const sg = new ec2.SecurityGroup(stack, 'AlbSg', { vpc, allowAllOutbound: false });
  if (o.ingress === 'cloudfront' || o.ingress === 'cloudfront-and-cidr') sg.addIngressRule(new CloudFrontOriginPrefixList(stack, 'CloudFront').peer, ec2.Port.tcp(443));
  if (o.ingress === 'cloudfront-and-cidr') sg.addIngressRule(ec2.Peer.ipv4('203.0.113.0/24'), ec2.Port.tcp(443));
  if (o.ingress === 'anyone') sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
  if (o.ingress === 'other-prefix-list') sg.addIngressRule(ec2.Peer.prefixList('pl-12345678'), ec2.Port.tcp(443));
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, securityGroup: sg });
  const rate: wafv2.CfnWebACL.RateBasedStatementProperty =
    o.key === 'IP'
      ? { limit: 100, aggregateKeyType: 'IP' }
      : o.key === 'FORWARDED_IP'
        ? { limit: 100, aggregateKeyType: 'FORWARDED_IP', forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' } }
        : { limit: 100, aggregateKeyType: 'CUSTOM_KEYS', customKeys: [{ uriPath: { textTransformations: [{ priority: 0, type: 'NONE' }] } }, { ip: {} }] };
  const visibility = (n: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: n });
  const rules: wafv2.CfnWebACL.RuleProperty[] = [
    { name: 'Login', priority: 1, action: { block: {} }, statement: { rateBasedStatement: rate }, visibilityConfig: visibility('Login') },
  ];
  if ((o.reputation ?? 'none') !== 'none') {
    rules.push({
      name: 'Reputation',
      priority: 0,
      overrideAction: o.reputation === 'count' ? { count: {} } : { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
      visibilityConfig: visibility('Reputation'),
    });
  }
  const acl = new wafv2.CfnWebACL(stack, 'Acl', { scope: 'REGIONAL', defaultAction: { allow: {} }, rules, visibilityConfig: visibility('Acl') });
  new wafv2.CfnWebACLAssociation(stack, 'Assoc', { resourceArn: alb.loadBalancerArn, webAclArn: acl.attrArn });
  return { app, stack, acl };
}

const check = (o: Options) => rule.check(userApp(o).acl, {} as never);

describe('Readiness-RATE-LIMIT-SEES-CLIENTS', () => {
  test('compliant: behind CloudFront only, the limit counts forwarded client addresses', () => {
    expect(check({ ingress: 'cloudfront', key: 'FORWARDED_IP' })).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('non-compliant: behind CloudFront only, a per-source-IP limit and a blocking reputation list, each named', () => {
    expect(check({ ingress: 'cloudfront', key: 'IP', reputation: 'block' })).toEqual([
      'Rule Login RateBasedStatement.AggregateKeyType = IP',
      'Rule Reputation ManagedRuleGroupStatement.Name = AWSManagedRulesAmazonIpReputationList',
    ]);
  });

  test('a reputation list in Count mode blocks nobody and is not counted', () => {
    expect(check({ ingress: 'cloudfront', key: 'FORWARDED_IP', reputation: 'count' })).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('fooling: custom keys that still include the source IP are non-compliant', () => {
    expect(check({ ingress: 'cloudfront', key: 'CUSTOM_IP' })).toEqual(['Rule Login RateBasedStatement.CustomKeys has IP']);
  });

  test('not applicable when clients reach the load balancer directly (the source IP is the client)', () => {
    expect(check({ ingress: 'anyone', key: 'IP', reputation: 'block' })).toBe(NagRuleCompliance.NOT_APPLICABLE);
    // One CIDR beside CloudFront: clients come directly too.
    expect(check({ ingress: 'cloudfront-and-cidr', key: 'IP' })).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('fooling: a literal prefix list cannot be told to be CloudFront\'s, so the rule does not assume it', () => {
    expect(check({ ingress: 'other-prefix-list', key: 'IP' })).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('through the Readiness pack: an error naming the rule and the WebACL', () => {
    const { stack } = userApp({ ingress: 'cloudfront', key: 'IP' });
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [rule] }).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([expect.stringMatching(/^Readiness-RATE-LIMIT-SEES-CLIENTS/)]);
  });
  test('the shipped stages: behind CloudFront (staging, prod) the regional WebACL is checked and passes; dev faces clients directly', () => {
    for (const config of [DEV, STAGING, PROD]) {
      const { stage } = buildStage(config);
      const acl = stage.service!.firewall.webAcl;
      expect([config.stage, rule.check(acl, {} as never)]).toEqual([config.stage, config.edge.cdn ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NOT_APPLICABLE]);
    }
  });
});
