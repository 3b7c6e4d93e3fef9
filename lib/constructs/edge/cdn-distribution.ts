import { Duration, SecretValue } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { WebFirewall } from '../firewall/web-firewall';
import { acknowledgeLogDeliveryBucket } from '../service/task-helpers';
import { logDeliveryBucket } from '../shared/log-delivery-bucket';

export interface CdnDistributionProps {
  /** DNS name CloudFront connects to over HTTPS; the origin's certificate must cover it. */
  readonly originDomainName: string;
  /** A CLOUDFRONT-scope WebFirewall (in us-east-1). */
  readonly webFirewall: WebFirewall;
  /**
   * Viewer domain names.
   * @default - the distribution's `*.cloudfront.net` name only
   */
  readonly domainNames?: string[];
  /**
   * Certificate for `domainNames`, in us-east-1.
   * @default - none (required when domainNames is set)
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Path patterns cached at the edge (everything else passes through uncached).
   * @default - ['/static/*']
   */
  readonly staticPathPatterns?: string[];
  /**
   * Bucket for CloudFront standard logs.
   * @default - a new private bucket that is retained
   */
  readonly logBucket?: s3.IBucket;
  /**
   * A header CloudFront adds to every origin request, so that the origin can refuse requests that did not
   * come through this distribution (`ProtectedService.originVerifyHeader`). Give the value as a Secrets
   * Manager reference: the template carries a dynamic reference, never the value.
   * @default - no origin header
   */
  readonly originVerifyHeader?: { readonly name: string; readonly value: SecretValue };
  /**
   * Edge locations used.
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
}

const RULES: readonly ValidationRule<CdnDistributionProps>[] = [
  {
    field: 'certificate',
    value: (p) => (p.domainNames && p.domainNames.length > 0 ? (p.certificate ? 'set' : undefined) : 'n/a'),
    check: (v) => v !== undefined,
    fix: 'give a us-east-1 ACM certificate for domainNames',
  },
  {
    field: 'webFirewall',
    value: (p) => p.webFirewall.scope,
    check: (v) => v === 'CLOUDFRONT',
    fix: 'use a WebFirewall with scope "CLOUDFRONT" (in a us-east-1 stack)',
  },
];

/**
 * CloudFront in front of the load balancer (gap 1.4): its own WAF, HTTPS only (TLS 1.2+ to viewers and
 * to the origin), caching only for static paths, security headers, and standard logs.
 */
export class CdnDistribution extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly logBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: CdnDistributionProps) {
    super(scope, id);
    assertValid(`CdnDistribution "${this.node.path}"`, props, RULES);

    const origin = new origins.HttpOrigin(props.originDomainName, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
      keepaliveTimeout: Duration.seconds(5),
      customHeaders: props.originVerifyHeader ? { [props.originVerifyHeader.name]: props.originVerifyHeader.value.unsafeUnwrap() } : undefined,
    });
    this.logBucket =
      props.logBucket ??
      // CloudFront standard logs are written with an ACL.
      logDeliveryBucket(this, 'Logs', { objectOwnership: s3.ObjectOwnership.OBJECT_WRITER });

    if (!props.logBucket) acknowledgeLogDeliveryBucket(this.logBucket, 'CloudFront standard');

    const staticBehavior: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      compress: true,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `CDN of ${this.node.path}`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Dynamic and WebSocket traffic passes through; the Host header stays the origin's so TLS verifies.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: Object.fromEntries((props.staticPathPatterns ?? ['/static/*']).map((p) => [p, staticBehavior])),
      domainNames: props.domainNames && props.domainNames.length > 0 ? props.domainNames : undefined,
      certificate: props.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: props.webFirewall.webAclArn,
      enableLogging: true,
      logBucket: this.logBucket,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      enableIpv6: true,
    });
  }
}
