import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, prop, referencedLogicalId, stackResourcesOfType, logicalIdOf, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

/** Methods that change state; `ANY` includes them. */
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ANY']);
/** Authorization types that authenticate the caller (REST: AWS_IAM, CUSTOM, COGNITO_USER_POOLS; HTTP: AWS_IAM, CUSTOM, JWT). */
const AUTHORIZES = new Set(['AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS', 'JWT']);

function restMethodFindings(node: CfnResource): NagRuleCompliance | string[] {
  const method = stringOf(node, prop(node, 'HttpMethod'))?.toUpperCase();
  // An unreadable method may be a mutating one.
  if (method !== undefined && !MUTATING.has(method)) return NagRuleCompliance.NOT_APPLICABLE;
  const type = prop(node, 'AuthorizationType');
  if (AUTHORIZES.has(stringOf(node, type) ?? '')) return [];
  const keyNote = isTrue(node, prop(node, 'ApiKeyRequired')) ? ' (ApiKeyRequired is true: an API key identifies a usage plan, it does not authorize the caller)' : '';
  return [finding(node, `AuthorizationType of ${method ?? 'an unreadable HttpMethod'}`, type, 'AWS_IAM, CUSTOM or COGNITO_USER_POOLS') + keyNote];
}

function httpRouteFindings(node: CfnResource): NagRuleCompliance | string[] {
  const apiId = referencedLogicalId(node, prop(node, 'ApiId'));
  const api = apiId === undefined ? undefined : stackResourcesOfType(node, 'AWS::ApiGatewayV2::Api').find((a) => logicalIdOf(a) === apiId);
  if (api && stringOf(api, prop(api, 'ProtocolType')) === 'WEBSOCKET') return NagRuleCompliance.NOT_APPLICABLE;
  const routeKey = stringOf(node, prop(node, 'RouteKey'));
  // `$default` catches every method; `GET /x` does not mutate; an unreadable key may.
  const method = routeKey === undefined || routeKey === '$default' ? 'ANY' : routeKey.split(/\s+/)[0].toUpperCase();
  if (!MUTATING.has(method)) return NagRuleCompliance.NOT_APPLICABLE;
  const type = prop(node, 'AuthorizationType');
  if (AUTHORIZES.has(stringOf(node, type) ?? '')) return [];
  return [finding(node, `AuthorizationType of route ${routeKey === undefined ? '(unreadable RouteKey)' : JSON.stringify(routeKey)}`, type, 'AWS_IAM, CUSTOM or JWT')];
}

/**
 * Readiness-API-AUTHORIZED (prod): every mutating method (POST, PUT, PATCH, DELETE, ANY) of an API Gateway
 * REST API and every mutating route of an HTTP API (`$default` included) names an authorizer type. An
 * API key with a usage plan is not authorization: it throttles and meters clients, is sent in clear in a
 * header and grants nothing per caller, so `ApiKeyRequired` alone is a finding. WebSocket routes are not checked.
 */
export const ApiMutationsAuthorized: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'API-AUTHORIZED',
  controlId: 'SECURITY-HARDENING',
  category: 'security',
  stages: ['prod'],
  resourceTypes: ['AWS::ApiGateway::Method', 'AWS::ApiGatewayV2::Route'],
  info: 'A mutating API method or route accepts unauthenticated calls (the finding names the method and its AuthorizationType).',
  explanation:
    'Gap 2.2: privileged actions need authenticated callers. An API key (ApiKeyRequired with a usage plan) is not authorization. ' +
    'CDK: `authorizer` (Cognito, Lambda) or `authorizationType: AuthorizationType.IAM` on `addMethod`/`defaultMethodOptions` (REST); ' +
    '`authorizer` (HttpJwtAuthorizer, HttpIamAuthorizer, HttpLambdaAuthorizer) on `addRoutes`/`defaultAuthorizer` (HTTP API).',
  test: 'test/aspects/rules/service/api-mutations-authorized.spec.ts',
  check: (node: CfnResource) => {
    const result = node.cfnResourceType === 'AWS::ApiGateway::Method' ? restMethodFindings(node) : httpRouteFindings(node);
    if (!Array.isArray(result)) return result;
    return result.length === 0 ? NagRuleCompliance.COMPLIANT : [result.join('; ')];
  },
});
