import { App, Duration, Stack } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { NagRuleCompliance } from 'cdk-nag';
import { PublicEndpointCanaried as rule } from '../../../../lib/aspects/rules/observability/public-endpoint-canaried';
import { HealthCanary } from '../../../../lib/constructs/observability/health-canary';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';

function userApp(): { stack: Stack; alb: elbv2.ApplicationLoadBalancer; topic: sns.Topic } {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 });
  return { stack, alb: new elbv2.ApplicationLoadBalancer(stack, 'Public', { vpc, internetFacing: true }), topic: new sns.Topic(stack, 'Pager') };
}

/** A plain L2 canary calling the load balancer's DNS name, as a user would write it. */
function userCanary(stack: Stack, alb: elbv2.ApplicationLoadBalancer, rate: Duration): synthetics.Canary {
  return new synthetics.Canary(stack, 'Canary', {
    runtime: synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
    test: synthetics.Test.custom({ code: synthetics.Code.fromInline('exports.handler = async () => {};'), handler: 'index.handler' }),
    schedule: synthetics.Schedule.rate(rate),
    environmentVariables: { URL: `https://${alb.loadBalancerDnsName}/health` },
  });
}

describe('Readiness-HEALTH-CANARY', () => {
  test('HealthCanary watching the load balancer is compliant', () => {
    const { stack, alb, topic } = userApp();
    new HealthCanary(stack, 'Health', { url: 'https://api.example.com/health', watchedEndpoints: [alb.loadBalancerDnsName], criticalTopic: topic, warningTopic: topic, dashboardName: 'd' });
    expect(check(rule, alb)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a user canary every minute on the DNS name with an alarm to SNS is compliant; without the alarm it is not', () => {
    const { stack, alb, topic } = userApp();
    const canary = userCanary(stack, alb, Duration.minutes(1));
    expect(check(rule, alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
    canary.metricSuccessPercent().createAlarm(stack, 'Failing', { threshold: 100, evaluationPeriods: 3 }).addAlarmAction(new actions.SnsAction(topic));
    expect(check(rule, alb)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a canary every hour is too slow to catch an outage', () => {
    const { stack, alb, topic } = userApp();
    const canary = userCanary(stack, alb, Duration.hours(1));
    canary.metricSuccessPercent().createAlarm(stack, 'Failing', { threshold: 100, evaluationPeriods: 1 }).addAlarmAction(new actions.SnsAction(topic));
    expect(check(rule, alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a canary that watches something else does not count', () => {
    const { stack, alb, topic } = userApp();
    new HealthCanary(stack, 'Health', { url: 'https://other.example.com/health', criticalTopic: topic, warningTopic: topic, dashboardName: 'd' });
    expect(check(rule, alb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a Route 53 health check on the load balancer every 30 s is compliant', () => {
    const { stack, alb } = userApp();
    new route53.CfnHealthCheck(stack, 'Check', {
      healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: alb.loadBalancerDnsName, resourcePath: '/health', requestInterval: 30 },
    });
    expect(check(rule, alb)).toBe(NagRuleCompliance.COMPLIANT);
  });
});
