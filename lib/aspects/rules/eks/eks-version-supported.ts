import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { stringOf } from '../../rule-helpers';
import { ResourceRule, RuleContext } from '../../rule';
import { EKS_CLUSTER_TYPES, versionOf } from '../../analysis/eks-cluster';
import { EKS_KUBERNETES_VERSIONS, supportOf } from '../../analysis/kubernetes-versions';

/** Rule setting: the day support is judged on (ISO date); defaults to today (UTC). */
export const SUPPORT_DAY_SETTING = 'eks.supportDay';

/**
 * Readiness-EKS-VERSION-SUPPORTED: the cluster pins a Kubernetes version that is in EKS standard
 * support on the day of the synth (table in kubernetes-versions.ts). A missing version (EKS picks its
 * default at creation, then never moves) or one the template cannot read is non-compliant.
 */
export const EksVersionSupported: ResourceRule = {
  kind: 'resource',
  id: 'EKS-VERSION-SUPPORTED',
  controlId: 'COMPUTE-PLATFORM',
  category: 'operations',
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster does not pin a Kubernetes version in standard support.',
  explanation:
    'A version past standard support costs extended-support fees, then is upgraded by AWS on its own schedule, and gets no fixes (gap 1.1). ' +
    'Pin `version` to a version in standard support (see the EKS Kubernetes release calendar) and plan the upgrade before its end date.',
  test: 'test/aspects/rules/eks/eks-cluster-rules.spec.ts',
  check: (node: CfnResource, context: RuleContext): NagRuleResult => {
    const raw = versionOf(node);
    if (raw === undefined) return ['Version is not set: EKS picks a default at creation that falls out of support unnoticed'];
    const version = stringOf(node, raw);
    if (version === undefined) return [`Version cannot be read (${JSON.stringify(raw)})`];
    const setting = context.settings[SUPPORT_DAY_SETTING];
    const day = typeof setting === 'string' ? setting : new Date().toISOString().slice(0, 10);
    const support = supportOf(version);
    if (!support) return [`Version ${version} is not in the EKS version table (known: ${EKS_KUBERNETES_VERSIONS.map((v) => v.version).join(', ')})`];
    if (day > support.endOfStandardSupport) return [`Version ${version} left standard support on ${support.endOfStandardSupport}`];
    return NagRuleCompliance.COMPLIANT;
  },
};
