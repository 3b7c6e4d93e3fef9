import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ApiMutationsAuthorized as rule } from '../../../../lib/aspects/rules/service/api-mutations-authorized';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-API-AUTHORIZED', () => {
  let stack: Stack;
  const m: Record<string, IConstruct> = {};

  beforeAll(() => {
    stack = userStack();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});') });
    const rest = new apigw.RestApi(stack, 'Rest');
    const items = rest.root.addResource('items');
    const integration = new apigw.LambdaIntegration(fn);
    m.Get = items.addMethod('GET', integration);
    m.PostIam = items.addMethod('POST', integration, { authorizationType: apigw.AuthorizationType.IAM });
    m.PutOpen = items.addMethod('PUT', integration);
    // Fooling: an API key with a usage plan meters callers, it does not authorize them.
    m.DeleteApiKey = items.addMethod('DELETE', integration, { apiKeyRequired: true });
    rest.addUsagePlan('Plan').addApiStage({ stage: rest.deploymentStage });
    const tokenAuthorizer = new apigw.TokenAuthorizer(stack, 'TokenAuth', { handler: fn });
    m.AnyCustom = items.addResource('{id}').addMethod('ANY', integration, { authorizer: tokenAuthorizer });

    const http = new apigwv2.HttpApi(stack, 'Http');
    const httpIntegration = new integrations.HttpLambdaIntegration('Integration', fn);
    const [getRoute] = http.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.GET], integration: httpIntegration });
    const [postOpen] = http.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.POST], integration: httpIntegration });
    const [patchIam] = http.addRoutes({ path: '/items/{id}', methods: [apigwv2.HttpMethod.PATCH], integration: httpIntegration, authorizer: new authorizers.HttpIamAuthorizer() });
    m.HttpGet = getRoute;
    m.HttpPostOpen = postOpen;
    m.HttpPatchIam = patchIam;
    // Fooling: `$default` serves every method, mutating ones included.
    m.HttpDefault = new apigwv2.CfnRoute(stack, 'DefaultRoute', { apiId: http.apiId, routeKey: '$default', authorizationType: 'NONE' });

    const ws = new apigwv2.CfnApi(stack, 'Ws', { name: 'ws', protocolType: 'WEBSOCKET', routeSelectionExpression: '$request.body.action' });
    m.WsRoute = new apigwv2.CfnRoute(stack, 'WsDefault', { apiId: ws.ref, routeKey: '$default' });
  });

  test('authorized mutations (IAM, Lambda authorizer) are compliant; reads and WebSocket routes are not applicable', () => {
    for (const id of ['PostIam', 'AnyCustom', 'HttpPatchIam']) expect([id, check(rule, m[id])]).toEqual([id, NagRuleCompliance.COMPLIANT]);
    for (const id of ['Get', 'HttpGet', 'WsRoute']) expect([id, check(rule, m[id])]).toEqual([id, NagRuleCompliance.NOT_APPLICABLE]);
  });

  test('open mutations name the method or route and the AuthorizationType; an API key is not authorization', () => {
    expect(check(rule, m.PutOpen)).toEqual(['AuthorizationType of PUT is "NONE", needs AWS_IAM, CUSTOM or COGNITO_USER_POOLS']);
    expect(check(rule, m.DeleteApiKey)).toEqual([expect.stringMatching(/^AuthorizationType of DELETE is "NONE", needs .* \(ApiKeyRequired is true: an API key identifies a usage plan, it does not authorize the caller\)$/)]);
    expect(check(rule, m.HttpPostOpen)).toEqual([expect.stringMatching(/^AuthorizationType of route "POST \/items" is "NONE", needs AWS_IAM, CUSTOM or JWT$/)]);
    expect(check(rule, m.HttpDefault)).toEqual(['AuthorizationType of route "$default" is "NONE", needs AWS_IAM, CUSTOM or JWT']);
  });

  test('prod only: the Readiness pack flags exactly the open mutations', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['PutOpen', 'DeleteApiKey', 'HttpPostOpen', 'HttpDefault'].map((id) => cfnOf(m[id]).node.path).sort());
    expect(flaggedPaths(rule, stack, 'staging')).toEqual([]);
  });
});
