import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { prop, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** AWS managed cache policy "Managed-CachingDisabled". */
export const CACHING_DISABLED_POLICY_ID = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const HTTPS_VIEWER = ['redirect-to-https', 'https-only'];
const OLD_ORIGIN_TLS = ['SSLv3', 'TLSv1', 'TLSv1.1'];
const CURRENT_VIEWER_TLS = /^TLSv1\.2_20(18|19|21|25)$|^TLSv1\.3_/;

/**
 * Readiness-CDN: every CloudFront distribution speaks HTTPS only (viewers redirected or refused on
 * HTTP, custom origins over HTTPS with TLS 1.2+, a TLS 1.2+ security policy on a custom certificate)
 * and caches at least one path (a behavior with a cache policy other than CachingDisabled).
 */
export const CdnHttpsAndCached: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'CDN',
  controlId: 'CDN',
  // TLS in transit has its own security rule; this one is about the CDN doing its job.
  category: 'operations',
  resourceTypes: ['AWS::CloudFront::Distribution'],
  info: 'The CloudFront distribution allows plain HTTP (to viewers or origins) or old TLS, or caches nothing.',
  explanation:
    'A CDN is only worth its edge when it serves cached content over TLS (gap 1.4: "Configure cache rules", "Set up WAF rules"). ' +
    'Use ViewerProtocolPolicy redirect-to-https on every behavior, HTTPS_ONLY custom origins with TLS 1.2, minimumProtocolVersion TLSv1.2_2021, ' +
    'and a caching policy on the static paths (lib/constructs/edge CdnDistribution does all of this).',
  test: 'test/aspects/rules/service/cdn-https-and-cached.spec.ts',
  check: (node: CfnResource) => {
    const config = prop(node, 'DistributionConfig') as Record<string, any> | undefined;
    if (!config || typeof config !== 'object') return NagRuleCompliance.NON_COMPLIANT;
    const behaviors = [config.DefaultCacheBehavior, ...(Array.isArray(config.CacheBehaviors) ? config.CacheBehaviors : [])];
    if (!config.DefaultCacheBehavior) return NagRuleCompliance.NON_COMPLIANT;
    if (!behaviors.every((b) => HTTPS_VIEWER.includes(stringOf(node, b?.ViewerProtocolPolicy) ?? ''))) return NagRuleCompliance.NON_COMPLIANT;
    const origins: any[] = Array.isArray(config.Origins) ? config.Origins : [];
    for (const origin of origins) {
      const custom = origin?.CustomOriginConfig;
      if (!custom) continue;
      if (stringOf(node, custom.OriginProtocolPolicy) !== 'https-only') return NagRuleCompliance.NON_COMPLIANT;
      const protocols = custom.OriginSSLProtocols;
      if (!Array.isArray(protocols) || protocols.some((p: unknown) => OLD_ORIGIN_TLS.includes(stringOf(node, p) ?? 'unknown'))) return NagRuleCompliance.NON_COMPLIANT;
    }
    const cert = config.ViewerCertificate;
    if (cert && (cert.AcmCertificateArn !== undefined || cert.IamCertificateId !== undefined)) {
      if (!CURRENT_VIEWER_TLS.test(stringOf(node, cert.MinimumProtocolVersion) ?? '')) return NagRuleCompliance.NON_COMPLIANT;
    }
    const caches = behaviors.some((b) => {
      if (b?.CachePolicyId !== undefined) {
        const id = stringOf(node, b.CachePolicyId);
        // A cache policy defined in the template (a token) caches unless it is the managed disabled one.
        return id !== CACHING_DISABLED_POLICY_ID;
      }
      return b?.ForwardedValues !== undefined;
    });
    return caches ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
