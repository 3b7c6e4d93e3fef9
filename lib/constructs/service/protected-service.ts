import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { CapacityPlanMetadata, declareCapacity, DEFAULT_TARGET_CONCURRENT_USERS } from './capacity-plan';
import { createHardenedTask, HardenedTask } from './hardened-task';
import {
  acknowledgeLogDeliveryBucket,
  acknowledgeTaskFindings,
  internetFacingLoadBalancer,
  loadBalancerAccessLogBucket,
  logGroupKey,
  SECRET_LIKE_NAME,
  validateFargateSize,
} from './task-helpers';

export interface ProtectedServiceProps {
  /** The VPC: the load balancer goes into its public subnets, the tasks into its private subnets. */
  readonly vpc: ec2.IVpc;
  /** The container image (an ECR repository or a registry reference; no local Docker build). */
  readonly image: ecs.ContainerImage;
  /** Certificate of the HTTPS listener. */
  readonly certificate: acm.ICertificate;
  /** On-call topic that receives the deployment alarms (5xx rate, unhealthy hosts). */
  readonly alarmTopic: sns.ITopic;
  /**
   * The ECS cluster.
   * @default - a new cluster with Container Insights (enhanced)
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Port the container listens on (1024 or above: the container runs as a non-root user).
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Lower bound of autoscaling; tasks spread over the AZs of the private subnets.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Upper bound of autoscaling.
   * @default 10
   */
  readonly maxCapacity?: number;
  /**
   * Tasks at first deploy; autoscaling owns the count afterwards.
   * @default - minCapacity
   */
  readonly desiredCount?: number;
  /**
   * Fargate CPU units of a task.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB (must fit the CPU size).
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * Path the target group health check and the container health check call.
   * @default '/health'
   */
  readonly healthCheckPath?: string;
  /**
   * Command of the container health check.
   * @default - `curl -fsS http://localhost:<port><healthCheckPath>` (the image must ship curl)
   */
  readonly containerHealthCheckCommand?: string[];
  /**
   * Sticky sessions (load-balancer cookie) for WebSocket clients that reconnect.
   * @default - no stickiness
   */
  readonly stickySessionDuration?: Duration;
  /**
   * Secrets injected from Secrets Manager or SSM at task start; never plain environment values.
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Non-secret settings. Names that look like secrets (PASSWORD, SECRET, TOKEN, API_KEY...) are rejected.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Average CPU (%) that autoscaling holds.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * Average memory (%) that autoscaling holds.
   * @default 70
   */
  readonly memoryTargetPercent?: number;
  /**
   * ALB requests per target per minute that autoscaling holds.
   * @default 1000
   */
  readonly requestsPerTarget?: number;
  /**
   * Concurrent users one task sustains (from a load test). Recorded with the target as the capacity plan
   * that Readiness-CAPACITY checks against the scalable target's MaxCapacity.
   * @default - no plan recorded: Readiness-CAPACITY reports the service
   */
  readonly concurrencyPerTask?: number;
  /**
   * Concurrent users the service must carry.
   * @default 10000 (gap analysis 3.1)
   */
  readonly targetConcurrentUsers?: number;
  /**
   * 5xx responses (% of requests) that fail a deployment and page on-call.
   * @default 5
   */
  readonly error5xxThresholdPercent?: number;
  /**
   * Key that encrypts the container log group.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the container logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Bucket for the load balancer access logs (ALB logs support SSE-S3 only).
   * @default - a new encrypted, versioned, private bucket that is retained
   */
  readonly accessLogBucket?: s3.IBucket;
  /**
   * Deletion protection of the load balancer.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Who may reach the load balancer on 443.
   * @default - any IPv4 address (the WebACL filters)
   */
  readonly ingressPeers?: ec2.IPeer[];
  /**
   * Listen on port 80 only to redirect to HTTPS.
   * @default true
   */
  readonly redirectHttp?: boolean;
  /**
   * A header only the CDN in front sends (a CloudFront custom origin header): the listener forwards a
   * request to the service only when it carries this header with this value, and answers 403 to
   * everything else, so nobody reaches the service around CloudFront and its WebACL (CloudFront's
   * origin-facing addresses are shared by every distribution). Give the value as a Secrets Manager
   * reference (`SecretValue.secretsManager(...)`): the template carries a `{{resolve:secretsmanager:...}}`
   * dynamic reference, never the value, which CloudFormation resolves at deploy time.
   * @default - no origin check: every request that reaches the listener is forwarded
   */
  readonly originVerifyHeader?: {
    readonly name: string;
    readonly value: SecretValue;
    /** Also accepted while the value rotates (the previous value, which CloudFront may still send). */
    readonly previousValue?: SecretValue;
  };
  /**
   * Run the AWS X-Ray daemon as a sidecar and point the SDK at it.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Image of the X-Ray daemon sidecar.
   * @default - public.ecr.aws/xray/aws-xray-daemon (pinned version)
   */
  readonly tracingImage?: ecs.ContainerImage;
}

