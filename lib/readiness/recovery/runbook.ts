/**
 * The DR runbook, generated from the synthesized app: the real stacks, logical IDs and commands
 * for each recovery, so the page on call reads is the one the templates match.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StageConfig } from '../../config/stage-config';
import { prop, rendered, resourcesOfType, stringOf } from '../../aspects/rule-helpers';
import { coveringRules, regionOf } from '../../aspects/analysis/coverage';
import { isGlobalSecondary } from '../../aspects/analysis/estimate';
import { FIGURES } from '../../aspects/analysis/figures';

/** A shell snippet that prints the physical ID of a resource from its stack and logical ID. */
export function physicalIdOf(node: CfnResource): string {
  const stack = Stack.of(node);
  return `$(aws cloudformation describe-stack-resource --region ${regionOf(node) ?? '<region>'} --stack-name ${stack.stackName} --logical-resource-id ${stack.resolve(node.logicalId)} --query StackResourceDetail.PhysicalResourceId --output text)`;
}

function where(node: CfnResource): string {
  const stack = Stack.of(node);
  return `\`${stack.resolve(node.logicalId)}\` in stack \`${stack.stackName}\` (${regionOf(node) ?? 'env-agnostic'}), construct \`${node.node.path}\``;
}

function fence(lines: readonly string[]): string {
  return ['```bash', ...lines, '```'].join('\n');
}

