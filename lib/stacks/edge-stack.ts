import { SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { CdnDistribution } from '../constructs/edge/cdn-distribution';
import { WebFirewall } from '../constructs/firewall/web-firewall';
import { acknowledge } from '../constructs/service/task-helpers';
import { ORIGIN_VERIFY_FIELD, ORIGIN_VERIFY_HEADER, originSecretName } from './service-stack';

/** CloudFront and CLOUDFRONT-scope WebACLs live in us-east-1 whatever the stage's region. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The CDN of a stage, in us-east-1: a CLOUDFRONT-scope WebACL and the distribution that uses it, in
 * one stack so that the distribution references the WebACL without a cross-region reference. The
 * origin is the load balancer's DNS name from config (`edge.originDomainName`), covered by its certificate.
 */
export class EdgeStack extends Stack {
  public readonly firewall: WebFirewall;
  public readonly cdn: CdnDistribution;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    const { config } = props;
    super(scope, id, {
      ...props,
      env: { account: config.account, region: EDGE_REGION },
      terminationProtection: config.stage === 'prod',
    });
    const waf = config.service.waf;
    this.firewall = new WebFirewall(this, 'Firewall', {
      scope: 'CLOUDFRONT',
      rateLimitPer5Min: waf.rateLimitPer5Min,
      sensitivePaths: [...waf.sensitivePaths],
      sensitivePathRateLimitPer5Min: waf.sensitivePathRateLimitPer5Min,
      blockAnonymousIps: waf.blockAnonymousIps,
      logRetention: config.service.logRetentionDays as logs.RetentionDays,
    });
    const edge = config.edge;
    this.cdn = new CdnDistribution(this, 'Cdn', {
      originDomainName: edge.originDomainName,
      webFirewall: this.firewall,
      domainNames: [...edge.domainNames],
      certificate: edge.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', edge.certificateArn) : undefined,
      staticPathPatterns: [...edge.staticPathPatterns],
      // The replica of the Service stack's origin secret in us-east-1, resolved at deploy time by name.
      originVerifyHeader: {
        name: ORIGIN_VERIFY_HEADER,
        value: SecretValue.secretsManager(originSecretName(config.stage), { jsonField: ORIGIN_VERIFY_FIELD }),
      },
    });
    acknowledge(this.cdn.distribution, 'AwsSolutions-CFR1', 'The marketplace serves buyers worldwide; abuse is handled by the WebACL (rate limits, IP reputation, managed rules), not by country.');
  }
}
