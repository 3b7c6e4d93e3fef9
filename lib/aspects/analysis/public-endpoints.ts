/**
 * Which resources are public endpoints: internet-facing application and network load balancers,
 * CloudFront distributions, API Gateway REST APIs (not PRIVATE) and HTTP APIs.
 */
import { CfnResource } from 'aws-cdk-lib';
import { prop, stringOf } from '../rule-helpers';

export const PUBLIC_ENDPOINT_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CloudFront::Distribution', 'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api'];

/**
 * True for a CloudFront distribution, an application or network load balancer that is not internal, a REST
 * API whose endpoint type is not PRIVATE, and an HTTP API. CloudFormation defaults Scheme to
 * internet-facing, Type to application and a REST API to EDGE, so a missing property counts as public;
 * a value that cannot be resolved counts as public too (never as exempt). Gateway load balancers and
 * WebSocket APIs are not checked.
 */
export function isPublicEndpoint(node: CfnResource): boolean {
  switch (node.cfnResourceType) {
    case 'AWS::CloudFront::Distribution':
      return true;
    case 'AWS::ApiGateway::RestApi': {
      const types = (prop(node, 'EndpointConfiguration') as { Types?: unknown } | undefined)?.Types;
      return !(Array.isArray(types) && types.length > 0 && types.every((t) => stringOf(node, t) === 'PRIVATE'));
    }
    case 'AWS::ApiGatewayV2::Api':
      return stringOf(node, prop(node, 'ProtocolType')) !== 'WEBSOCKET';
    default: {
      const type = prop(node, 'Type');
      const known = type === undefined ? 'application' : stringOf(node, type);
      if (known !== undefined && known !== 'application' && known !== 'network') return false;
      const scheme = prop(node, 'Scheme');
      return scheme === undefined || stringOf(node, scheme) !== 'internal';
    }
  }
}
