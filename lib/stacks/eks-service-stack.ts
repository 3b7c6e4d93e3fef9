import { Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { AUTH_TOKEN_SECRET_KEY } from '../constructs/cache/resilient-redis';
import { EksClusterAlarms, KubernetesNamespace, KubernetesWorkload, ProductionCluster, SECRETS_MOUNT_PATH, WorkloadSecret } from '../constructs/eks';
import { EksZoneDrillTarget } from '../constructs/chaos/failover-drills';
import { WebFirewall } from '../constructs/firewall/web-firewall';
import { acknowledge, acknowledgeLogDeliveryBucket, internetFacingLoadBalancer, loadBalancerAccessLogBucket, logGroupKey } from '../constructs/service/task-helpers';
import { acknowledgeControlTower } from '../aspects/control-tower';
import { CloudFrontOriginPrefixList } from '../constructs/edge/cloudfront-origin-prefix-list';
import { createOriginSecret, ORIGIN_VERIFY_HEADER, originHeaderValues, regionalFirewall, ServiceCache, ServiceDatabase } from './service-stack';

/** Kubernetes service account (and user, for the FIS role's access entry) the zone drill acts as. */
export const FIS_KUBERNETES_USER = 'fis-experiment';

/** File (under SECRETS_MOUNT_PATH) the web pods read the cache AUTH token from. */
export const CACHE_AUTH_TOKEN_FILE = 'redis-auth-token';

/** Namespace of the application workloads on the cluster. */
export const APP_NAMESPACE = 'app';

export interface EksServiceStackProps extends StackProps {
  readonly config: StageConfig;
  readonly vpc: ec2.IVpc;
  /** On-call topic for the cluster's node and pod alarms and dead letters. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The database the web service and worker use (IAM auth through RDS Proxy, granted to each pod role).
   * @default - no database wiring
   */
  readonly database?: ServiceDatabase;
  /**
   * The cache the web service uses (AUTH token readable by the web pods' role, port opened).
   * @default - no cache wiring
   */
  readonly cache?: ServiceCache;
}

/**
 * The stage's stateless compute on EKS (`compute: 'eks'`): the same web service and queue worker as the
 * Fargate `ServiceStack`, as Kubernetes workloads on a `ProductionCluster` (Auto Mode). The load balancer,
 * its target group, HTTPS listener and WebACL stay CDK-owned, as on Fargate, so that the alarms, SLOs,
 * canary and WAF read the same resources; the web pods join the target group through a TargetGroupBinding
 * that Auto Mode's load balancer controller reconciles.
 */
export class EksServiceStack extends Stack {
  public readonly encryptionKey: kms.Key;
  public readonly platform: ProductionCluster;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly firewall: WebFirewall;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly web: KubernetesWorkload;
  public readonly worker: KubernetesWorkload;
  public readonly alarms: EksClusterAlarms;
  /** Set when the stage has a CDN: the ALB only admits CloudFront's origin-facing addresses. */
  public readonly cloudFrontPrefixList?: CloudFrontOriginPrefixList;
  /** Set when the stage has a CDN: the value CloudFront sends in `X-Origin-Verify` (replicated to us-east-1). */
  public readonly originSecret?: secretsmanager.Secret;
  /** The pods the zone drill deletes (the web service's, in the drill's zone). */
  public readonly drillTargets: EksZoneDrillTarget[];

  constructor(scope: Construct, id: string, props: EksServiceStackProps) {
    super(scope, id, { ...props, terminationProtection: props.config.stage === 'prod' });
    const { config, vpc, alarmTopic } = props;
    const svc = config.service;

    this.encryptionKey = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the service tier logs and queues', removalPolicy: RemovalPolicy.RETAIN });
    logGroupKey(this.encryptionKey);

    this.platform = new ProductionCluster(this, 'Platform', { vpc, minAvailabilityZones: config.stage === 'prod' ? 3 : 2 });
    const cluster = this.platform.cluster;
    // Auto Mode nodes (and so the pods) carry the cluster security group.
    const podSg = ec2.SecurityGroup.fromSecurityGroupId(this, 'PodSecurityGroup', cluster.clusterSecurityGroupId, { mutable: true });

    // Queues of the worker, as on Fargate.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.encryptionKey, dataKeyReuse: Duration.hours(1), enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(svc.worker.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: svc.worker.maxReceiveCount },
    });

    // With a CDN, only CloudFront reaches the origin, on 443, with the origin header (as ServiceStack does).
    if (config.edge.cdn) {
      this.cloudFrontPrefixList = new CloudFrontOriginPrefixList(this, 'CloudFrontOrigins');
      this.originSecret = createOriginSecret(this, config.stage, this.encryptionKey);
    }
    const redirectHttp = !this.cloudFrontPrefixList;

    // Load balancer: CDK-owned, HTTPS only, as ProtectedService builds it.
    const albSg = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', { vpc, description: 'Internet-facing HTTPS entry', allowAllOutbound: false });
    for (const peer of this.cloudFrontPrefixList ? [this.cloudFrontPrefixList.peer] : [ec2.Peer.anyIpv4()]) {
      albSg.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS');
      if (redirectHttp) albSg.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    this.loadBalancer = internetFacingLoadBalancer(this, vpc, albSg, config.stage !== 'dev');
    const accessLogs = loadBalancerAccessLogBucket(this);
    this.loadBalancer.logAccessLogs(accessLogs, 'alb');
    acknowledgeLogDeliveryBucket(accessLogs, 'load balancer');
    const listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(acm.Certificate.fromCertificateArn(this, 'Certificate', svc.certificateArn))],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    if (redirectHttp) this.loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS, open: false });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'WebTargets', {
      vpc,
      targetType: elbv2.TargetType.IP,
      port: svc.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      healthCheck: { enabled: true, path: svc.healthCheckPath, healthyHttpCodes: '200', interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyThresholdCount: 2, unhealthyThresholdCount: 3 },
      deregistrationDelay: Duration.seconds(30),
      stickinessCookieDuration: svc.stickySessions ? Duration.days(1) : undefined,
    });
    if (this.originSecret) {
      const values = originHeaderValues(this.originSecret, config.edge.acceptPreviousOriginSecret);
      // Requests that did not come through the CDN end here.
      listener.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }) });
      listener.addTargetGroups('Web', { priority: 1, conditions: [elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER, values.map((v) => v.unsafeUnwrap()))], targetGroups: [this.targetGroup] });
    } else {
      listener.addTargetGroups('Web', { targetGroups: [this.targetGroup] });
    }
    albSg.addEgressRule(podSg, ec2.Port.tcp(svc.containerPort), 'Web pods');
    podSg.addIngressRule(albSg, ec2.Port.tcp(svc.containerPort), 'Load balancer to the web pods');

    this.firewall = regionalFirewall(this, config, this.encryptionKey, !!this.cloudFrontPrefixList, this.loadBalancer.loadBalancerArn);

    // Pod identities: each workload its own role, never the node role.
    const webRole = this.platform.podIdentityRole('Web', APP_NAMESPACE, 'web');
    const workerRole = this.platform.podIdentityRole('Worker', APP_NAMESPACE, 'worker');
    this.queue.grantSendMessages(webRole);
    this.queue.grantConsumeMessages(workerRole);

    const env: Record<string, string> = { QUEUE_URL: this.queue.queueUrl };
    const egress: { cidr: string; port: number }[] = [{ cidr: '0.0.0.0/0', port: 443 }];
    if (props.database) {
      Object.assign(env, {
        DB_HOST: props.database.proxyEndpoint,
        DB_READ_HOST: props.database.proxyReadOnlyEndpoint,
        DB_PORT: String(props.database.port),
        DB_NAME: props.database.appDatabase,
        DB_USER: props.database.appUser,
        DB_SSL: 'verify-full',
      });
      props.database.allowConnectionsFrom(podSg);
      props.database.grantAppConnect(webRole);
      props.database.grantAppConnect(workerRole);
      egress.push({ cidr: vpc.vpcCidrBlock, port: props.database.port });
    }
    const webEnv = { ...env };
    const webSecrets: WorkloadSecret[] = [];
    if (props.cache) {
      props.cache.allowConnectionsFrom(podSg, 'Web pods');
      // The AUTH token reaches the web pods as a read-only file, mounted by the Secrets Store CSI driver with
      // the pods' own role (no Kubernetes Secret, no ARN in the application's environment).
      webSecrets.push({ fileName: CACHE_AUTH_TOKEN_FILE, secret: props.cache.authTokenSecret, jsonKey: AUTH_TOKEN_SECRET_KEY });
      Object.assign(webEnv, { REDIS_HOST: props.cache.primaryEndpointAddress, REDIS_PORT: String(props.cache.port), REDIS_TLS: 'true', REDIS_AUTH_TOKEN_FILE: `${SECRETS_MOUNT_PATH}/${CACHE_AUTH_TOKEN_FILE}` });
      egress.push({ cidr: vpc.vpcCidrBlock, port: props.cache.port });
    }

    const namespace = new KubernetesNamespace(this, 'AppNamespace', { cluster, name: APP_NAMESPACE, egress, ingressPorts: [svc.containerPort], ingressCidr: vpc.vpcCidrBlock });
    // Fargate CPU units (1024 = 1 vCPU) to millicores.
    const millis = (units: number) => Math.round((units * 1000) / 1024);
    this.web = new KubernetesWorkload(this, 'Web', {
      cluster, namespace, name: 'web', image: svc.image, serviceAccountName: 'web',
      cpuMillis: millis(svc.cpu), memoryMiB: svc.memoryMiB,
      minReplicas: svc.minTasks, maxReplicas: svc.maxTasks,
      scaling: { kind: 'cpu', targetUtilizationPercent: svc.cpuTargetPercent },
      concurrencyPerPod: svc.capacity.concurrencyPerTask,
      port: svc.containerPort, healthPath: svc.healthCheckPath, env: webEnv,
      secrets: webSecrets, podRole: webRole,
    });
    if (webSecrets.length > 0 && this.platform.secretsStoreAddon) this.web.manifest.node.addDependency(this.platform.secretsStoreAddon);
    this.worker = new KubernetesWorkload(this, 'Worker', {
      cluster, namespace, name: 'worker', image: svc.worker.image, serviceAccountName: 'worker',
      cpuMillis: millis(svc.worker.cpu), memoryMiB: svc.worker.memoryMiB,
      minReplicas: Math.max(2, svc.worker.minTasks), maxReplicas: Math.max(3, svc.worker.maxTasks),
      scaling: { kind: 'sqs', queueUrl: this.queue.queueUrl, region: this.region, messagesPerPod: 100 },
      concurrencyPerPod: 1,
      env,
    });
    workerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [this.queue.queueArn] }));

    // The web pods join the CDK-owned target group (Auto Mode's load balancer controller registers pod IPs).
    // Auto Mode serves TargetGroupBinding as eks.amazonaws.com/v1 (its own CRD, targetgroupbindings.eks.amazonaws.com),
    // not the open-source controller's elbv2.k8s.aws/v1beta1:
    // https://docs.aws.amazon.com/eks/latest/userguide/auto-multi-cluster-target-groups-example.html
    const binding = cluster.addManifest('WebTargetGroupBinding', {
      apiVersion: 'eks.amazonaws.com/v1',
      kind: 'TargetGroupBinding',
      metadata: { name: 'web', namespace: APP_NAMESPACE },
      spec: { serviceRef: { name: 'web', port: 80 }, targetGroupARN: this.targetGroup.targetGroupArn, targetType: 'ip' },
    });
    binding.node.addDependency(this.web.manifest);
    // Auto Mode's load balancer controller acts with the cluster role's AmazonEKSLoadBalancingPolicy; every
    // load-balancing resource Auto Mode creates carries eks:eks-cluster-name, and that managed policy may scope
    // target registration to it (not confirmed from a stored copy of the policy). The target group is created
    // here, not by the controller, so it carries the same tag: harmless if the policy does not ask for it.
    Tags.of(this.targetGroup).add('eks:eks-cluster-name', cluster.clusterName);

    addFisExperimentRbac(cluster, namespace);

    this.alarms = new EksClusterAlarms(this, 'ClusterAlarms', { clusterName: cluster.clusterName, alarmTopic });
    this.acknowledgePlatformFindings(webRole, workerRole, accessLogs);
    this.drillTargets = [{ clusterName: cluster.clusterName, namespace: APP_NAMESPACE, labelSelector: 'app.kubernetes.io/name=web', kubernetesServiceAccount: FIS_KUBERNETES_USER }];
  }

  /**
   * The AwsSolutions/NIST findings on the roles and handlers aws-eks-v2 generates for the cluster (the
   * control plane, Auto Mode's node role, the kubectl provider that applies manifests), and on the pod roles.
   */
  private acknowledgePlatformFindings(webRole: iam.Role, workerRole: iam.Role, accessLogs: s3.IBucket): void {
    acknowledgeControlTower(accessLogs, 's3_bucket_default_encryption_kms_check', 'CT.S3.PR.10: ALB access log delivery writes only to SSE-S3 buckets; the bucket is private, TLS-only and versioned.');
    acknowledgeControlTower(accessLogs, 's3_bucket_logging_enabled_check', 'CT.S3.PR.2: the bucket is itself a log destination; logging it to another bucket would only move the question. CloudTrail records access to it.');
    acknowledgeControlTower(accessLogs, 's3_bucket_object_lock_enabled_check', 'CT.S3.PR.9: operational logs expire by lifecycle rule; Object Lock is for the audit trail, whose bucket has it.');
    acknowledgeControlTower(accessLogs, 's3_event_notifications_enabled_check', 'CT.S3.PR.4: no process consumes object events of a log bucket.');
    acknowledgeClusterFindings(this.platform);
    for (const role of [webRole, workerRole]) {
      acknowledge(role, 'NIST.800.53.R5-IAMNoInlinePolicy', 'The pod identity role of one service account; its policy is generated from the grants of this stack and shared with no other principal.');
    }
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledge(webRole.node.tryFindChild('DefaultPolicy'), `AwsSolutions-IAM5[Action::${action}]`, 'Sending to an SSE-KMS queue needs kms:GenerateDataKey* and kms:ReEncrypt* (grantSendMessages); the statement is scoped to the queue key.');
    }
  }
}

