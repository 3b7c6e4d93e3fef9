import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { TlsInTransit as rule } from '../../../../lib/aspects/rules/security/tls-in-transit';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-ENCRYPTION-IN-TRANSIT', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    good.Https = alb.addListener('Https', {
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc')],
      defaultAction: elbv2.ListenerAction.fixedResponse(404),
    });
    good.Redirect = alb.addRedirect({ sourcePort: 80, targetPort: 443 });
    bad.PlainHttp = alb.addListener('PlainHttp', { port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: elbv2.ListenerAction.fixedResponse(200) });

    good.Cache = new elasticache.CfnReplicationGroup(stack, 'TlsCache', { replicationGroupDescription: 'tls', transitEncryptionEnabled: true, transitEncryptionMode: 'required' });
    bad.PreferredCache = new elasticache.CfnReplicationGroup(stack, 'PreferredCache', { replicationGroupDescription: 'migrating', transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' });
    bad.PlainCache = new elasticache.CfnReplicationGroup(stack, 'PlainCache', { replicationGroupDescription: 'plain' });
  });

  test('HTTPS listeners, HTTP listeners that only redirect to HTTPS, and TLS-required caches are compliant', () => {
    for (const c of Object.values(good)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
  });

  test('plain HTTP listeners, caches without TLS or with TLS only "preferred" are non-compliant', () => {
    for (const c of Object.values(bad)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, [expect.stringMatching(/^(Protocol|TransitEncryptionEnabled|TransitEncryptionMode) is .*, needs /)]]);
  });

  test('the Readiness pack flags exactly the non-compliant resources', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(Object.values(bad).map((c) => cfnOf(c).node.path).sort());
  });
});
