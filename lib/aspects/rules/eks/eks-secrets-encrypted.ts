import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { EKS_CLUSTER_TYPES, secretsEncryption } from '../../analysis/eks-cluster';

/**
 * Readiness-EKS-SECRETS-ENCRYPTED: Kubernetes secrets are envelope-encrypted with a customer KMS key
 * (`EncryptionConfig` with `Resources: [secrets]` and a `Provider.KeyArn` that is a KMS key of the app or a
 * literal KMS key ARN). A key the template cannot show to be a KMS key never counts.
 */
export const EksSecretsEncrypted: ResourceRule = {
  kind: 'resource',
  id: 'EKS-SECRETS-ENCRYPTED',
  controlId: 'ENCRYPTION',
  category: 'security',
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster does not envelope-encrypt Kubernetes secrets with a customer-managed KMS key.',
  explanation:
    'Without envelope encryption, Kubernetes secrets sit in etcd protected only by the service\'s own encryption; a customer key adds ' +
    'key policy, rotation and CloudTrail records of every decrypt (gap 2.3, 5.3). Pass `secretsEncryptionKey` (aws-eks / aws-eks-v2) or ' +
    'set `EncryptionConfig: [{ Resources: [\'secrets\'], Provider: { KeyArn } }]` with an AWS::KMS::Key that rotates.',
  test: 'test/aspects/rules/eks/eks-cluster-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const r = secretsEncryption(node);
    return r.ok ? NagRuleCompliance.COMPLIANT : [r.reason];
  },
};
