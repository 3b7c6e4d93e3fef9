import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, isTrue, logicalIdOf, primitive, prop, shown, stackResourcesOfType, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { clusterOf, engineKind, isClusterMember } from '../../analysis/engines';

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
  info: 'The database does not survive the loss of an availability zone (the finding names the property).',
  explanation:
    'A single-AZ database is down for the whole of an AZ outage or a host failure (gap 1.2: "No replication or failover"). ' +
    'Use an Aurora cluster with at least one reader (CDK: `readers: [...]`), a Multi-AZ DB cluster, or `multiAz: true` on an instance.',
  test: 'test/aspects/rules/database/database-highly-available.spec.ts',
  check: (node: CfnResource) => {
    if (node.cfnResourceType === 'AWS::RDS::DBInstance') {
      if (isClusterMember(node)) return NagRuleCompliance.NOT_APPLICABLE;
      const kind = engineKind(node);
      if (kind === 'other') return NagRuleCompliance.NOT_APPLICABLE;
      if (kind === 'unknown') return [finding(node, 'Engine', prop(node, 'Engine'), 'a readable engine')];
      return verdict(isTrue(node, prop(node, 'MultiAZ')) ? [] : [finding(node, 'MultiAZ', prop(node, 'MultiAZ'), 'true')]);
    }
    const kind = engineKind(node);
    if (kind === 'other') return NagRuleCompliance.NOT_APPLICABLE;
    if (kind === 'unknown') return [finding(node, 'Engine', prop(node, 'Engine'), 'a readable engine')];
    if (kind === 'rds') {
      // Multi-AZ DB cluster: one writer and two readable standbys in three AZs.
      return verdict(prop(node, 'DBClusterInstanceClass') !== undefined ? [] : ['DBClusterInstanceClass is not set, needs a Multi-AZ DB cluster instance class']);
    }
    const clusterId = logicalIdOf(node);
    // Only instances deployed in this world count (a reader with a false or undecided Condition does not).
    const members = stackResourcesOfType(node, 'AWS::RDS::DBInstance').filter((i) => clusterOf(i) === clusterId);
    if (members.length < 2) return [`the Aurora cluster has ${members.length} AWS::RDS::DBInstance, needs 2 or more (a writer and a reader)`];
    // Instances without an AvailabilityZone are spread by RDS; pinned ones must not share one zone.
    const pinned = new Map<string, string[]>();
    const unreadable: string[] = [];
    let unpinned = 0;
    for (const member of members) {
      const az = prop(member, 'AvailabilityZone');
      if (az === undefined) {
        unpinned++;
        continue;
      }
      const r = primitive(member, az);
      // An AZ we cannot read does not count towards the two.
      if (!r.known) unreadable.push(`AvailabilityZone of ${logicalIdOf(member)} is ${shown(member, az)}`);
      else pinned.set(String(r.value), [...(pinned.get(String(r.value)) ?? []), logicalIdOf(member)]);
    }
    if (pinned.size + unpinned >= 2) return NagRuleCompliance.COMPLIANT;
    const zones = [...pinned.entries()].map(([zone, ids]) => `AvailabilityZone is "${zone}" on ${ids.join(', ')}`);
    return verdict([`the Aurora cluster's instances are not in 2 or more zones`, ...zones, ...unreadable]);
  },
});
