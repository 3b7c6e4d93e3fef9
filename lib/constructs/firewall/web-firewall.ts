import { ArnFormat, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { logGroupKey } from '../service/task-helpers';

export type WebFirewallScope = 'REGIONAL' | 'CLOUDFRONT';

export interface WebFirewallProps {
  /**
   * `REGIONAL` for load balancers, API Gateway stages and AppSync APIs; `CLOUDFRONT` for distributions
   * (the stack must then be in us-east-1).
   * @default 'REGIONAL'
   */
  readonly scope?: WebFirewallScope;
  /**
   * Requests one client IP may send in any 5-minute window before it is blocked.
   * @default 2000
   */
  readonly rateLimitPer5Min?: number;
  /**
   * Path prefixes with a stricter per-IP limit (login, checkout).
   * @default - ['/login', '/checkout']
   */
  readonly sensitivePaths?: string[];
  /**
   * Requests per client IP per 5 minutes on the sensitive paths.
   * @default 100
   */
  readonly sensitivePathRateLimitPer5Min?: number;
  /**
   * Also block anonymizing sources (VPNs, Tor exits, hosting providers).
   * @default false
   */
  readonly blockAnonymousIps?: boolean;
  /**
   * Header that carries the client's address, for a REGIONAL WebACL in front of a load balancer that
   * only CloudFront reaches: there the source IP of every request is a CloudFront edge address, so a
   * per-IP limit would throttle CloudFront (every user behind one edge at once) and reputation lists
   * would judge CloudFront. With a header (CloudFront sends `X-Forwarded-For`), the rate rules count
   * per forwarded address (`FORWARDED_IP`, FallbackBehavior `MATCH`: a request without a valid address is
   * counted, not waved through), and the IP reputation and anonymous-IP groups, which only read the source
   * address, are left out: the CLOUDFRONT WebACL in front applies them to the viewer's real address.
   * The first address of `X-Forwarded-For` is what the client sent, so these limits are a backstop; the
   * CloudFront WebACL, which sees the viewer's address itself, is the limiter that cannot be spoofed.
   * @default - the source IP (the WebACL faces clients directly)
   */
  readonly clientAddressHeader?: string;
  /**
   * Key that encrypts the WAF log group.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the WAF logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const RULES: readonly ValidationRule<WebFirewallProps>[] = [
  { field: 'scope', value: (p) => p.scope, check: (v) => v === undefined || is.oneOf('REGIONAL', 'CLOUDFRONT')(v), fix: 'use "REGIONAL" or "CLOUDFRONT"' },
  { field: 'rateLimitPer5Min', value: (p) => p.rateLimitPer5Min, check: (v) => v === undefined || is.intBetween(10, 2_000_000_000)(v), fix: 'use 10 to 2000000000 requests per IP per 5 minutes (the WAF limits)' },
  {
    field: 'sensitivePathRateLimitPer5Min',
    value: (p) => p.sensitivePathRateLimitPer5Min,
    check: (v, p) => v === undefined || (is.intBetween(10, 2_000_000_000)(v) && v < (p.rateLimitPer5Min ?? 2000)),
    fix: 'use at least 10 and less than rateLimitPer5Min',
  },
  {
    field: 'clientAddressHeader',
    value: (p) => p.clientAddressHeader,
    check: (v, p) => v === undefined || (/^[A-Za-z0-9-]{1,255}$/.test(v) && (p.scope ?? 'REGIONAL') === 'REGIONAL'),
    fix: 'use a header name such as "X-Forwarded-For", on a REGIONAL WebACL only (a CLOUDFRONT WebACL sees the viewer address itself)',
  },
  {
    field: 'sensitivePaths',
    value: (p) => p.sensitivePaths,
    check: (v) => v === undefined || (Array.isArray(v) && v.length <= 10 && v.every((s: string) => /^\/[\w\-./]{0,199}$/.test(s))),
    fix: 'list up to 10 path prefixes such as "/login"',
  },
];

/** AWS managed rule groups every WebACL carries; Readiness-WAF requires the first two. */
export const REQUIRED_MANAGED_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];
const BASE_MANAGED_GROUPS = [...REQUIRED_MANAGED_GROUPS, 'AWSManagedRulesSQLiRuleSet', 'AWSManagedRulesAmazonIpReputationList'];

/**
 * A WAFv2 WebACL with the AWS managed rule groups (common, known bad inputs, SQL injection, IP
 * reputation; anonymous IPs as an option), a per-IP rate limit and a stricter one for sensitive paths,
 * metrics on every rule, and logging with the Authorization and Cookie headers redacted.
 * Associate it with `associate()`; CloudFront distributions take `webAclArn` instead.
 */
export class WebFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly webAclArn: string;
  public readonly logGroup: logs.LogGroup;
  public readonly scope: WebFirewallScope;
  /**
   * The value of the `WebACL` dimension of the web ACL's CloudWatch metrics (AWS/WAFV2): the WAF guide names
   * the web ACL's metric name (VisibilityConfig.MetricName), not its generated name. The web ACL keeps its
   * generated name on purpose: setting `Name` replaces a deployed web ACL, and CloudFormation's cleanup of
   * the replaced WebACLAssociation disassociates the load balancer (DisassociateWebACL takes only the
   * resource ARN), leaving it unprotected after the update.
   */
  public readonly webAclMetricName: string;
  private readonly metricPrefix: string;

  constructor(scope: Construct, id: string, props: WebFirewallProps = {}) {
    super(scope, id);
    assertValid(`WebFirewall "${this.node.path}"`, props, RULES);
    this.scope = props.scope ?? 'REGIONAL';
    if (this.scope === 'CLOUDFRONT' && !Token.isUnresolved(Stack.of(this).region) && Stack.of(this).region !== 'us-east-1') {
      throw new Error(`WebFirewall "${this.node.path}": a CLOUDFRONT WebACL must be in us-east-1, not ${Stack.of(this).region}: put it in a us-east-1 stack`);
    }
    this.metricPrefix = Names.uniqueId(this).slice(-40);
    const rateLimit = props.rateLimitPer5Min ?? 2000;
    const sensitivePaths = props.sensitivePaths ?? ['/login', '/checkout'];
    const sensitiveLimit = props.sensitivePathRateLimitPer5Min ?? 100;

    const forwarded = props.clientAddressHeader;
    const ipKey: Pick<wafv2.CfnWebACL.RateBasedStatementProperty, 'aggregateKeyType' | 'forwardedIpConfig'> = forwarded
      ? { aggregateKeyType: 'FORWARDED_IP', forwardedIpConfig: { headerName: forwarded, fallbackBehavior: 'MATCH' } }
      : { aggregateKeyType: 'IP' };
    // Reputation lists read the source address only: behind CloudFront they would judge CloudFront.
    const sourceAddressGroups = new Set(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList']);
    const groups = [...BASE_MANAGED_GROUPS, ...(props.blockAnonymousIps ? ['AWSManagedRulesAnonymousIpList'] : [])].filter(
      (name) => !forwarded || !sourceAddressGroups.has(name),
    );
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    let priority = 0;
    for (const name of groups) {
      rules.push({
        name,
        priority: priority++,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: this.visibility(name),
      });
    }
    if (sensitivePaths.length > 0) {
      const matches: wafv2.CfnWebACL.StatementProperty[] = sensitivePaths.map((path) => ({
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'STARTS_WITH',
          searchString: path,
          textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
        },
      }));
      rules.push({
        name: 'RateLimitSensitivePaths',
        priority: priority++,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: sensitiveLimit,
            ...ipKey,
            evaluationWindowSec: 300,
            scopeDownStatement: matches.length === 1 ? matches[0] : { orStatement: { statements: matches } },
          },
        },
        visibilityConfig: this.visibility('RateLimitSensitivePaths'),
      });
    }
    rules.push({
      name: 'RateLimitPerIp',
      priority: priority++,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: rateLimit, ...ipKey, evaluationWindowSec: 300 } },
      visibilityConfig: this.visibility('RateLimitPerIp'),
    });

    const visibilityConfig = this.visibility('WebAcl');
    this.webAclMetricName = visibilityConfig.metricName;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: this.scope,
      defaultAction: { allow: {} },
      rules,
      visibilityConfig,
    });
    this.webAclArn = this.webAcl.attrArn;

    // WAF writes only to log groups named aws-waf-logs-*; the unique suffix keeps stages apart.
    const key =
      props.encryptionKey ??
      new kms.Key(this, 'LogKey', { enableKeyRotation: true, description: `Encrypts the WAF logs of ${this.node.path}`, removalPolicy: RemovalPolicy.RETAIN });
    if (!props.encryptionKey) logGroupKey(key);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${Names.uniqueId(this).slice(-200)}`,
      encryptionKey: key,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      // Credentials and sessions never reach the logs.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    logging.node.addDependency(this.logGroup);
  }

  /** Associates the WebACL with a regional resource (ALB, API Gateway stage, AppSync API). */
  public associate(id: string, resourceArn: string): wafv2.CfnWebACLAssociation {
    if (this.scope !== 'REGIONAL') throw new Error(`WebFirewall "${this.node.path}": a CLOUDFRONT WebACL is attached through the distribution's webAclId, not an association`);
    return new wafv2.CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAcl.attrArn });
  }

  private visibility(name: string): wafv2.CfnWebACL.VisibilityConfigProperty {
    return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${this.metricPrefix}-${name}`.slice(0, 128) };
  }
}