const RULES: readonly ValidationRule<ProtectedServiceProps>[] = [
  { field: 'containerPort', value: (p) => p.containerPort, check: (v) => v === undefined || is.intBetween(1024, 65535)(v), fix: 'use a port from 1024 to 65535: the container runs as a non-root user' },
  { field: 'minCapacity', value: (p) => p.minCapacity, check: (v) => v === undefined || is.intBetween(2, 1000)(v), fix: 'run at least 2 tasks so that one AZ or one task can fail' },
  { field: 'maxCapacity', value: (p) => p.maxCapacity, check: (v, p) => v === undefined || (is.intBetween(1, 1000)(v) && v > (p.minCapacity ?? 2)), fix: 'use more than minCapacity (autoscaling needs room) and at most 1000' },
  { field: 'desiredCount', value: (p) => p.desiredCount, check: (v, p) => v === undefined || (Number.isInteger(v) && v >= (p.minCapacity ?? 2) && v <= (p.maxCapacity ?? 10)), fix: 'use a count between minCapacity and maxCapacity' },
  { field: 'healthCheckPath', value: (p) => p.healthCheckPath, check: (v) => v === undefined || is.matching(/^\/[\w\-./]{0,1023}$/)(v), fix: 'use a path such as "/health"' },
  { field: 'cpuTargetPercent', value: (p) => p.cpuTargetPercent, check: (v) => v === undefined || is.intBetween(10, 90)(v), fix: 'use 10 to 90 percent' },
  { field: 'memoryTargetPercent', value: (p) => p.memoryTargetPercent, check: (v) => v === undefined || is.intBetween(10, 90)(v), fix: 'use 10 to 90 percent' },
  { field: 'requestsPerTarget', value: (p) => p.requestsPerTarget, check: (v) => v === undefined || is.intBetween(1, 1_000_000)(v), fix: 'use 1 to 1000000 requests per target per minute' },
  { field: 'concurrencyPerTask', value: (p) => p.concurrencyPerTask, check: (v) => v === undefined || is.intBetween(1, 1_000_000)(v), fix: 'declare the concurrent users one task sustains, from a load test' },
  { field: 'targetConcurrentUsers', value: (p) => p.targetConcurrentUsers, check: (v) => v === undefined || is.intBetween(1, 100_000_000)(v), fix: 'declare the concurrent users to carry' },
  { field: 'error5xxThresholdPercent', value: (p) => p.error5xxThresholdPercent, check: (v) => v === undefined || (typeof v === 'number' && v > 0 && v <= 100), fix: 'use a percentage above 0 and at most 100' },
  {
    field: 'environment',
    value: (p) => Object.keys(p.environment ?? {}),
    check: (names: string[]) => names.every((n) => !SECRET_LIKE_NAME.test(n)),
    fix: 'pass secret values through `secrets` (ecs.Secret.fromSecretsManager), never as plain environment values',
  },
  {
    field: 'stickySessionDuration',
    value: (p) => p.stickySessionDuration?.toSeconds(),
    check: (v) => v === undefined || is.intBetween(1, 604800)(v),
    fix: 'use 1 second to 7 days (the target group cookie limit)',
  },
];

/**
 * An internet-facing HTTPS entry (ALB) in front of an autoscaled Fargate service that deploys safely.
 *
 * - HTTPS only with a current TLS policy (HTTP just redirects), invalid headers dropped, strictest
 *   desync mitigation, access logs, deletion protection.
 * - Tasks in private subnets spread over the AZs, 100%/200% deployments with the circuit breaker and
 *   alarms (5xx rate, unhealthy hosts) that roll a deployment back and notify on-call.
 * - Autoscaling on CPU, memory and requests per target; health checks on the target group and container.
 * - Read-only root filesystem, non-root user, secrets from Secrets Manager, encrypted logs, X-Ray tracing.
 */
