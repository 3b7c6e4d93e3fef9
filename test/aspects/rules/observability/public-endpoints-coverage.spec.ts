import { Duration, Fn, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance } from 'cdk-nag';
import { PublicEndpointCanaried as canaryRule } from '../../../../lib/aspects/rules/observability/public-endpoint-canaried';
import { SloBurnRateAlerted as sloRule } from '../../../../lib/aspects/rules/observability/slo-burn-rate-alerted';
import { check, userStack } from '../rule-test-kit';

/** SLO and canary rules cover API Gateway REST and HTTP APIs and public network load balancers. */
describe('Readiness-SLO and Readiness-HEALTH-CANARY on APIs and NLBs', () => {
  let stack: Stack;
  let sloHttp: apigwv2.HttpApi;
  let plainHttp: apigwv2.HttpApi;
  let rest: apigw.RestApi;
  let privateRest: apigw.RestApi;
  let publicNlb: elbv2.NetworkLoadBalancer;
  let internalNlb: elbv2.NetworkLoadBalancer;

  beforeAll(() => {
    stack = new Stack(userStack().node.root, 'Apis', { env: { account: '123456789012', region: 'eu-west-1' } });
    const topic = new sns.Topic(stack, 'Pager');
    sloHttp = new apigwv2.HttpApi(stack, 'SloHttp');
    const window = (id: string, period: Duration) =>
      new cloudwatch.MathExpression({
        expression: 'IF(req > 0, e / req, 0)',
        usingMetrics: { e: sloHttp.metricServerError({ period }), req: sloHttp.metricCount({ period }) },
        period,
      }).createAlarm(stack, id, { threshold: 0.0144, evaluationPeriods: 1 });
    const long = window('Long', Duration.hours(1));
    const short = window('Short', Duration.minutes(5));
    new cloudwatch.CompositeAlarm(stack, 'BurnFast', { alarmRule: cloudwatch.AlarmRule.allOf(long, short) }).addAlarmAction(new actions.SnsAction(topic));
    plainHttp = new apigwv2.HttpApi(stack, 'PlainHttp');

    rest = new apigw.RestApi(stack, 'Rest');
    rest.root.addMethod('GET', new apigw.MockIntegration());
    // A Route 53 health check on the API's execute-api host every 30 s.
    new route53.CfnHealthCheck(stack, 'RestCheck', {
      healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: Fn.join('', [rest.restApiId, '.execute-api.eu-west-1.amazonaws.com']), resourcePath: '/prod/', requestInterval: 30 },
    });
    privateRest = new apigw.RestApi(stack, 'PrivateRest', { endpointConfiguration: { types: [apigw.EndpointType.PRIVATE] } });
    privateRest.root.addMethod('GET', new apigw.MockIntegration());

    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    publicNlb = new elbv2.NetworkLoadBalancer(stack, 'PublicNlb', { vpc, internetFacing: true });
    internalNlb = new elbv2.NetworkLoadBalancer(stack, 'InternalNlb', { vpc });
  });

  test('an HTTP API with a multi-window burn-rate composite meets SLO; one without does not', () => {
    expect(check(sloRule, sloHttp)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(sloRule, plainHttp)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(sloRule, rest)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(sloRule, publicNlb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a REST API with a Route 53 health check is canaried; an API or NLB without an outside check is not', () => {
    expect(check(canaryRule, rest)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(canaryRule, plainHttp)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(canaryRule, publicNlb)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('private REST APIs and internal NLBs are not public endpoints', () => {
    for (const rule of [sloRule, canaryRule]) {
      expect(check(rule, privateRest)).toBe(NagRuleCompliance.NOT_APPLICABLE);
      expect(check(rule, internalNlb)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    }
  });
});
