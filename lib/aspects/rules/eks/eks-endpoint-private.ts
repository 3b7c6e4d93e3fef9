import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { EKS_CLUSTER_TYPES, endpointFindings } from '../../analysis/eks-cluster';

/**
 * Readiness-EKS-ENDPOINT-PRIVATE: the cluster's Kubernetes API endpoint is private
 * (`EndpointPublicAccess: false`, `EndpointPrivateAccess: true`), or public only to listed CIDRs
 * (`PublicAccessCidrs` set, none `0.0.0.0/0`). A missing `EndpointPublicAccess` is EKS's default: public.
 */
export const EksEndpointPrivate: ResourceRule = {
  kind: 'resource',
  id: 'EKS-ENDPOINT-PRIVATE',
  controlId: 'SECURITY-HARDENING',
  category: 'security',
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster API endpoint is open to the internet: turn the public endpoint off, or restrict it to listed CIDRs.',
  explanation:
    'A public Kubernetes API endpoint lets anyone on the internet reach the control plane and try its credentials (gap 2.2). ' +
    'Set `endpointAccess: EndpointAccess.PRIVATE` (aws-eks / aws-eks-v2), or `ResourcesVpcConfig.EndpointPublicAccess: false` with ' +
    '`EndpointPrivateAccess: true`; if operators need it from outside, `EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...)` with your CIDRs.',
  test: 'test/aspects/rules/eks/eks-cluster-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const findings = endpointFindings(node);
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
