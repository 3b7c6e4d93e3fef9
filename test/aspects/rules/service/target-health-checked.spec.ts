import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance } from 'cdk-nag';
import { TargetHealthChecked as rule } from '../../../../lib/aspects/rules/service/target-health-checked';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-HEALTH-CHECK', () => {
  let stack: Stack;
  let checked: elbv2.ApplicationTargetGroup;
  let defaults: elbv2.ApplicationTargetGroup;
  let noPath: elbv2.ApplicationTargetGroup;
  let disabled: elbv2.ApplicationTargetGroup;
  let tcp: elbv2.NetworkTargetGroup;
  let tcpDefaults: elbv2.NetworkTargetGroup;
  let lambdaTargets: elbv2.CfnTargetGroup;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const thresholds = { interval: Duration.seconds(15), healthyThresholdCount: 2, unhealthyThresholdCount: 3 };
    const app = (id: string, healthCheck?: elbv2.HealthCheck) =>
      new elbv2.ApplicationTargetGroup(stack, id, { vpc, port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targetType: elbv2.TargetType.IP, healthCheck });
    checked = app('Checked', { path: '/health', ...thresholds });
    defaults = app('Defaults');
    noPath = app('NoPath', { ...thresholds });
    disabled = app('Disabled', { enabled: false });
    tcp = new elbv2.NetworkTargetGroup(stack, 'Tcp', { vpc, port: 5000, protocol: elbv2.Protocol.TCP, targetType: elbv2.TargetType.IP, healthCheck: thresholds });
    tcpDefaults = new elbv2.NetworkTargetGroup(stack, 'TcpDefaults', { vpc, port: 5000, protocol: elbv2.Protocol.TCP, targetType: elbv2.TargetType.IP });
    lambdaTargets = new elbv2.CfnTargetGroup(stack, 'Lambda', { targetType: 'lambda' });
  });

  test('an HTTP target group with a path and explicit thresholds is compliant; TCP needs thresholds only', () => {
    expect(check(rule, checked)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, tcp)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('default health checks (no path, no thresholds) are non-compliant', () => {
    expect(check(rule, defaults)).toEqual([expect.stringMatching(/^(HealthCheckEnabled|HealthCheckProtocol|Protocol|HealthCheckPath|HealthyThresholdCount|UnhealthyThresholdCount|HealthCheckIntervalSeconds) is .*, needs /)]);
    expect(check(rule, tcpDefaults)).toEqual([expect.stringMatching(/^(HealthCheckEnabled|HealthCheckProtocol|Protocol|HealthCheckPath|HealthyThresholdCount|UnhealthyThresholdCount|HealthCheckIntervalSeconds) is .*, needs /)]);
  });

  test('thresholds without a path, or a disabled health check, are non-compliant', () => {
    expect(check(rule, noPath)).toEqual([expect.stringMatching(/^(HealthCheckEnabled|HealthCheckProtocol|Protocol|HealthCheckPath|HealthyThresholdCount|UnhealthyThresholdCount|HealthCheckIntervalSeconds) is .*, needs /)]);
    expect(check(rule, disabled)).toEqual(['HealthCheckEnabled is false, needs true']);
  });

  test('Lambda target groups are not applicable', () => {
    expect(check(rule, lambdaTargets)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('the Readiness pack flags exactly the target groups without explicit health checks', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['UserStack/Defaults/Resource', 'UserStack/Disabled/Resource', 'UserStack/NoPath/Resource', 'UserStack/TcpDefaults/Resource']);
  });
});
