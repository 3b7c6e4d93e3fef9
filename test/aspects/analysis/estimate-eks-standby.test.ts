/**
 * The regional RTO estimate counts a warm-standby EKS cluster in the DR region: the cluster is not created at
 * failover, so the compute part shrinks from the redeploy (never less than creating a cluster) to
 * max(scale-up, redeploy - cluster creation). The runbook gains the EKS failover steps.
 */
import { App, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import { estimateRecovery } from '../../../lib/aspects/analysis/estimate';
import { FIGURES } from '../../../lib/aspects/analysis/figures';
import { generateRunbook } from '../../../lib/readiness/recovery';
import { newTestApp } from '../../helpers/synth';

const ACCOUNT = '111111111111';

/** A plain EKS cluster (L1) with a Deployment and its HPA applied by a Kubernetes custom resource. */
function cluster(stack: Stack, minReplicas: number): eks.CfnCluster {
  const c = new eks.CfnCluster(stack, 'Eks', {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
    resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPublicAccess: false, endpointPrivateAccess: true },
  });
  const manifest = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas, maxReplicas: 30 } },
  ];
  new CfnResource(stack, 'Workloads', { type: 'Custom::AWSCDK-EKS-KubernetesResource', properties: { ServiceToken: 'arn:aws:lambda:x', ClusterName: c.ref, Manifest: JSON.stringify(manifest) } });
  return c;
}

function build(compute: 'fargate' | 'eks' | 'eks-standby'): App {
  const app = newTestApp();
  const stack = new Stack(app, 'UserApp', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const db = new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    writer: rds.ClusterInstance.provisioned('Writer'),
    readers: [rds.ClusterInstance.provisioned('Reader')],
  });
  Tags.of(db).add('backup', 'dr');
  const plan = new backup.BackupPlan(stack, 'Plan');
  plan.addRule(new backup.BackupPlanRule({
    ruleName: 'Hourly',
    scheduleExpression: events.Schedule.cron({ minute: '0', hour: '*' }),
    copyActions: [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'DrVault', `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:dr`) }],
  }));
  plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'dr')] });
  if (compute !== 'fargate') cluster(stack, 6);
  // A standby in another region, its workloads at minimal replicas.
  if (compute === 'eks-standby') cluster(new Stack(app, 'Standby', { env: { account: ACCOUNT, region: 'eu-central-1' } }), 2);
  app.synth();
  return app;
}

const regionRto = (app: App, redeployMinutes: number) => {
  const region = estimateRecovery(app, { dataSizeGiB: 200, redeployMinutes }).find((e) => e.scope === 'region')!;
  return { rto: region.rtoMinutes, arithmetic: region.components.map((c) => c.arithmetic).join(' | ') };
};

describe('regional RTO with a warm-standby EKS cluster', () => {
  const apps = { fargate: build('fargate'), eks: build('eks'), standby: build('eks-standby') };
  // Restore of the hourly copy: snapshot-restore-fixed 20 min + 200 GiB at 2 GiB/min = 120 min, plus the compute part.
  const restore = FIGURES.snapshotRestoreFixed.minutes + 200 / FIGURES.snapshotRestoreGiBPerMinute.minutes;

  test('figures: cluster creation 15 min, workload scale-up 5 min, each with its source', () => {
    expect(FIGURES.eksClusterCreate).toEqual(expect.objectContaining({ minutes: 15, source: expect.stringMatching(/^https:\/\//) }));
    expect(FIGURES.eksWorkloadScaleUp).toEqual(expect.objectContaining({ minutes: 5, source: expect.stringMatching(/^https:\/\//) }));
  });

  test('with a 45 min redeploy: Fargate and EKS without standby 165 min, EKS with a standby 150 min', () => {
    expect(regionRto(apps.fargate, 45)).toEqual({ rto: restore + 45, arithmetic: expect.stringContaining('+ redeploy 45 min (dr.redeployMinutes) = 165 min') });
    expect(regionRto(apps.eks, 45)).toEqual({ rto: restore + 45, arithmetic: expect.stringContaining('no standby cluster: max(redeploy 45 min (dr.redeployMinutes), eks-cluster-create 15 min + eks-workload-scale-up 5 min) = 45 min') });
    expect(regionRto(apps.standby, 45)).toEqual({ rto: restore + 30, arithmetic: expect.stringMatching(/warm standby Standby\/Eks in eu-central-1: max\(eks-workload-scale-up 5 min, redeploy 45 min \(dr.redeployMinutes\) - eks-cluster-create 15 min\) = 30 min = 150 min/) });
  });

  test('with a 10 min redeploy: creating the cluster bounds it (20 min); the standby only scales up (5 min)', () => {
    expect(regionRto(apps.fargate, 10).rto).toBe(restore + 10);
    expect(regionRto(apps.eks, 10).rto).toBe(restore + 20);
    expect(regionRto(apps.standby, 10).rto).toBe(restore + 5);
  });

  test('in-region scopes do not change', () => {
    for (const scope of ['instance', 'az'] as const) {
      const rtos = Object.values(apps).map((a) => estimateRecovery(a, { dataSizeGiB: 200, redeployMinutes: 45 }).find((e) => e.scope === scope)!.rtoMinutes);
      expect(new Set(rtos).size).toBe(1);
    }
  });

  test('the runbook gains the EKS failover steps only with a standby: promote the database, scale up to the primary\'s minimum, switch traffic', () => {
    const runbook = generateRunbook(apps.standby);
    expect(runbook).toContain('### Region lost: fail over to the warm-standby EKS cluster `Eks` in stack `Standby` (eu-central-1)');
    expect(runbook).toMatch(/1\. \*\*Promote the database\*\*[\s\S]*2\. \*\*Scale up the standby workloads\*\*[\s\S]*3\. \*\*Expose the web service[\s\S]*4\. \*\*Switch DNS\*\*/);
    expect(runbook).toContain('aws eks update-kubeconfig --region eu-central-1 --name $(aws cloudformation describe-stack-resource --region eu-central-1 --stack-name Standby --logical-resource-id Eks');
    expect(runbook).toContain(`kubectl -n shop patch hpa web --type merge -p '{"spec":{"minReplicas":6}}'`);
    expect(runbook).toContain('kubectl -n shop rollout status deployment/web');
    expect(generateRunbook(apps.eks)).not.toContain('warm-standby');
    expect(generateRunbook(apps.fargate)).not.toContain('warm-standby');
  });
});
