import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isTrue, logicalIdOf, primitive, prop, stackResourcesOfType } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { clusterOf, engineKind, isClusterMember } from './engines';

/**
 * Readiness-DB-HA: every PostgreSQL/MySQL database survives the loss of an availability zone.
 * An Aurora cluster needs two instances that are not pinned to one zone; a Multi-AZ DB cluster
 * (DBClusterInstanceClass set) is highly available by construction; a standalone instance needs MultiAZ.
 */
export const DatabaseHighlyAvailable: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'DB-HA',
  controlId: 'DB-HA',
  category: 'ha',
  resourceTypes: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
  info: 'The database is not highly available: it needs an Aurora cluster with 2+ instances in distinct AZs, a Multi-AZ DB cluster, or a Multi-AZ instance.',
  explanation:
    'A single-AZ database is down for the whole of an AZ outage or a host failure (gap 1.2: "No replication or failover"). ' +
    'Use an Aurora cluster with at least one reader (CDK: `readers: [...]`), a Multi-AZ DB cluster, or `multiAz: true` on an instance.',
  test: 'test/aspects/rules/database/database-highly-available.test.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::RDS::DBInstance') {
      if (isClusterMember(node)) return NagRuleCompliance.NOT_APPLICABLE;
      const kind = engineKind(node);
      if (kind === 'other') return NagRuleCompliance.NOT_APPLICABLE;
      if (kind === 'unknown') return NagRuleCompliance.NON_COMPLIANT;
      return isTrue(node, prop(node, 'MultiAZ')) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    const kind = engineKind(node);
    if (kind === 'other') return NagRuleCompliance.NOT_APPLICABLE;
    if (kind === 'unknown') return NagRuleCompliance.NON_COMPLIANT;
    if (kind === 'rds') {
      // Multi-AZ DB cluster: one writer and two readable standbys in three AZs.
      return prop(node, 'DBClusterInstanceClass') !== undefined ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    const clusterId = logicalIdOf(node);
    const members = stackResourcesOfType(node, 'AWS::RDS::DBInstance').filter((i) => clusterOf(i) === clusterId);
    if (members.length < 2) return NagRuleCompliance.NON_COMPLIANT;
    // Instances without an AvailabilityZone are spread by RDS; pinned ones must not share one zone.
    const pinned = new Set<string>();
    let unpinned = 0;
    for (const member of members) {
      const az = prop(member, 'AvailabilityZone');
      if (az === undefined) {
        unpinned++;
        continue;
      }
      const r = primitive(member, az);
      if (!r.known) continue; // an AZ we cannot read does not count towards the two
      pinned.add(String(r.value));
    }
    return pinned.size + unpinned >= 2 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
