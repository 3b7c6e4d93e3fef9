import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { NagRuleCompliance } from 'cdk-nag';
import { CdnHttpsAndCached as rule } from '../../../../lib/aspects/rules/service/cdn-https-and-cached';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-CDN', () => {
  let stack: Stack;
  let good: cloudfront.Distribution;
  let httpViewers: cloudfront.Distribution;
  let httpOrigin: cloudfront.Distribution;
  let oldTls: cloudfront.Distribution;
  let nothingCached: cloudfront.Distribution;

  beforeAll(() => {
    stack = userStack();
    const https = new origins.HttpOrigin('origin.example.com', { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY, originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2] });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000');
    const dynamic = { origin: https, viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS, cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED };
    const cached = { origin: https, viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS, cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED };
    good = new cloudfront.Distribution(stack, 'Good', {
      defaultBehavior: dynamic,
      additionalBehaviors: { '/static/*': cached },
      domainNames: ['shop.example.com'],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    httpViewers = new cloudfront.Distribution(stack, 'HttpViewers', { defaultBehavior: { ...cached, viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.ALLOW_ALL } });
    httpOrigin = new cloudfront.Distribution(stack, 'HttpOrigin', {
      defaultBehavior: { ...cached, origin: new origins.HttpOrigin('origin.example.com', { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY }) },
    });
    oldTls = new cloudfront.Distribution(stack, 'OldTls', { defaultBehavior: cached, domainNames: ['old.example.com'], certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2016 });
    nothingCached = new cloudfront.Distribution(stack, 'NothingCached', { defaultBehavior: dynamic });
  });

  test('HTTPS to viewers and origin, TLS 1.2 on the custom certificate and cached static paths is compliant', () => {
    expect(check(rule, good)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('plain HTTP to viewers or to the origin is non-compliant', () => {
    expect(check(rule, httpViewers)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, httpOrigin)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an old viewer TLS policy, or caching disabled everywhere, is non-compliant', () => {
    expect(check(rule, oldTls)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, nothingCached)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('the Readiness pack flags exactly those distributions', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['UserStack/HttpOrigin/Resource', 'UserStack/HttpViewers/Resource', 'UserStack/NothingCached/Resource', 'UserStack/OldTls/Resource']);
  });
});