export class ProtectedService extends Construct {
  public readonly cluster: ecs.ICluster;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly httpsListener: elbv2.ApplicationListener;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly scaling: ecs.ScalableTaskCount;
  public readonly logGroup: logs.ILogGroup;
  public readonly accessLogBucket: s3.IBucket;
  public readonly encryptionKey: kms.IKey;
  /** Alarms that roll a deployment back (also sent to the alarm topic). */
  public readonly deploymentAlarms: cloudwatch.IAlarm[];
  /** The recorded capacity plan, when `concurrencyPerTask` is given. */
  public readonly capacityPlan?: CapacityPlanMetadata;

  constructor(scope: Construct, id: string, props: ProtectedServiceProps) {
    super(scope, id);
    assertValid(`ProtectedService "${this.node.path}"`, props, RULES);
    const containerPort = props.containerPort ?? 8080;
    const minCapacity = props.minCapacity ?? 2;
    const maxCapacity = props.maxCapacity ?? 10;
    const cpu = props.cpu ?? 512;
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    const healthCheckPath = props.healthCheckPath ?? '/health';
    validateFargateSize(this, cpu, memoryLimitMiB);

    this.encryptionKey = this.createEncryptionKey(props);
    this.cluster =
      props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
    const task = this.createTaskDefinition(props, { cpu, memoryLimitMiB, containerPort, healthCheckPath });
    this.logGroup = task.logGroup;
    this.taskDefinition = task.taskDefinition;

    const entry = this.createLoadBalancer(props);
    this.loadBalancer = entry.loadBalancer;
    this.accessLogBucket = entry.accessLogBucket;
    this.httpsListener = entry.httpsListener;

    this.service = this.createService(props, minCapacity);
    this.targetGroup = this.createListenerRules(props, task.container, containerPort, healthCheckPath);
    this.deploymentAlarms = this.createDeploymentAlarms(props);
    this.scaling = this.createAutoscaling(props, minCapacity, maxCapacity);

    acknowledgeTaskFindings(this.taskDefinition);

    // The capacity plan travels in the template, so the rule checks what will be deployed.
    if (props.concurrencyPerTask !== undefined) {
      this.capacityPlan = {
        targetConcurrentUsers: props.targetConcurrentUsers ?? DEFAULT_TARGET_CONCURRENT_USERS,
        concurrencyPerTask: props.concurrencyPerTask,
      };
      declareCapacity(this.service, this.capacityPlan);
    }
  }

  /** The HTTPS URL of the load balancer (its DNS name; point your domain at it). */
  public get url(): string {
    return `https://${this.loadBalancer.loadBalancerDnsName}`;
  }

