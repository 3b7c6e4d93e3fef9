/** Which resources are public endpoints: internet-facing application load balancers and CloudFront distributions. */
import { CfnResource } from 'aws-cdk-lib';
import { prop, stringOf } from '../rule-helpers';

export const PUBLIC_ENDPOINT_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CloudFront::Distribution'];

/**
 * True for a CloudFront distribution and for an application load balancer that is not internal.
 * CloudFormation defaults Scheme to internet-facing and Type to application, so a missing property
 * counts as public; a value that cannot be resolved counts as public too (never as exempt).
 */
export function isPublicEndpoint(node: CfnResource): boolean {
  if (node.cfnResourceType === 'AWS::CloudFront::Distribution') return true;
  const type = prop(node, 'Type');
  if (type !== undefined && stringOf(node, type) !== undefined && stringOf(node, type) !== 'application') return false;
  const scheme = prop(node, 'Scheme');
  return scheme === undefined || stringOf(node, scheme) !== 'internal';
}
