import { Duration, RemovalPolicy, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { ResilientRedis, AUTH_TOKEN_SECRET_KEY } from '../constructs/cache/resilient-redis';
import { ResilientPostgres } from '../constructs/database/resilient-postgres';
import { CloudFrontOriginPrefixList } from '../constructs/edge/cloudfront-origin-prefix-list';
import { WebFirewall } from '../constructs/firewall/web-firewall';
import { containerImageFromReference } from '../constructs/service/container-image';
import { ProtectedService } from '../constructs/service/protected-service';
import { acknowledge, logGroupKey } from '../constructs/service/task-helpers';
import { QueueWorker } from '../constructs/worker/queue-worker';
import { waive } from '../readiness/waivers';

/** Header CloudFront adds to every origin request; the load balancer forwards only requests that carry it. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';
/** JSON field of the origin secret that holds the header value. */
export const ORIGIN_VERIFY_FIELD = 'header';
/** Name of a stage's origin secret: fixed, so the Edge stack in us-east-1 resolves its replica by name. */
export function originSecretName(stage: string): string {
  return `readiness/${stage}/origin-verify`;
}
/** Region of the CDN stacks, where the origin secret is replicated. */
const CDN_REGION = 'us-east-1';

/** What the service tier needs from the database (a `ResilientPostgres` fits). */
export type ServiceDatabase = Pick<
  ResilientPostgres,
  'appUser' | 'appDatabase' | 'port' | 'proxyEndpoint' | 'proxyReadOnlyEndpoint' | 'proxySecurityGroup' | 'allowConnectionsFrom' | 'grantAppConnect'
>;
/** What the service tier needs from the cache (a `ResilientRedis` fits). */
export type ServiceCache = Pick<ResilientRedis, 'authTokenSecret' | 'port' | 'primaryEndpointAddress' | 'securityGroup' | 'allowConnectionsFrom'>;

export interface ServiceStackProps extends StackProps {
  readonly config: StageConfig;
  readonly vpc: ec2.IVpc;
  /** On-call topic for deployment alarms and dead letters. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The database the web service and worker use: the proxy opened, `rds-db:connect` as the application
   * user granted to both task roles, and its endpoints in the environment (no password anywhere).
   * @default - no database wiring
   */
  readonly database?: ServiceDatabase;
  /**
   * The cache the web service uses (sessions, the Socket.io adapter): AUTH token injected, port opened.
   * @default - no cache wiring
   */
  readonly cache?: ServiceCache;
}

/**
 * Stateless compute of a stage: the WAF-protected web service, the queue worker and their cluster.
 * It depends on the network and data stacks, never the reverse: the security-group rules that open
 * the data stores are created here.
 */
export class ServiceStack extends Stack {
  public readonly cluster: ecs.Cluster;
  public readonly encryptionKey: kms.Key;
  public readonly firewall: WebFirewall;
  public readonly web: ProtectedService;
  public readonly worker: QueueWorker;
  /** Set when the stage has a CDN: the ALB only admits CloudFront's origin-facing addresses. */
  public readonly cloudFrontPrefixList?: CloudFrontOriginPrefixList;
  /** Set when the stage has a CDN: the value CloudFront sends in `X-Origin-Verify` (replicated to us-east-1). */
  public readonly originSecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, terminationProtection: props.config.stage === 'prod' });
    const { config, vpc, alarmTopic } = props;
    const svc = config.service;
    const logRetention = svc.logRetentionDays as logs.RetentionDays;

    this.encryptionKey = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts the service tier logs and queues',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logGroupKey(this.encryptionKey);

    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });

    const secrets: Record<string, ecs.Secret> = {};
    const environment: Record<string, string> = {};
    // Keys of the secrets the tasks read: each execution role gets kms:Decrypt on them (see grantSecretKeys).
    const secretKeys: string[] = [];
    const databaseEnvironment: Record<string, string> = {};
    if (props.database) {
      // IAM database authentication through RDS Proxy: the task role signs a token for DB_USER.
      Object.assign(databaseEnvironment, {
        DB_HOST: props.database.proxyEndpoint,
        DB_READ_HOST: props.database.proxyReadOnlyEndpoint,
        DB_PORT: String(props.database.port),
        DB_NAME: props.database.appDatabase,
        DB_USER: props.database.appUser,
        DB_SSL: 'verify-full',
      });
      Object.assign(environment, databaseEnvironment);
    }
    if (props.cache) {
      secrets.REDIS_AUTH = ecs.Secret.fromSecretsManager(this.importSecret('CacheAuthSecret', props.cache.authTokenSecret, secretKeys), AUTH_TOKEN_SECRET_KEY);
      environment.REDIS_HOST = props.cache.primaryEndpointAddress;
      environment.REDIS_PORT = String(props.cache.port);
      environment.REDIS_TLS = 'true';
    }

    if (config.edge.cdn) {
      this.cloudFrontPrefixList = new CloudFrontOriginPrefixList(this, 'CloudFrontOrigins');
      // CloudFront's origin-facing addresses are shared by every distribution: the header proves the request
      // came through this one (and its WebACL). Generated by Secrets Manager; templates carry only references.
      this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
        secretName: originSecretName(config.stage),
        description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the ${config.stage} load balancer`,
        encryptionKey: this.encryptionKey,
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: ORIGIN_VERIFY_FIELD, passwordLength: 48, excludePunctuation: true },
        // The Edge stack (us-east-1) resolves the replica there by name.
        replicaRegions: [{ region: CDN_REGION }],
      });
      waive(this.originSecret, {
        control: 'SECRET-ROTATION',
        reason:
          'Rotated by redeploy, not by a schedule: a new value is put into the secret and both stacks are redeployed, the load balancer accepting the previous value meanwhile (edge.acceptPreviousOriginSecret); a scheduled rotation would change the value behind the resolved templates.',
        owner: 'Platform',
        expires: '2027-02-26',
      });
    }
    const originHeaderValues = this.originSecret
      ? [
          this.originSecret.secretValueFromJson(ORIGIN_VERIFY_FIELD),
          ...(config.edge.acceptPreviousOriginSecret
            ? [SecretValue.secretsManager(this.originSecret.secretArn, { jsonField: ORIGIN_VERIFY_FIELD, versionStage: 'AWSPREVIOUS' })]
            : []),
        ]
      : [];

    this.web = new ProtectedService(this, 'Web', {
      vpc,
      cluster: this.cluster,
      image: containerImageFromReference(this, 'WebImage', svc.image),
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', svc.certificateArn),
      alarmTopic,
      containerPort: svc.containerPort,
      desiredCount: svc.desiredTasks,
      minCapacity: svc.minTasks,
      maxCapacity: svc.maxTasks,
      cpu: svc.cpu,
      memoryLimitMiB: svc.memoryMiB,
      healthCheckPath: svc.healthCheckPath,
      stickySessionDuration: svc.stickySessions ? Duration.days(1) : undefined,
      cpuTargetPercent: svc.cpuTargetPercent,
      memoryTargetPercent: svc.memoryTargetPercent,
      requestsPerTarget: svc.requestsPerTarget,
      targetConcurrentUsers: svc.capacity.targetConcurrentUsers,
      concurrencyPerTask: svc.capacity.concurrencyPerTask,
      secrets,
      environment,
      encryptionKey: this.encryptionKey,
      logRetention,
      deletionProtection: config.stage !== 'dev',
      // With a CDN, only CloudFront reaches the origin, and only on 443 (the prefix list weighs ~55 rules).
      ingressPeers: this.cloudFrontPrefixList ? [this.cloudFrontPrefixList.peer] : undefined,
      redirectHttp: !this.cloudFrontPrefixList,
      originVerifyHeader: originHeaderValues.length > 0 ? { name: ORIGIN_VERIFY_HEADER, value: originHeaderValues[0], previousValue: originHeaderValues[1] } : undefined,
    });

    this.firewall = new WebFirewall(this, 'Firewall', {
      scope: 'REGIONAL',
      rateLimitPer5Min: svc.waf.rateLimitPer5Min,
      sensitivePaths: [...svc.waf.sensitivePaths],
      sensitivePathRateLimitPer5Min: svc.waf.sensitivePathRateLimitPer5Min,
      blockAnonymousIps: svc.waf.blockAnonymousIps,
      // Behind CloudFront every source address is CloudFront's: count clients by the address CloudFront forwards.
      clientAddressHeader: this.cloudFrontPrefixList ? 'X-Forwarded-For' : undefined,
      encryptionKey: this.encryptionKey,
      logRetention,
    });
    this.firewall.associate('LoadBalancerAssociation', this.web.loadBalancer.loadBalancerArn);

    const worker = svc.worker;
    this.worker = new QueueWorker(this, 'Worker', {
      vpc,
      cluster: this.cluster,
      image: containerImageFromReference(this, 'WorkerImage', worker.image),
      alarmTopic,
      encryptionKey: this.encryptionKey,
      cpu: worker.cpu,
      memoryLimitMiB: worker.memoryMiB,
      minCapacity: worker.minTasks,
      maxCapacity: worker.maxTasks,
      maxReceiveCount: worker.maxReceiveCount,
      visibilityTimeout: Duration.seconds(worker.visibilityTimeoutSeconds),
      maxMessageAge: Duration.seconds(worker.maxMessageAgeSeconds),
      environment: props.database ? databaseEnvironment : undefined,
      logRetention,
    });
    this.grantSecretKeys(this.web.taskDefinition, secretKeys);
    if (props.database) {
      props.database.grantAppConnect(this.web.taskDefinition.taskRole);
      props.database.grantAppConnect(this.worker.taskDefinition.taskRole);
    }
    // The web tier enqueues work for the worker.
    this.worker.queue.grantSendMessages(this.web.taskDefinition.taskRole);
    this.web.taskDefinition.defaultContainer?.addEnvironment('QUEUE_URL', this.worker.queue.queueUrl);
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledge(
        this.web.taskDefinition.taskRole.node.tryFindChild('DefaultPolicy'),
        `AwsSolutions-IAM5[Action::${action}]`,
        'Sending to an SSE-KMS queue needs kms:GenerateDataKey* and kms:ReEncrypt* (grantSendMessages); the statement is scoped to the queue key.',
      );
    }

    // Open the data stores: ingress rules land in this stack (compute depends on data, never the reverse).
    const webSg = this.web.service.connections.securityGroups[0];
    const workerSg = this.worker.service.connections.securityGroups[0];
    if (props.database) {
      for (const sg of [webSg, workerSg]) {
        props.database.allowConnectionsFrom(sg);
        sg.addEgressRule(ec2.Peer.securityGroupId(props.database.proxySecurityGroup.securityGroupId), ec2.Port.tcp(props.database.port), 'PostgreSQL through RDS Proxy');
      }
    }
    if (props.cache) {
      props.cache.allowConnectionsFrom(webSg, 'Web service');
      webSg.addEgressRule(ec2.Peer.securityGroupId(props.cache.securityGroup.securityGroupId), ec2.Port.tcp(props.cache.port), 'Valkey/Redis over TLS');
    }
  }

  /**
   * Re-imports a data-stack secret here, so that read grants land on this stack's roles and never on
   * the data stack's resource policies: that edit would make data depend on compute (a cycle). The
   * key is not imported (aws-cdk-lib drops grants on a key imported by ARN); its ARN is collected for
   * `grantSecretKeys`, which writes the kms:Decrypt statement itself.
   */
  private importSecret(id: string, secret: secretsmanager.ISecret, keys: string[]): secretsmanager.ISecret {
    if (secret.encryptionKey) keys.push(secret.encryptionKey.keyArn);
    return secretsmanager.Secret.fromSecretAttributes(this, id, { secretCompleteArn: secret.secretFullArn ?? secret.secretArn });
  }

  /**
   * Lets the execution role (the role ECS resolves `secrets` with at task start) decrypt the secrets'
   * customer-managed keys, only through Secrets Manager in this region. Their key policies delegate
   * to IAM, so without this statement GetSecretValue fails and no task starts.
   */
  private grantSecretKeys(taskDefinition: ecs.TaskDefinition, keyArns: readonly string[]): void {
    if (keyArns.length === 0) return;
    taskDefinition.addToExecutionRolePolicy(
      new iam.PolicyStatement({
        sid: 'DecryptInjectedSecrets',
        actions: ['kms:Decrypt'],
        resources: [...keyArns],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
      }),
    );
  }
}