  /** The given key, or a new one whose policy lets CloudWatch Logs use it. */
  private createEncryptionKey(props: ProtectedServiceProps): kms.IKey {
    if (props.encryptionKey) return props.encryptionKey;
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts the logs of ${this.node.path}`, removalPolicy: RemovalPolicy.RETAIN });
    logGroupKey(key);
    return key;
  }

  /** Task: read-only root filesystem and a non-root user; /tmp is the only writable path. */
  private createTaskDefinition(
    props: ProtectedServiceProps,
    settings: { readonly cpu: number; readonly memoryLimitMiB: number; readonly containerPort: number; readonly healthCheckPath: string },
  ): HardenedTask {
    const { containerPort, healthCheckPath } = settings;
    return createHardenedTask(this, {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryLimitMiB,
      encryptionKey: this.encryptionKey,
      logRetention: props.logRetention,
      containerId: 'App',
      streamPrefix: 'app',
      image: props.image,
      portMappings: [{ containerPort, name: 'http' }],
      secrets: props.secrets,
      environment: props.environment,
      healthCheck: {
        command: props.containerHealthCheckCommand ?? ['CMD-SHELL', `curl -fsS http://localhost:${containerPort}${healthCheckPath} || exit 1`],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: Duration.seconds(30),
      tracing: props.tracing ?? true,
      tracingImage: props.tracingImage,
    });
  }

  /** Load balancer: public subnets, HTTPS only, the strictest request parsing, access logs. */
  private createLoadBalancer(props: ProtectedServiceProps): {
    loadBalancer: elbv2.ApplicationLoadBalancer;
    accessLogBucket: s3.IBucket;
    httpsListener: elbv2.ApplicationListener;
  } {
    const albSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Internet-facing HTTPS entry',
      allowAllOutbound: false,
    });
    const loadBalancer = internetFacingLoadBalancer(this, props.vpc, albSecurityGroup, props.deletionProtection ?? true);
    const accessLogBucket = props.accessLogBucket ?? loadBalancerAccessLogBucket(this);
    loadBalancer.logAccessLogs(accessLogBucket, 'alb');
    // ALB access logs can only be delivered to SSE-S3 buckets.
    if (!props.accessLogBucket) acknowledgeLogDeliveryBucket(accessLogBucket, 'load balancer');

    const peers = props.ingressPeers ?? [ec2.Peer.anyIpv4()];
    const redirectHttp = props.redirectHttp ?? true;
    for (const peer of peers) {
      albSecurityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS');
      if (redirectHttp) albSecurityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    const httpsListener = loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    if (redirectHttp) loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS, open: false });
    return { loadBalancer, accessLogBucket, httpsListener };
  }

  /** Service: private subnets, no public IP, capacity never drops below 100% during a deployment. */
  private createService(props: ProtectedServiceProps, minCapacity: number): ecs.FargateService {
    const serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: props.vpc,
      description: 'Web service tasks',
      allowAllOutbound: false,
    });
    // HTTPS to AWS APIs (through the VPC endpoints) and third parties; data stores are opened per connection.
    serviceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and third parties');

    return new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount ?? minCapacity,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      securityGroups: [serviceSecurityGroup],
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
    });
  }

  /** The HTTPS listener forwards to the service (behind the CDN: only requests with the origin header). */
  private createListenerRules(props: ProtectedServiceProps, container: ecs.ContainerDefinition, containerPort: number, healthCheckPath: string): elbv2.ApplicationTargetGroup {
    const origin = props.originVerifyHeader;
    if (origin) {
      // Requests that did not come through the CDN end here.
      this.httpsListener.addAction('Default', {
        action: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }),
      });
    }
    return this.httpsListener.addTargets('Service', {
      ...(origin ? { priority: 1, conditions: [elbv2.ListenerCondition.httpHeader(origin.name, [origin.value, ...(origin.previousValue ? [origin.previousValue] : [])].map((v) => v.unsafeUnwrap()))] } : {}),
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort })],
      healthCheck: {
        enabled: true,
        path: healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      deregistrationDelay: Duration.seconds(30),
      stickinessCookieDuration: props.stickySessionDuration,
    });
  }

  /** Deployment alarms: a bad release shows as 5xx or unhealthy targets and is rolled back. */
  private createDeploymentAlarms(props: ProtectedServiceProps): cloudwatch.IAlarm[] {
    const threshold = props.error5xxThresholdPercent ?? 5;
    const errorRate = new cloudwatch.MathExpression({
      label: '5xx rate (%)',
      expression: 'IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)',
      usingMetrics: {
        requests: this.loadBalancer.metrics.requestCount({ period: Duration.minutes(1) }),
        target5xx: this.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
        elb5xx: this.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(1) }),
      },
      period: Duration.minutes(1),
    });
    const errorAlarm = errorRate.createAlarm(this, 'Error5xxAlarm', {
      alarmDescription: `More than ${threshold}% of requests to ${this.node.path} fail with 5xx: deployments roll back.`,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const unhealthyAlarm = this.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(this, 'UnhealthyHostsAlarm', {
      alarmDescription: `Targets of ${this.node.path} fail their health check: deployments roll back.`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const alarms: cloudwatch.IAlarm[] = [];
    for (const alarm of [errorAlarm, unhealthyAlarm]) {
      alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      alarm.addOkAction(new cwActions.SnsAction(props.alarmTopic));
      alarms.push(alarm);
    }
    this.service.enableDeploymentAlarms(
      alarms.map((a) => a.alarmName),
      { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
    );
    return alarms;
  }

  /** Autoscaling on every signal that saturates a task first. */
  private createAutoscaling(props: ProtectedServiceProps, minCapacity: number, maxCapacity: number): ecs.ScalableTaskCount {
    const scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetPercent ?? 60,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    scaling.scaleOnMemoryUtilization('Memory', {
      targetUtilizationPercent: props.memoryTargetPercent ?? 70,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: props.requestsPerTarget ?? 1000,
      targetGroup: this.targetGroup,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    return scaling;
  }
}