/** Markdown runbook for every Aurora cluster, cache, DR vault, global database and drill under `scope`. */
export function generateRunbook(scope: IConstruct, config?: StageConfig): string {
  const out: string[] = [];
  const clusters = resourcesOfType(scope, 'AWS::RDS::DBCluster').filter((c) => !isGlobalSecondary(c));
  const secondaries = resourcesOfType(scope, 'AWS::RDS::DBCluster').filter(isGlobalSecondary);
  const caches = resourcesOfType(scope, 'AWS::ElastiCache::ReplicationGroup');
  const drills = resourcesOfType(scope, 'AWS::FIS::ExperimentTemplate');
  const restoreTests = resourcesOfType(scope, 'AWS::Backup::RestoreTestingPlan');

  if (clusters.length === 0 && caches.length === 0) return 'No database cluster or cache in this scope: nothing to recover.';

  clusters.forEach((cluster, i) => {
    const id = `CLUSTER${clusters.length > 1 ? i + 1 : ''}`;
    const region = regionOf(cluster) ?? '<region>';
    out.push(`### Database ${where(cluster)}`);
    out.push('');
    out.push(`**Writer instance or AZ lost.** Aurora fails over by itself (${FIGURES.auroraFailover.what}). To force it (or rehearse it):`);
    out.push(fence([`${id}=${physicalIdOf(cluster)}`, `aws rds failover-db-cluster --region ${region} --db-cluster-identifier "$${id}"`, `aws rds wait db-cluster-available --region ${region} --db-cluster-identifier "$${id}"`]));
    out.push('');
    out.push(`**Bad write or deleted data: restore to a point in time** (${FIGURES.pitrRpo.what}). Restore next to the cluster, check it, then point the service at it:`);
    out.push(
      fence([
        `aws rds describe-db-clusters --region ${region} --db-cluster-identifier "$${id}" --query 'DBClusters[0].[LatestRestorableTime,DBSubnetGroup,VpcSecurityGroups[].VpcSecurityGroupId,KmsKeyId]'`,
        `aws rds restore-db-cluster-to-point-in-time --region ${region} --source-db-cluster-identifier "$${id}" --db-cluster-identifier "$${id}-pitr" \\`,
        `  --restore-to-time <UTC time before the bad write> --db-subnet-group-name <DBSubnetGroup> --vpc-security-group-ids <group ids> --kms-key-id <KmsKeyId>`,
        `aws rds create-db-instance --region ${region} --db-cluster-identifier "$${id}-pitr" --db-instance-identifier "$${id}-pitr-1" --engine ${stringOf(cluster, prop(cluster, 'Engine')) ?? 'aurora-postgresql'} --db-instance-class <same class as the writer>`,
      ]),
    );
    out.push('');

    const secondary = secondaries.find((s) => regionOf(s) !== regionOf(cluster));
    const copies = coveringRules(cluster).filter((r) => r.copyRegions.length > 0);
    if (secondary) {
      const globalId = stringOf(secondary, prop(secondary, 'GlobalClusterIdentifier')) ?? '<global cluster>';
      const drRegion = regionOf(secondary) ?? '<dr region>';
      out.push(`**Region lost: fail over to the global database secondary** ${where(secondary)}. Unplanned (the primary region is down, accepts the replication lag as data loss):`);
      out.push(
        fence([
          `SECONDARY_ARN=$(aws rds describe-db-clusters --region ${drRegion} --db-cluster-identifier ${physicalIdOf(secondary)} --query 'DBClusters[0].DBClusterArn' --output text)`,
          `aws rds failover-global-cluster --region ${drRegion} --global-cluster-identifier ${globalId} --target-db-cluster-identifier "$SECONDARY_ARN" --allow-data-loss`,
          `# planned (both regions up, no data loss): aws rds switchover-global-cluster --region ${drRegion} --global-cluster-identifier ${globalId} --target-db-cluster-identifier "$SECONDARY_ARN"`,
        ]),
      );
      out.push(
        "Then replicate the database secret to the DR region (`aws secretsmanager replicate-secret-to-regions`), create an RDS Proxy for the promoted cluster, allow the DR service into the secondary's security group and deploy the stateless stacks in the DR region.",
      );
    } else if (copies.length > 0) {
      const drRegion = copies[0].copyRegions[0];
      const vault = config ? `readiness-${config.stage}-dr` : '<DR vault name>';
      out.push(`**Region lost: restore the latest copy in ${drRegion}** (copied by rule \`${copies[0].ruleName}\` of \`${copies[0].plan.node.path}\` every ${copies[0].intervalHours ?? '?'} h):`);
      out.push(
        fence([
          `RP=$(aws backup list-recovery-points-by-backup-vault --region ${drRegion} --backup-vault-name ${vault} --by-resource-type Aurora --query 'reverse(sort_by(RecoveryPoints,&CreationDate))[0].RecoveryPointArn' --output text)`,
          `aws backup get-recovery-point-restore-metadata --region ${drRegion} --backup-vault-name ${vault} --recovery-point-arn "$RP" --query RestoreMetadata > restore-metadata.json`,
          `# edit restore-metadata.json: DBSubnetGroupName and VpcSecurityGroupIds of the DR region, a new DBClusterIdentifier`,
          `aws backup start-restore-job --region ${drRegion} --recovery-point-arn "$RP" --iam-role-arn <restore role ARN> --metadata file://restore-metadata.json`,
          `aws backup describe-restore-job --region ${drRegion} --restore-job-id <job id>`,
        ]),
      );
      out.push(`Then create an instance in the restored cluster and deploy the stateless stacks with \`region\` set to ${drRegion} in the stage config.`);
    } else {
      out.push('**Region lost:** no copy of this cluster exists outside its region. Add it to the backup plan (tag `readiness:backup=cross-region`).');
    }
    out.push('');
  });

  for (const cache of caches) {
    const region = regionOf(cache) ?? '<region>';
    out.push(`### Cache ${where(cache)}`);
    out.push('');
    out.push('**Primary node or AZ lost.** ElastiCache promotes a replica by itself. To rehearse it:');
    out.push(fence([`aws elasticache test-failover --region ${region} --replication-group-id ${physicalIdOf(cache)} --node-group-id 0001`]));
    out.push('**Region lost.** The cache is recreated empty with the stacks in the DR region; the service must tolerate a cold cache.');
    out.push('');
  }

  if (restoreTests.length > 0) {
    out.push('### Restore tests');
    for (const plan of restoreTests) {
      out.push(`${where(plan)}, schedule \`${rendered(plan).Properties.ScheduleExpression}\`. Results:`);
      out.push(fence([`aws backup list-restore-jobs --region ${regionOf(plan) ?? '<region>'} --by-restore-testing-plan-arn $(aws backup list-restore-testing-plans --region ${regionOf(plan) ?? '<region>'} --query "RestoreTestingPlans[?RestoreTestingPlanName=='${rendered(plan).Properties.RestoreTestingPlanName}'].RestoreTestingPlanArn" --output text)`]));
    }
    out.push('');
  }

  if (drills.length > 0) {
    out.push('### Failover drills (AWS FIS)');
    out.push('Run one in staging first; each stops when its stop-condition alarm fires.');
    out.push('');
    for (const drill of drills) {
      out.push(`- ${rendered(drill).Properties.Description}: \`aws fis start-experiment --region ${regionOf(drill) ?? '<region>'} --experiment-template-id ${physicalIdOf(drill)}\``);
    }
  }
  return out.join('\n');
}
