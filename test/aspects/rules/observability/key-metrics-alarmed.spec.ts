import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { KeyMetricsAlarmed as rule } from '../../../../lib/aspects/rules/observability/key-metrics-alarmed';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-KEY-METRICS-ALARMED', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};
  const skipped: Record<string, IConstruct> = {};

  beforeAll(() => {
    stack = userStack();
    const topic = new sns.Topic(stack, 'OnCall');
    const page = (metric: cloudwatch.Metric, id: string, routedTo: sns.ITopic | null = topic) => {
      const alarm = metric.createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 });
      if (routedTo) alarm.addAlarmAction(new actions.SnsAction(routedTo));
      return alarm;
    };
    const code = lambda.Code.fromInline('exports.handler = async () => ({});');
    const fn = (id: string) => new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code });

    const watched = fn('Watched');
    page(watched.metricErrors(), 'WatchedErrors');
    page(watched.metricThrottles(), 'WatchedThrottles');
    good.Function = watched;
    const errorsOnly = fn('ErrorsOnly');
    page(errorsOnly.metricErrors(), 'ErrorsOnlyErrors');
    bad.ErrorsOnly = errorsOnly;
    // Fooling: alarms on both metrics, but one has no action and feeds no composite.
    const silent = fn('Silent');
    page(silent.metricErrors(), 'SilentErrors');
    page(silent.metricThrottles(), 'SilentThrottles', null);
    bad.Silent = silent;
    // A composite that pages routes its inputs.
    const viaComposite = fn('ViaComposite');
    const e = page(viaComposite.metricErrors(), 'ViaCompositeErrors', null);
    const t = page(viaComposite.metricThrottles(), 'ViaCompositeThrottles', null);
    new cloudwatch.CompositeAlarm(stack, 'FnHealth', { alarmRule: cloudwatch.AlarmRule.anyOf(e, t) }).addAlarmAction(new actions.SnsAction(topic));
    good.ViaComposite = viaComposite;
    // A custom-resource handler serves deployments only.
    const handler = fn('CrHandler');
    new CustomResource(stack, 'Cr', { serviceToken: new cr.Provider(stack, 'Provider', { onEventHandler: handler }).serviceToken });
    skipped.CrHandler = handler;

    const rest = new apigw.RestApi(stack, 'Rest');
    rest.root.addMethod('GET', new apigw.MockIntegration());
    page(rest.metricServerError(), 'Rest5xx');
    page(rest.metricLatency(), 'RestLatency');
    good.Rest = rest;
    const plainRest = new apigw.RestApi(stack, 'PlainRest');
    plainRest.root.addMethod('GET', new apigw.MockIntegration());
    page(plainRest.metricLatency(), 'PlainRestLatency');
    bad.PlainRest = plainRest;

    const http = new apigwv2.HttpApi(stack, 'Http');
    page(http.metricServerError(), 'Http5xx');
    page(http.metricLatency(), 'HttpLatency');
    good.Http = http;
    bad.PlainHttp = new apigwv2.HttpApi(stack, 'PlainHttp');

    const machine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });
    page(machine.metricFailed(), 'MachineFailed');
    page(machine.metricTimedOut(), 'MachineTimedOut');
    good.Machine = machine;
    const plainMachine = new sfn.StateMachine(stack, 'PlainMachine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass2')) });
    page(plainMachine.metricFailed(), 'PlainMachineFailed');
    bad.PlainMachine = plainMachine;

    const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };
    const table = new dynamodb.Table(stack, 'Table', { partitionKey, removalPolicy: RemovalPolicy.RETAIN });
    page(new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName: 'ReadThrottleEvents', dimensionsMap: { TableName: table.tableName }, period: Duration.minutes(1) }), 'TableThrottles');
    page(new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName: 'SystemErrors', dimensionsMap: { TableName: table.tableName, Operation: 'PutItem' } }), 'TableSystemErrors');
    good.Table = table;
    bad.PlainTable = new dynamodb.Table(stack, 'PlainTable', { partitionKey, removalPolicy: RemovalPolicy.RETAIN });
  });

  test('resources with routed alarms on each failure metric are compliant; custom-resource handlers are not applicable', () => {
    for (const c of Object.values(good)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
    expect(check(rule, skipped.CrHandler)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('findings name the metrics without a routed alarm', () => {
    expect(check(rule, bad.ErrorsOnly)).toEqual(['no routed alarm on Throttles, needs an alarm on each with an SNS action']);
    expect(check(rule, bad.Silent)).toEqual(['no routed alarm on Throttles, needs an alarm on each with an SNS action']);
    expect(check(rule, bad.PlainRest)).toEqual(['no routed alarm on 5XXError, needs an alarm on each with an SNS action']);
    expect(check(rule, bad.PlainHttp)).toEqual(['no routed alarm on 5xx, Latency or IntegrationLatency, needs an alarm on each with an SNS action']);
    expect(check(rule, bad.PlainMachine)).toEqual(['no routed alarm on ExecutionsTimedOut, needs an alarm on each with an SNS action']);
    expect(check(rule, bad.PlainTable)).toEqual(['no routed alarm on ThrottledRequests or ReadThrottleEvents or WriteThrottleEvents, SystemErrors, needs an alarm on each with an SNS action']);
  });

  test('the Readiness pack flags exactly the resources missing alarms', () => {
    const flagged = flaggedPaths(rule, stack);
    for (const c of Object.values(bad)) expect(flagged).toContain(cfnOf(c).node.path);
    for (const c of [...Object.values(good), skipped.CrHandler]) expect(flagged).not.toContain(cfnOf(c).node.path);
  });
});
