import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { FailoverDrills } from '../constructs/chaos/failover-drills';
import { EksClusterAlarms, KubernetesNamespace, KubernetesWorkload, ProductionCluster } from '../constructs/eks';
import { OnCallTopics } from '../constructs/observability/on-call-topics';
import { onCallTopicsFromConfig } from './on-call-topics-from-config';
import { acknowledgeClusterFindings, addFisExperimentRbac, APP_NAMESPACE, FIS_KUBERNETES_USER } from './eks-service-stack';

export interface DrStandbyStackProps extends StackProps {
  readonly config: StageConfig;
  /** The DR region's VPC (a `NetworkStack` there): private subnets with egress in `dr.drAvailabilityZones`. */
  readonly vpc: ec2.IVpc;
}

/** The standby's VPC CIDR: the primary's second octet + 150 (apart from the primary and the DR data VPC). */
export function standbyCidr(primaryCidr: string): string {
  const [a, b, ...rest] = primaryCidr.split('.');
  return [a, String((Number(b) + 150) % 256), ...rest].join('.');
}

/**
 * The warm-standby compute of the stage in the DR region (`dr.standbyCluster`, with `compute: 'eks'`): a
 * `ProductionCluster` running the web service and worker at `dr.standbyCluster.minReplicas` replicas, each
 * with its HPA up to the primary's maximum, so that a regional failover scales workloads that already run
 * instead of creating a cluster. Stateless: it holds no data, and is kept apart from the DR stack's vault and
 * database secondary so that it can be replaced freely. Its own on-call topics page on its node and pod
 * alarms (alarm actions cannot cross regions), and a zone drill deletes its web pods in one zone.
 */
export class DrStandbyStack extends Stack {
  public readonly platform: ProductionCluster;
  public readonly web: KubernetesWorkload;
  public readonly worker: KubernetesWorkload;
  public readonly alarms: EksClusterAlarms;
  public readonly topics: OnCallTopics;
  public readonly drills: FailoverDrills;

  constructor(scope: Construct, id: string, props: DrStandbyStackProps) {
    const { config, vpc } = props;
    super(scope, id, { ...props, env: { account: config.account, region: config.drRegion } });
    const standby = config.dr.standbyCluster;
    if (!standby?.enabled) throw new Error('DrStandbyStack: dr.standbyCluster.enabled = false: enable it (with compute: \'eks\') or do not build the stack');
    const svc = config.service;
    const minReplicas = standby.minReplicas;

    // The standby pages like every region that alarms (the pager secret is replicated to the DR region).
    this.topics = onCallTopicsFromConfig(this, config.observability);
    this.platform = new ProductionCluster(this, 'Platform', { vpc, minAvailabilityZones: config.stage === 'prod' ? 3 : 2 });
    const cluster = this.platform.cluster;
    acknowledgeClusterFindings(this.platform);

    // The same allows as the primary's namespace: 443 out, the database and cache ports in the VPC (where a
    // regional restore puts them), ingress on the container port from the VPC.
    const namespace = new KubernetesNamespace(this, 'AppNamespace', {
      cluster,
      name: APP_NAMESPACE,
      egress: [{ cidr: '0.0.0.0/0', port: 443 }, { cidr: vpc.vpcCidrBlock, port: config.database.port }, { cidr: vpc.vpcCidrBlock, port: config.cache.port }],
      ingressPorts: [svc.containerPort],
      ingressCidr: vpc.vpcCidrBlock,
    });
    const millis = (units: number) => Math.round((units * 1000) / 1024);
    this.web = new KubernetesWorkload(this, 'Web', {
      cluster, namespace, name: 'web', image: svc.image, serviceAccountName: 'web',
      cpuMillis: millis(svc.cpu), memoryMiB: svc.memoryMiB,
      minReplicas, maxReplicas: Math.max(minReplicas + 1, svc.maxTasks),
      scaling: { kind: 'cpu', targetUtilizationPercent: svc.cpuTargetPercent },
      concurrencyPerPod: svc.capacity.concurrencyPerTask,
      port: svc.containerPort, healthPath: svc.healthCheckPath,
      env: { STANDBY: 'true' },
    });
    // No work queue in the DR region until failover: the worker scales on CPU here; the runbook points it
    // at the queue the stateless stacks create.
    this.worker = new KubernetesWorkload(this, 'Worker', {
      cluster, namespace, name: 'worker', image: svc.worker.image, serviceAccountName: 'worker',
      cpuMillis: millis(svc.worker.cpu), memoryMiB: svc.worker.memoryMiB,
      minReplicas, maxReplicas: Math.max(minReplicas + 1, svc.worker.maxTasks),
      scaling: { kind: 'cpu', targetUtilizationPercent: svc.cpuTargetPercent },
      concurrencyPerPod: 1,
      env: { STANDBY: 'true' },
    });
    for (const w of [this.web, this.worker]) w.manifest.node.addDependency(namespace.manifest);

    this.alarms = new EksClusterAlarms(this, 'ClusterAlarms', { clusterName: cluster.clusterName, alarmTopic: this.topics.critical });

    // The standby is drilled like the primary: half its web pods in one zone, stopped by its failed-pods alarm.
    addFisExperimentRbac(cluster, namespace);
    this.drills = new FailoverDrills(this, 'Drills', {
      availabilityZone: config.dr.drAvailabilityZones[0],
      serviceStopAlarm: this.alarms.failedPods,
      eksZonePods: [{ clusterName: cluster.clusterName, namespace: APP_NAMESPACE, labelSelector: 'app.kubernetes.io/name=web', kubernetesServiceAccount: FIS_KUBERNETES_USER }],
    });
    new eks.CfnAccessEntry(this, 'DrillAccessEntry', { clusterName: cluster.clusterName, principalArn: this.drills.role.roleArn, username: FIS_KUBERNETES_USER, type: 'STANDARD' });
  }
}
