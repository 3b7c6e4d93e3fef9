import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, logicalIdOf, prop, referencedLogicalId, stackResourcesOfType, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { engineKind } from '../../analysis/engines';

/** A cluster that joins a global cluster without credentials of its own: a global-database secondary. */
function isGlobalSecondary(node: CfnResource): boolean {
  const set = (name: string) => prop(node, name) !== undefined;
  return set('GlobalClusterIdentifier') && !set('MasterUsername') && !set('ManageMasterUserPassword') && !set('MasterUserPassword');
}

/**
 * Readiness-DB-POOLING: every Aurora cluster sits behind an RDS Proxy that requires TLS, so that
 * connection storms during scaling or failover are absorbed by the pool (gap 1.2: "connection pooling").
 * The proxy must be in the cluster's stack: a target that is an import cannot be matched and is non-compliant.
 * An Aurora global-database secondary is not applicable: it is read-only and takes no application
 * connections until it is promoted (it joins a global cluster and has no master user of its own).
 */
export const DatabasePooledWithTls: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'DB-POOLING',
  controlId: 'DB-POOLING',
  category: 'ha',
  resourceTypes: ['AWS::RDS::DBCluster'],
  info: 'The Aurora cluster is not behind an RDS Proxy that requires TLS (the finding names the proxy and property).',
  explanation:
    'Without a pool every client opens its own connections: a scale-out or a failover exhausts max_connections and the database refuses clients. ' +
    'CDK: `cluster.addProxy("Proxy", { secrets: [cluster.secret!], vpc, requireTLS: true })`.',
  test: 'test/aspects/rules/database/database-pooled-with-tls.spec.ts',
  check: (node: CfnResource) => {
    const kind = engineKind(node);
    if (kind === 'other' || kind === 'rds') return NagRuleCompliance.NOT_APPLICABLE;
    if (isGlobalSecondary(node)) return NagRuleCompliance.NOT_APPLICABLE;
    if (kind === 'unknown') return [finding(node, 'Engine', prop(node, 'Engine'), 'a readable engine')];
    const clusterId = logicalIdOf(node);
    const proxies = new Map(stackResourcesOfType(node, 'AWS::RDS::DBProxy').map((p) => [logicalIdOf(p), p]));
    const findings: string[] = [];
    for (const group of stackResourcesOfType(node, 'AWS::RDS::DBProxyTargetGroup')) {
      const targets = prop(group, 'DBClusterIdentifiers');
      if (!Array.isArray(targets) || !targets.some((t) => referencedLogicalId(group, t) === clusterId)) continue;
      const proxyId = referencedLogicalId(group, prop(group, 'DBProxyName'));
      const proxy = proxyId ? proxies.get(proxyId) : undefined;
      if (proxy && isTrue(proxy, prop(proxy, 'RequireTLS'))) return NagRuleCompliance.COMPLIANT;
      findings.push(
        proxy
          ? finding(proxy, `RequireTLS of ${logicalIdOf(proxy)}`, prop(proxy, 'RequireTLS'), 'true')
          : finding(group, `DBProxyName of ${logicalIdOf(group)}`, prop(group, 'DBProxyName'), 'an AWS::RDS::DBProxy of the stack'),
      );
    }
    if (findings.length === 0) findings.push('no AWS::RDS::DBProxyTargetGroup targets the cluster, needs an RDS Proxy with RequireTLS true');
    return verdict(findings);
  },
});
