import { App, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { CdnDistribution } from '../../../lib/constructs/edge/cdn-distribution';
import { WebFirewall } from '../../../lib/constructs/firewall/web-firewall';
import { NO_BUNDLING } from '../../helpers/synth';

const edgeStack = () => new Stack(new App({ context: NO_BUNDLING }), 'Edge', { env: { account: '123456789012', region: 'us-east-1' } });

describe('CdnDistribution', () => {
  test('without aliases: the cloudfront.net name, HTTPS redirect, caching only for static paths, the Host header stays the origin\'s', () => {
    const stack = edgeStack();
    new CdnDistribution(stack, 'Cdn', { originDomainName: 'origin.example.com', webFirewall: new WebFirewall(stack, 'Waf', { scope: 'CLOUDFRONT' }), staticPathPatterns: ['/assets/*'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: Match.absent(),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
        }),
        CacheBehaviors: [Match.objectLike({ PathPattern: '/assets/*', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' })], // Managed-CachingOptimized
      }),
    });
  });

  test('aliases without a certificate, or a REGIONAL WebACL, are rejected', () => {
    const stack = edgeStack();
    expect(
      () => new CdnDistribution(stack, 'Cdn', { originDomainName: 'origin.example.com', domainNames: ['shop.example.com'], webFirewall: new WebFirewall(stack, 'Waf') }),
    ).toThrow(/certificate = \(missing\): give a us-east-1 ACM certificate[\s\S]*webFirewall = "REGIONAL"/);
  });
});
