import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { CONTROL_PLANE_LOG_TYPES, EKS_CLUSTER_TYPES, enabledLogTypes } from '../../analysis/eks-cluster';

/**
 * Readiness-EKS-CONTROL-PLANE-LOGGED: every control-plane log type (api, audit, authenticator,
 * controllerManager, scheduler) is delivered to CloudWatch Logs. A type the template cannot read is off.
 */
export const EksControlPlaneLogged: ResourceRule = {
  kind: 'resource',
  id: 'EKS-CONTROL-PLANE-LOGGED',
  controlId: 'AUDIT-TRAIL',
  category: 'security',
  resourceTypes: EKS_CLUSTER_TYPES,
  info: 'The EKS cluster does not send every control-plane log type (api, audit, authenticator, controllerManager, scheduler) to CloudWatch Logs.',
  explanation:
    'Without the audit and authenticator logs nobody can tell who did what in the cluster; without api, controllerManager and scheduler logs ' +
    'an outage of the control plane cannot be diagnosed (gaps 2.5, 4.1). Set `clusterLogging` to every `ClusterLoggingTypes` value ' +
    '(or `Logging.ClusterLogging.EnabledTypes` on AWS::EKS::Cluster).',
  test: 'test/aspects/rules/eks/eks-cluster-rules.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const enabled = enabledLogTypes(node);
    const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !enabled.has(t));
    if (missing.length === 0) return NagRuleCompliance.COMPLIANT;
    return [`Logging.ClusterLogging.EnabledTypes is [${[...enabled].join(', ')}]: missing ${missing.join(', ')}`];
  },
};
