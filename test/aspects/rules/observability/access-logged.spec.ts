import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AccessLogged as rule } from '../../../../lib/aspects/rules/observability/access-logged';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-ACCESS-LOGS', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};
  const skipped: Record<string, IConstruct> = {};

  beforeAll(() => {
    stack = new Stack(userStack().node.root, 'Regional', { env: { account: '123456789012', region: 'eu-west-1' } });
    const logGroup = new logs.LogGroup(stack, 'ApiLogs', { removalPolicy: RemovalPolicy.RETAIN });
    const logged = new apigw.RestApi(stack, 'LoggedRest', {
      deployOptions: { accessLogDestination: new apigw.LogGroupLogDestination(logGroup), accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields() },
    });
    logged.root.addMethod('GET', new apigw.MockIntegration());
    good.RestStage = logged.deploymentStage;
    const plain = new apigw.RestApi(stack, 'PlainRest');
    plain.root.addMethod('GET', new apigw.MockIntegration());
    bad.RestStage = plain.deploymentStage;

    const http = new apigwv2.HttpApi(stack, 'Http', { createDefaultStage: false });
    good.HttpStage = new apigwv2.CfnStage(stack, 'HttpLogged', {
      apiId: http.apiId,
      stageName: 'live',
      autoDeploy: true,
      accessLogSettings: { destinationArn: logGroup.logGroupArn, format: '$context.requestId $context.status' },
    });
    // Fooling: a format without a destination logs nothing.
    bad.HttpStage = new apigwv2.CfnStage(stack, 'HttpFormatOnly', { apiId: http.apiId, stageName: 'other', accessLogSettings: { format: '$context.requestId' } });

    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    const logBucket = new s3.Bucket(stack, 'AlbLogs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN });
    const loggedAlb = new elbv2.ApplicationLoadBalancer(stack, 'LoggedAlb', { vpc, internetFacing: true });
    loggedAlb.logAccessLogs(logBucket);
    good.Alb = loggedAlb;
    bad.Alb = new elbv2.ApplicationLoadBalancer(stack, 'PlainAlb', { vpc, internetFacing: true });
    // Fooling: the bucket attribute without access_logs.s3.enabled does not log.
    const halfAlb = new elbv2.ApplicationLoadBalancer(stack, 'HalfAlb', { vpc, internetFacing: true });
    halfAlb.setAttribute('access_logs.s3.bucket', 'some-bucket');
    bad.HalfAlb = halfAlb;
    skipped.Nlb = new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc });

    const origin = new origins.HttpOrigin('origin.example.com');
    const cdnLogs = new s3.Bucket(stack, 'CdnLogs', { objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, removalPolicy: RemovalPolicy.RETAIN });
    good.Cdn = new cloudfront.Distribution(stack, 'LoggedCdn', { defaultBehavior: { origin }, enableLogging: true, logBucket: cdnLogs });
    bad.Cdn = new cloudfront.Distribution(stack, 'PlainCdn', { defaultBehavior: { origin } });
    // Standard logging v2: a delivery source of the distribution delivered to a destination.
    const v2 = new cloudfront.Distribution(stack, 'V2Cdn', { defaultBehavior: { origin } });
    const source = new logs.CfnDeliverySource(stack, 'V2Source', { name: 'cdn-v2', logType: 'ACCESS_LOGS', resourceArn: Stack.of(v2).formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: v2.distributionId }) });
    const dest = new logs.CfnDeliveryDestination(stack, 'V2Dest', { name: 'cdn-v2-dest', destinationResourceArn: logGroup.logGroupArn });
    new logs.CfnDelivery(stack, 'V2Delivery', { deliverySourceName: source.ref, deliveryDestinationArn: dest.attrArn });
    good.V2Cdn = v2;
    // Fooling: a delivery source alone, with no delivery, sends logs nowhere.
    const sourceOnly = new cloudfront.Distribution(stack, 'SourceOnlyCdn', { defaultBehavior: { origin } });
    new logs.CfnDeliverySource(stack, 'LonelySource', { name: 'lonely', logType: 'ACCESS_LOGS', resourceArn: Stack.of(sourceOnly).formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: sourceOnly.distributionId }) });
    bad.SourceOnlyCdn = sourceOnly;
  });

  test('stages, ALBs and distributions with access logs are compliant; NLBs are not applicable', () => {
    for (const c of Object.values(good)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
    expect(check(rule, skipped.Nlb)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('findings name the missing property and value', () => {
    expect(check(rule, bad.RestStage)).toEqual(['AccessLogSetting.DestinationArn is not set, needs a log group or Firehose ARN']);
    expect(check(rule, bad.HttpStage)).toEqual(['AccessLogSettings.DestinationArn is not set, needs a log group or Firehose ARN']);
    expect(check(rule, bad.Alb)).toEqual(['LoadBalancerAttributes access_logs.s3.enabled is not set, needs "true"']);
    expect(check(rule, bad.HalfAlb)).toEqual(['LoadBalancerAttributes access_logs.s3.enabled is not set, needs "true"']);
    expect(check(rule, bad.SourceOnlyCdn)).toEqual([expect.stringMatching(/^DistributionConfig.Logging is not set, .* no AWS::Logs::Delivery of the distribution/)]);
  });

  test('the Readiness pack flags exactly the resources without access logs', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(Object.values(bad).map((c) => cfnOf(c).node.path).sort());
  });
});
