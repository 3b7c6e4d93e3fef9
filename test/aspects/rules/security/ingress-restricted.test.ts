import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { IngressRestricted as rule } from '../../../../lib/aspects/rules/security/ingress-restricted';
import { enforceReadiness, evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check, flaggedPaths } from '../rule-test-kit';

/** A user's app: a web tier open on 80/443 and an app tier open to the web tier, plus, when `open`, the holes the rule must find. */
function userApp(open: boolean) {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  const web = new ec2.SecurityGroup(stack, 'Web', { vpc });
  web.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
  web.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(80), 'HTTP redirect');
  const appTier = new ec2.SecurityGroup(stack, 'App', { vpc });
  appTier.addIngressRule(web, ec2.Port.tcp(8080), 'from the web tier');
  appTier.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(9090), 'metrics from the VPC');
  const fixtures: Record<string, ec2.SecurityGroup | ec2.CfnSecurityGroupIngress | ec2.CfnSecurityGroup> = { web, appTier };
  if (open) {
    const ssh = new ec2.SecurityGroup(stack, 'Ssh', { vpc });
    ssh.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'SSH');
    const everything = new ec2.SecurityGroup(stack, 'Everything', { vpc });
    everything.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.allTraffic(), 'all');
    const range = new ec2.SecurityGroup(stack, 'Range', { vpc });
    range.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcpRange(80, 443), '80 to 443');
    // Plain L1: a standalone ingress rule for Postgres, and one whose CIDR is a parameter.
    const postgres = new ec2.CfnSecurityGroupIngress(stack, 'PostgresFromAnywhere', { groupId: appTier.securityGroupId, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '0.0.0.0/0' });
    const unknownCidr = new ec2.CfnSecurityGroupIngress(stack, 'UnknownCidr', {
      groupId: appTier.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIp: new CfnParameter(stack, 'AdminCidr').valueAsString,
    });
    const https = new ec2.CfnSecurityGroupIngress(stack, 'HttpsFromAnywhere', { groupId: appTier.securityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' });
    const icmp = new ec2.CfnSecurityGroup(stack, 'Icmp', {
      groupDescription: 'ping',
      vpcId: vpc.vpcId,
      securityGroupIngress: [{ ipProtocol: 'icmp', fromPort: -1, toPort: -1, cidrIp: '0.0.0.0/0' }],
    });
    Object.assign(fixtures, { ssh, everything, range, postgres, unknownCidr, https, icmp });
  }
  return { app, stack, fixtures };
}

describe('Readiness-INGRESS-RESTRICTED', () => {
  let f: ReturnType<typeof userApp>['fixtures'];
  let stack: Stack;

  beforeAll(() => {
    ({ fixtures: f, stack } = userApp(true));
  });

  test('TCP 80/443 from anywhere, and other ports from a security group or the VPC CIDR, are compliant', () => {
    expect(check(rule, f.web)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.appTier)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.https)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('SSH, all traffic (-1) over IPv6, a port range, Postgres and ICMP from anywhere are non-compliant', () => {
    for (const sg of [f.ssh, f.everything, f.range, f.postgres, f.icmp]) expect(check(rule, sg)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a CIDR the rule cannot resolve (a parameter) is non-compliant', () => {
    expect(check(rule, f.unknownCidr)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('the Readiness pack flags exactly the open security groups and ingress rules', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([
      'UserStack/Everything/Resource',
      'UserStack/Icmp',
      'UserStack/PostgresFromAnywhere',
      'UserStack/Range/Resource',
      'UserStack/Ssh/Resource',
      'UserStack/UnknownCidr',
    ]);
  });

  test('the gate reports an error in every stage (security), and passes the restricted app', () => {
    for (const stage of ['prod', 'staging', 'dev'] as const) {
      const evaluation = evaluateReadiness(userApp(true).app, { stage, rules: [rule], awsSolutions: false, nist: false, writeReport: false });
      expect(evaluation.readiness.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-INGRESS-RESTRICTED', severity: 'error' })]);
    }
    expect(evaluateReadiness(userApp(false).app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false }).readiness.violations).toEqual([]);
  });

  test("a user's app with SSH open to the internet fails the prod gate with Readiness-INGRESS-RESTRICTED", () => {
    const { app } = userApp(true);
    enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false });
    expect(() => app.synth()).toThrow(/Readiness-INGRESS-RESTRICTED/);
  });
});
