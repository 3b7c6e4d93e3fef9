import { CfnResource } from 'aws-cdk-lib';
import { prop, referencedLogicalId, stringOf } from '../rule-helpers';

/** PostgreSQL and MySQL engines (RDS, Aurora, MariaDB): the relational databases the data rules cover. */
const RELATIONAL = /^(aurora|aurora-mysql|aurora-postgresql|postgres|mysql|mariadb)$/;

export type EngineKind = 'aurora' | 'rds' | 'other' | 'unknown';

/** What the `Engine` property says: Aurora, plain RDS PostgreSQL/MySQL, another engine, or unresolvable. */
export function engineKind(node: CfnResource): EngineKind {
  const raw = prop(node, 'Engine');
  if (raw === undefined) return 'unknown';
  const engine = stringOf(node, raw)?.toLowerCase();
  if (engine === undefined) return 'unknown';
  if (!RELATIONAL.test(engine)) return 'other';
  return engine.startsWith('aurora') ? 'aurora' : 'rds';
}

/** True for an AWS::RDS::DBInstance that is a member of a DB cluster (the cluster is checked instead). */
export function isClusterMember(node: CfnResource): boolean {
  return node.cfnResourceType === 'AWS::RDS::DBInstance' && prop(node, 'DBClusterIdentifier') !== undefined;
}

/** The logical ID of the cluster an instance belongs to, when it is a Ref/GetAtt in the same template. */
export function clusterOf(instance: CfnResource): string | undefined {
  return referencedLogicalId(instance, prop(instance, 'DBClusterIdentifier'));
}