/**
 * What FIS needs to delete pods in the application namespace (aws:eks:pod-delete), as
 * https://docs.aws.amazon.com/fis/latest/userguide/eks-pod-actions.html lists it: a service account (the
 * action's `kubernetesServiceAccount`), a Role (config maps get/create/patch/delete; pods create/list/get/
 * delete/deletecollection; pods/ephemeralcontainers update; pods/exec create; deployments get) and a
 * RoleBinding of that Role to the service account and to the Kubernetes user `fis-experiment`, which a
 * STANDARD access entry of the experiment role names as its username (no access policy: RBAC alone; the
 * access entry is the Resilience stack's, or the standby stack's in the DR region).
 */
export function addFisExperimentRbac(cluster: eks.ICluster, namespace: KubernetesNamespace): eks.KubernetesManifest {
  const fisRbac = cluster.addManifest(
    'FisExperimentRbac',
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: FIS_KUBERNETES_USER, namespace: APP_NAMESPACE } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: FIS_KUBERNETES_USER, namespace: APP_NAMESPACE },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'delete', 'deletecollection'] },
        { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: FIS_KUBERNETES_USER, namespace: APP_NAMESPACE },
      subjects: [
        { kind: 'ServiceAccount', name: FIS_KUBERNETES_USER, namespace: APP_NAMESPACE },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: FIS_KUBERNETES_USER },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: FIS_KUBERNETES_USER },
    },
  );
  fisRbac.node.addDependency(namespace.manifest);
  return fisRbac;
}

