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

  test('SSH, all traffic (-1) over IPv6, a port range, Postgres and ICMP from anywhere are non-compliant, and the finding names range and port', () => {
    expect(check(rule, f.ssh)).toEqual(['0.0.0.0/0 (SecurityGroupIngress.0) admits all of IPv4 on TCP 22']);
    expect(check(rule, f.everything)).toEqual(['::/0 (SecurityGroupIngress.0) admits all of IPv6 on all protocols']);
    expect(check(rule, f.range)).toEqual(['0.0.0.0/0 (SecurityGroupIngress.0) admits all of IPv4 on TCP 81-442']);
    expect(check(rule, f.postgres)).toEqual([expect.stringMatching(/^0\.0\.0\.0\/0 \(PostgresFromAnywhere\) admits all of IPv4 on TCP 5432$/)]);
    expect(check(rule, f.icmp)).toEqual(['0.0.0.0/0 (SecurityGroupIngress.0) admits all of IPv4 on ICMP']);
  });

  test('a CIDR the rule cannot resolve (a parameter) is non-compliant', () => {
    expect(check(rule, f.unknownCidr)).toEqual([expect.stringMatching(/could be 0\.0\.0\.0\/0.*on TCP 22$/)]);
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
      // One violation per flagged resource, each naming what failed there.
      const violations = evaluation.readiness.violations;
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.ruleName === 'Readiness-INGRESS-RESTRICTED' && v.severity === 'error' && v.violatingResources.length === 1)).toBe(true);
    }
    expect(evaluateReadiness(userApp(false).app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false }).readiness.violations).toEqual([]);
  });

  test("a user's app with SSH open to the internet fails the prod gate with Readiness-INGRESS-RESTRICTED", () => {
    const { app } = userApp(true);
    enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false });
    expect(() => app.synth()).toThrow(/Readiness-INGRESS-RESTRICTED/);
  });

  describe('address ranges that together open the world', () => {
    let st: Stack;
    let vpc: ec2.Vpc;
    const sg = (id: string, ingress: ec2.CfnSecurityGroup.IngressProperty[]) => new ec2.CfnSecurityGroup(st, id, { groupDescription: id, vpcId: vpc.vpcId, securityGroupIngress: ingress });
    const tcp = (port: number, cidrIp: string) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIp });

    beforeAll(() => {
      st = new Stack(new App({ context: NO_BUNDLING }), 'Halves');
      vpc = new ec2.Vpc(st, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    });

    test('0.0.0.0/1 + 128.0.0.0/1 inline on Postgres is all of IPv4', () => {
      expect(check(rule, sg('HalvesInline', [tcp(5432, '0.0.0.0/1'), tcp(5432, '128.0.0.0/1')]))).toEqual([
        '0.0.0.0/1 (SecurityGroupIngress.0) + 128.0.0.0/1 (SecurityGroupIngress.1) together admit all of IPv4 on TCP 5432',
      ]);
    });

    test('halves split across the group and standalone ingress resources flag every contributor', () => {
      const group = sg('HalvesSplit', [tcp(22, '0.0.0.0/1')]);
      const other = new ec2.CfnSecurityGroupIngress(st, 'OtherHalf', { groupId: group.attrGroupId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '128.0.0.0/1' });
      expect(check(rule, group)).toEqual([expect.stringMatching(/together admit all of IPv4 on TCP 22$/)]);
      expect(check(rule, other)).toEqual([expect.stringMatching(/together admit all of IPv4 on TCP 22$/)]);
    });

    test('IPv6 halves on MySQL, and -1 from one half with TCP 0-65535 from the other', () => {
      expect(check(rule, sg('V6Halves', [{ ipProtocol: 'tcp', fromPort: 3306, toPort: 3306, cidrIpv6: '::/1' }, { ipProtocol: 'tcp', fromPort: 3306, toPort: 3306, cidrIpv6: '8000::/1' }]))).toEqual([
        expect.stringMatching(/together admit all of IPv6 on TCP 3306$/),
      ]);
      const mixed = check(rule, sg('AllAndRange', [{ ipProtocol: '-1', cidrIp: '0.0.0.0/1' }, { ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIp: '128.0.0.0/1' }]));
      expect(mixed).toEqual([expect.stringMatching(/together admit all of IPv4 on TCP 0-79/)]);
    });

    test('a very large share of public IPv4 (a /8 worth or more) counts as the world', () => {
      expect(check(rule, sg('Quarters', [tcp(22, '0.0.0.0/2'), tcp(22, '64.0.0.0/2')]))).toEqual([expect.stringMatching(/a \/8 or more of public IPv4 on TCP 22$/)]);
      expect(check(rule, sg('OneSlash7', [tcp(6379, '52.0.0.0/7')]))).toEqual([expect.stringMatching(/admits a \/8 or more of public IPv4 on TCP 6379$/)]);
    });

    test('compliant twins: halves on the web port, private ranges, small public ranges, prefix lists and security groups', () => {
      expect(check(rule, sg('WebHalves', [tcp(443, '0.0.0.0/1'), tcp(443, '128.0.0.0/1'), { ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv6: '::/1' }]))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, sg('Private', [tcp(5432, '10.0.0.0/8'), tcp(5432, '172.16.0.0/12'), tcp(5432, '192.168.0.0/16'), tcp(5432, '100.64.0.0/10')]))).toBe(NagRuleCompliance.COMPLIANT);
      expect(check(rule, sg('Office', [tcp(22, '198.51.100.0/22'), tcp(22, '203.0.113.0/24'), { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '2001:db8::/32' }]))).toBe(
        NagRuleCompliance.COMPLIANT,
      );
      const other = sg('Peer', []);
      expect(
        check(rule, sg('Sources', [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: other.attrGroupId }, { ipProtocol: '-1', sourcePrefixListId: 'pl-12345678' }])),
      ).toBe(NagRuleCompliance.COMPLIANT);
    });
  });
});
