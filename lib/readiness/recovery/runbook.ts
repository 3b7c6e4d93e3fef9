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
import { isDeployment, KUBERNETES_RESOURCE_TYPE, KubernetesObject, manifestOf, nameOf, namespaceOf } from '../../aspects/analysis/kubernetes-manifests';

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

  out.push(...eksStandbySection(scope, clusters));

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

/** The Kubernetes objects applied to `cluster` (manifests of its stack whose ClusterName references it). */
function objectsOfCluster(scope: IConstruct, cluster: CfnResource): KubernetesObject[] {
  const id = Stack.of(cluster).resolve(cluster.logicalId) as string;
  return resourcesOfType(scope, KUBERNETES_RESOURCE_TYPE)
    .filter((m) => Stack.of(m) === Stack.of(cluster))
    .map(manifestOf)
    .filter((m) => m.cluster.includes(`"${id}"`))
    .flatMap((m) => m.objects);
}

/** Minimum replicas of each Deployment (`namespace/name`) from its HPA or KEDA ScaledObject. */
function minReplicasByWorkload(objects: readonly KubernetesObject[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of objects) {
    const min = o.kind === 'HorizontalPodAutoscaler' ? o.spec?.minReplicas : o.kind === 'ScaledObject' ? o.spec?.minReplicaCount : undefined;
    const target = o.spec?.scaleTargetRef?.name;
    if (typeof min === 'number' && typeof target === 'string') out.set(`${namespaceOf(o)}/${target}`, min);
  }
  return out;
}

/**
 * The EKS failover steps, when an EKS cluster waits in another region than the databases (a warm standby):
 * promote the database, scale the standby's workloads up to the primary's minimum, switch the traffic.
 */
function eksStandbySection(scope: IConstruct, databases: readonly CfnResource[]): string[] {
  const eksClusters = resourcesOfType(scope, 'AWS::EKS::Cluster');
  const primaryRegions = new Set(databases.map(regionOf).filter((r): r is string => r !== undefined));
  const standbys = eksClusters.filter((c) => regionOf(c) !== undefined && primaryRegions.size > 0 && !primaryRegions.has(regionOf(c)!));
  if (standbys.length === 0) return [];
  const primaries = eksClusters.filter((c) => primaryRegions.has(regionOf(c) ?? ''));
  const primaryMin = minReplicasByWorkload(primaries.flatMap((c) => objectsOfCluster(scope, c)));
  const distributions = resourcesOfType(scope, 'AWS::CloudFront::Distribution');
  const out: string[] = [];
  for (const standby of standbys) {
    const region = regionOf(standby)!;
    const objects = objectsOfCluster(scope, standby);
    const standbyMin = minReplicasByWorkload(objects);
    const deployments = objects.filter(isDeployment).map((d) => ({ ns: namespaceOf(d), name: nameOf(d) }));
    out.push(`### Region lost: fail over to the warm-standby EKS cluster ${where(standby)}`);
    out.push('');
    out.push(
      `Its workloads already run at minimal replicas; scaling them up takes about ${FIGURES.eksWorkloadScaleUp.minutes} min (${FIGURES.eksWorkloadScaleUp.id}) where creating a cluster would take about ${FIGURES.eksClusterCreate.minutes} min (${FIGURES.eksClusterCreate.id}). In order:`,
    );
    out.push('');
    out.push('1. **Promote the database** in the DR region: the database section above (global database failover, or restore of the latest copy into the DR VPC\'s `Data` subnets).');
    out.push('2. **Scale up the standby workloads** to the primary\'s minimum, and point them at the promoted database, cache and queue:');
    out.push(
      fence([
        `aws eks update-kubeconfig --region ${region} --name ${physicalIdOf(standby)}`,
        ...deployments.flatMap(({ ns, name }) => {
          const min = primaryMin.get(`${ns}/${name}`) ?? standbyMin.get(`${ns}/${name}`) ?? 2;
          return [`kubectl -n ${ns} patch hpa ${name} --type merge -p '{"spec":{"minReplicas":${min}}}'`, `kubectl -n ${ns} set env deployment/${name} STANDBY- DB_HOST=<promoted writer or proxy endpoint> REDIS_HOST=<cache endpoint> QUEUE_URL=<queue URL>`];
        }),
        ...deployments.map(({ ns, name }) => `kubectl -n ${ns} rollout status deployment/${name} --timeout=15m`),
      ]),
    );
    out.push('3. **Expose the web service in the DR region**: deploy the Service stack there (load balancer, WebACL, target group and its TargetGroupBinding to the standby\'s `web` Service), with `region` set to ' + region + ' in the stage config.');
    if (distributions.length > 0) {
      const dist = distributions[0];
      out.push(`4. **Switch the CloudFront origin** of ${where(dist)} to the DR load balancer's DNS name (the origin header stays the same):`);
      out.push(
        fence([
          `DIST=${physicalIdOf(dist)}`,
          `aws cloudfront get-distribution-config --id "$DIST" > dist.json`,
          `# in dist.json: DistributionConfig.Origins.Items[].DomainName of the load balancer origin := the DR load balancer's DNS name`,
          `jq .DistributionConfig dist.json > config.json && aws cloudfront update-distribution --id "$DIST" --if-match "$(jq -r .ETag dist.json)" --distribution-config file://config.json`,
          `aws cloudfront wait distribution-deployed --id "$DIST"`,
        ]),
      );
    } else {
      out.push('4. **Switch DNS** to the DR load balancer: `aws route53 change-resource-record-sets` with an alias record of the service name to its DNS name.');
    }
    out.push('');
  }
  return out;
}
