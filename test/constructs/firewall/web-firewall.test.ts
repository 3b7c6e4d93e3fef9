import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WebFirewall } from '../../../lib/constructs/firewall/web-firewall';
import { NO_BUNDLING } from '../../helpers/synth';

const stackIn = (region: string) => new Stack(new App({ context: NO_BUNDLING }), 'Waf', { env: { account: '123456789012', region } });

describe('WebFirewall', () => {
  let template: Template;

  beforeAll(() => {
    const stack = stackIn('eu-west-1');
    new WebFirewall(stack, 'Firewall', { sensitivePaths: ['/login'] });
    template = Template.fromStack(stack);
  });

  test('defaults: four managed groups (no anonymous-IP list), 2000/5 min per IP, 100/5 min on one sensitive path without an OR', () => {
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    const names = acl.Properties.Rules.map((r: any) => r.Name);
    expect(names).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList', 'RateLimitSensitivePaths', 'RateLimitPerIp']);
    const sensitive = acl.Properties.Rules.find((r: any) => r.Name === 'RateLimitSensitivePaths');
    expect(sensitive.Statement.RateBasedStatement).toMatchObject({ Limit: 100, ScopeDownStatement: { ByteMatchStatement: { SearchString: '/login', PositionalConstraint: 'STARTS_WITH' } } });
  });

  test('the WAF log group is customer-key encrypted and kept', () => {
    const [group] = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(group).toMatchObject({ DeletionPolicy: 'Retain', Properties: { KmsKeyId: expect.anything(), RetentionInDays: 365 } });
  });

  test('a CLOUDFRONT WebACL outside us-east-1 is refused, and cannot be associated', () => {
    expect(() => new WebFirewall(stackIn('eu-west-1'), 'Edge', { scope: 'CLOUDFRONT' })).toThrow(/CLOUDFRONT WebACL must be in us-east-1, not eu-west-1/);
    const edge = new WebFirewall(stackIn('us-east-1'), 'Edge', { scope: 'CLOUDFRONT' });
    expect(() => edge.associate('Assoc', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/y')).toThrow(/through the distribution's webAclId/);
  });

  test('limits outside the WAF range, or a sensitive limit above the general one, are rejected together', () => {
    expect(() => new WebFirewall(stackIn('eu-west-1'), 'Bad', { rateLimitPer5Min: 5, sensitivePathRateLimitPer5Min: 5000, sensitivePaths: ['login'] })).toThrow(
      /rateLimitPer5Min = 5[\s\S]*sensitivePathRateLimitPer5Min = 5000[\s\S]*sensitivePaths = \["login"\]/,
    );
  });
  test('with a client address header: forwarded-IP rate limits (fallback MATCH) and no source-address reputation groups; REGIONAL only', () => {
    const stack = stackIn('eu-west-1');
    new WebFirewall(stack, 'Behind', { blockAnonymousIps: true, clientAddressHeader: 'X-Forwarded-For' });
    const [acl] = Object.values(Template.fromStack(stack).findResources('AWS::WAFv2::WebACL'));
    expect(acl.Properties.Rules.map((r: any) => r.Name)).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet', 'RateLimitSensitivePaths', 'RateLimitPerIp']);
    for (const name of ['RateLimitSensitivePaths', 'RateLimitPerIp']) {
      expect(acl.Properties.Rules.find((r: any) => r.Name === name).Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'FORWARDED_IP',
        ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' },
      });
    }
    expect(() => new WebFirewall(stackIn('us-east-1'), 'Edge', { scope: 'CLOUDFRONT', clientAddressHeader: 'X-Forwarded-For' })).toThrow(
      /clientAddressHeader = "X-Forwarded-For": .*REGIONAL WebACL only/,
    );
  });
});