/**
 * The AwsSolutions/NIST/Control Tower findings on what aws-eks-v2 generates for a `ProductionCluster`: the
 * control plane and Auto Mode node roles, the Container Insights agent role, the kubectl provider's handlers.
 */
export function acknowledgeClusterFindings(platform: ProductionCluster): void {
  const cluster = platform.cluster;
  acknowledge(cluster.role, 'AwsSolutions-IAM4', 'EKS Auto Mode requires its AWS managed cluster policies (AmazonEKSClusterPolicy, ComputePolicy, BlockStoragePolicy, LoadBalancingPolicy, NetworkingPolicy); AWS maintains them with the features Auto Mode runs.');
  acknowledge(cluster.node.tryFindChild('ClusternodePoolRole'), 'AwsSolutions-IAM4', 'The Auto Mode node role needs AmazonEKSWorkerNodePolicy and AmazonEC2ContainerRegistryReadOnly (nodes join and pull images); applications never use it (pod identity).');
  acknowledge(platform.node.tryFindChild('CloudWatchAgentRole'), 'AwsSolutions-IAM4', 'CloudWatchAgentServerPolicy is the policy the Container Insights agent is documented with; the role is assumed only by the agent\'s service account through pod identity.');
  const kubectl = cluster.node.tryFindChild('KubectlProvider');
  const handlerReason = 'Generated by aws-eks-v2 for the kubectl provider: invoked only by CloudFormation during deployments of this stack to apply the manifests';
  acknowledge(kubectl, 'AwsSolutions-IAM4', `${handlerReason}; it needs the Lambda basic/VPC execution policies and ECR read for the kubectl layer.`);
  acknowledge(kubectl, 'AwsSolutions-IAM5', `${handlerReason}; the provider framework may invoke every version of its own handler (<handler ARN>:*).`);
  acknowledge(kubectl, 'AwsSolutions-L1', `${handlerReason}; its runtime is set by aws-cdk-lib and follows its upgrades.`);
  acknowledge(kubectl, 'NIST.800.53.R5-IAMNoInlinePolicy', `${handlerReason}; the inline policies belong to its own roles alone.`);
  acknowledge(kubectl, 'NIST.800.53.R5-LambdaConcurrency', `${handlerReason}; a reserved concurrency would only add a failure mode.`);
  acknowledge(kubectl, 'NIST.800.53.R5-LambdaDLQ', `${handlerReason}; invocations are synchronous, a failure fails the deployment, which rolls back.`);
  for (const fn of kubectl?.node.findAll() ?? []) {
    if ((fn as { cfnResourceType?: string }).cfnResourceType === 'AWS::Lambda::Function') {
      acknowledgeControlTower(fn, 'lambda_inside_vpc_check', `CT.LAMBDA.PR.3: ${handlerReason}; the handler runs in the VPC (subnets imported from the Network stack) and the provider framework calls only the Lambda API.`);
    }
  }
}
