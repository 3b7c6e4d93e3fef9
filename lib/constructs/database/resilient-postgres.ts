import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { SecretAccessPolicy } from '../secrets/secret-access-policy';
import { logGroupKey } from '../service/task-helpers';
import { DatabaseAppUser } from './app-user';
import { IDENTIFIER, RESERVED_ROLE_NAMES } from './app-user/sql';

/** Construct ID of the stack-wide function aws-cdk-lib creates to set log retention (aws-logs LogRetention). */
const LOG_RETENTION_SINGLETON_ID = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

/** The engine used when none is given: the newest Aurora PostgreSQL 17 minor in aws-cdk-lib 2.276. */
export const DEFAULT_AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

export interface ResilientPostgresProps {
  /** The VPC the cluster, its proxy and the rotation function live in. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the cluster instances and the proxy (at least two AZs).
   * @default - the VPC's private isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Subnets of the secret-rotation function. It calls the Secrets Manager API, which isolated
   * subnets cannot reach without an interface endpoint.
   * @default - the VPC's private subnets with egress
   */
  readonly rotationSubnets?: ec2.SubnetSelection;

  /**
   * Aurora PostgreSQL engine version.
   * @default - DEFAULT_AURORA_POSTGRES_VERSION (17.9)
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * Instance type of the writer and the readers (the same, so that a failover keeps capacity).
   * @default - r6g.large
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Readers created with the cluster, each in another AZ than the writer where the subnets allow.
   * @default 2
   */
  readonly readers?: number;

  /**
   * Lower bound of reader autoscaling (Aurora replicas, counting the ones above).
   * @default - `readers`
   */
  readonly minReaders?: number;

  /**
   * Upper bound of reader autoscaling (at most 15, the Aurora replica limit).
   * @default - `readers` + 2, at most 15
   */
  readonly maxReaders?: number;

  /**
   * Average reader CPU (%) that reader autoscaling holds.
   * @default 70
   */
  readonly readerCpuTargetPercent?: number;

  /**
   * Automated backup retention, 1-35 whole days; it is also the point-in-time recovery window.
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;

  /**
   * Daily backup window in UTC, `hh:mm-hh:mm`.
   * @default - a 30-minute window chosen by RDS
   */
  readonly preferredBackupWindow?: string;

  /**
   * Weekly maintenance window in UTC, `ddd:hh:mm-ddd:hh:mm`.
   * @default - a window chosen by RDS
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Database port (1150-65535, not 5432).
   * @default 5433
   */
  readonly port?: number;

  /**
   * Statements slower than this are logged (`log_min_duration_statement`).
   * @default Duration.millis(500)
   */
  readonly slowQueryThreshold?: Duration;

  /**
   * Time between automatic rotations of the master credentials (1-30 whole days).
   * @default Duration.days(30)
   */
  readonly credentialRotation?: Duration;

  /**
   * Master user name; its password is generated into Secrets Manager.
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;

  /**
   * The application's database user. Clients log in as this user through the proxy with an IAM
   * token (never a password); a bootstrap function creates it with `rds_iam` at deploy time.
   * @default 'app_user'
   */
  readonly appUser?: string;

  /**
   * Schema the application user owns in the application database (`defaultDatabaseName`, or `postgres`).
   * @default 'app'
   */
  readonly appSchema?: string;

  /**
   * Subnets of the function that creates the application user (it calls Secrets Manager and
   * answers CloudFormation over HTTPS).
   * @default - the VPC's private subnets with egress
   */
  readonly bootstrapSubnets?: ec2.SubnetSelection;

  /**
   * Name of a database created with the cluster.
   * @default - none: only the `postgres` database exists
   */
  readonly defaultDatabaseName?: string;

  /**
   * Retention of the `postgresql` log exported to CloudWatch Logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Interval of enhanced-monitoring samples (1, 5, 10, 15, 30 or 60 seconds).
   * @default Duration.seconds(60)
   */
  readonly monitoringInterval?: Duration;

  /**
   * Customer-managed key for storage, the credentials secret and Performance Insights.
   * @default - a new key with yearly rotation, retained when the stack is deleted
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Security groups admitted to the proxy and the cluster on the database port. The rules are
   * created in this construct's stack, so these groups must not live in a stack that depends on
   * it; for consumers built later in another stack, call `allowConnectionsFrom` instead.
   * @default - none: nothing but the proxy and the rotation function can connect
   */
  readonly allowedSecurityGroups?: readonly ec2.ISecurityGroup[];
}

/** The props with defaults applied: what the validation table reads (the stage config maps onto it too). */
export interface ResolvedSettings {
  readonly readers: number;
  readonly minReaders: number;
  readonly maxReaders: number;
  readonly readerCpuTargetPercent: number;
  readonly backupRetentionDays: unknown;
  readonly credentialRotationDays: unknown;
  readonly port: number;
  readonly slowQueryMs: unknown;
  readonly monitoringIntervalSeconds: unknown;
  readonly logRetentionDays: number;
  readonly masterUsername: string;
  readonly appUser: string;
  readonly appSchema: string;
  readonly availabilityZones: readonly string[];
  readonly preferredBackupWindow?: string;
  readonly preferredMaintenanceWindow?: string;
}

const WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

/** Every rule ResilientPostgres props must meet; one error lists every broken row. */
export const RESILIENT_POSTGRES_RULES: readonly ValidationRule<ResolvedSettings>[] = [
  { field: 'readers', value: (s) => s.readers, check: is.intBetween(1, 15), fix: 'use 1 to 15 readers: a reader in another AZ is the failover target' },
  { field: 'minReaders', value: (s) => s.minReaders, check: (v, s) => is.intBetween(1, 15)(v) && v <= s.maxReaders, fix: 'use 1 to 15 and no more than maxReaders' },
  { field: 'maxReaders', value: (s) => s.maxReaders, check: (v, s) => is.intBetween(1, 15)(v) && v >= s.readers, fix: 'use at most 15 (the Aurora replica limit) and at least readers' },
  { field: 'readerCpuTargetPercent', value: (s) => s.readerCpuTargetPercent, check: is.intBetween(10, 90), fix: 'use a CPU target of 10 to 90 percent' },
  { field: 'backupRetention', value: (s) => s.backupRetentionDays, check: is.intBetween(1, 35), fix: 'keep backups 1 to 35 days (whole days, the Aurora limit)' },
  { field: 'credentialRotation', value: (s) => s.credentialRotationDays, check: is.intBetween(1, 30), fix: 'rotate credentials every 1 to 30 whole days' },
  { field: 'port', value: (s) => s.port, check: (v) => is.intBetween(1150, 65535)(v) && v !== 5432, fix: 'use a port from 1150 to 65535 other than the default 5432' },
  { field: 'slowQueryThreshold', value: (s) => s.slowQueryMs, check: is.intBetween(1, 3_600_000), fix: 'log statements slower than 1 ms to 1 hour (whole milliseconds)' },
  { field: 'monitoringInterval', value: (s) => s.monitoringIntervalSeconds, check: is.oneOf(1, 5, 10, 15, 30, 60), fix: 'use 1, 5, 10, 15, 30 or 60 seconds' },
  { field: 'logRetention', value: (s) => s.logRetentionDays, check: is.logRetentionDays, fix: 'use a CloudWatch Logs retention period (logs.RetentionDays), not INFINITE' },
  {
    field: 'masterUsername',
    value: (s) => s.masterUsername,
    check: (v) => is.matching(/^[A-Za-z][A-Za-z0-9_]{0,62}$/)(v) && !['rdsadmin', 'rdsproxyadmin', 'rds_superuser'].includes(String(v).toLowerCase()),
    fix: 'use 1-63 letters, digits or underscores, starting with a letter, not an RDS reserved name',
  },
  {
    field: 'appUser',
    value: (s) => s.appUser,
    check: (v, s) =>
      is.matching(IDENTIFIER)(v) && !RESERVED_ROLE_NAMES.includes(String(v).toLowerCase()) && !String(v).toLowerCase().startsWith('pg_') && String(v).toLowerCase() !== s.masterUsername.toLowerCase(),
    fix: 'use a PostgreSQL role name (1-63 letters, digits or underscores, not starting with a digit), not the master user nor a reserved role (postgres, rds*, pg_*)',
  },
  { field: 'appSchema', value: (s) => s.appSchema, check: (v) => is.matching(IDENTIFIER)(v) && !String(v).toLowerCase().startsWith('pg_'), fix: 'use a schema name of 1-63 letters, digits or underscores, not starting with pg_' },
  {
    field: 'vpcSubnets',
    value: (s) => s.availabilityZones,
    check: (v: string[]) => v.some((az) => Token.isUnresolved(az)) || new Set(v).size >= 2,
    fix: 'select subnets in at least 2 availability zones so that a reader can take over from the writer',
  },
  { field: 'preferredBackupWindow', value: (s) => s.preferredBackupWindow ?? '00:00-00:30', check: is.matching(WINDOW), fix: 'use a UTC window "hh:mm-hh:mm", e.g. "02:00-02:30"' },
  { field: 'preferredMaintenanceWindow', value: (s) => s.preferredMaintenanceWindow ?? 'sun:04:00-sun:04:30', check: is.matching(WEEKLY_WINDOW), fix: 'use a UTC window "ddd:hh:mm-ddd:hh:mm", e.g. "sun:04:00-sun:04:30"' },
];

const DEFAULT_BACKUP_RETENTION = Duration.days(14);
const DEFAULT_CREDENTIAL_ROTATION = Duration.days(30);
const DEFAULT_MONITORING_INTERVAL = Duration.seconds(60);

/** The props with defaults applied, in the shape the validation table reads. */
function resolveSettings(props: ResilientPostgresProps, vpcSubnets: ec2.SubnetSelection): ResolvedSettings {
  const readers = props.readers ?? 2;
  return {
    readers,
    minReaders: props.minReaders ?? readers,
    maxReaders: props.maxReaders ?? Math.min(readers + 2, 15),
    readerCpuTargetPercent: props.readerCpuTargetPercent ?? 70,
    backupRetentionDays: days(props.backupRetention ?? DEFAULT_BACKUP_RETENTION),
    credentialRotationDays: days(props.credentialRotation ?? DEFAULT_CREDENTIAL_ROTATION),
    port: props.port ?? 5433,
    slowQueryMs: millis(props.slowQueryThreshold ?? Duration.millis(500)),
    monitoringIntervalSeconds: seconds(props.monitoringInterval ?? DEFAULT_MONITORING_INTERVAL),
    logRetentionDays: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    masterUsername: props.masterUsername ?? 'dbadmin',
    appUser: props.appUser ?? 'app_user',
    appSchema: props.appSchema ?? 'app',
    availabilityZones: props.vpc.selectSubnets(vpcSubnets).availabilityZones,
    preferredBackupWindow: props.preferredBackupWindow,
    preferredMaintenanceWindow: props.preferredMaintenanceWindow,
  };
}

/**
 * Aurora PostgreSQL with production-safe defaults: a writer and readers in distinct AZs with
 * reader autoscaling, RDS Proxy (TLS, end-to-end IAM authentication as a dedicated application user
 * created at deploy time) for pooling, CMK encryption, backups with
 * point-in-time recovery, deletion protection, TLS-only connections, slow-query logging,
 * Performance Insights, enhanced monitoring, and rotated generated credentials.
 */
export class ResilientPostgres extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly proxy: rds.DatabaseProxy;
  /** Proxy endpoint that routes to the readers. */
  public readonly readOnlyProxyEndpoint: rds.IDatabaseProxyEndpoint;
  /** Master credentials (username, password, host, port) in Secrets Manager, CMK-encrypted. */
  public readonly secret: secretsmanager.ISecret;
  /**
   * The secret's resource policy: denies reading or rotating the master credentials outside this
   * stack's roles (rotation, the application-user bootstrap) and CDK deployments. Clients never read
   * it: they log in as `appUser` with IAM tokens (`grantAppConnect`).
   */
  public readonly secretAccess: SecretAccessPolicy;
  public readonly secretRotation: secretsmanager.SecretRotation;
  public readonly encryptionKey: kms.IKey;
  /** Security group of the cluster instances. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Security group of the proxy and its endpoints. */
  public readonly proxySecurityGroup: ec2.SecurityGroup;
  public readonly parameterGroup: rds.ParameterGroup;
  public readonly readerScaling: appscaling.ScalableTarget;
  /** The cluster (writer) endpoint. */
  public readonly writerEndpoint: rds.Endpoint;
  /** The cluster reader endpoint, load-balanced over the readers. */
  public readonly readerEndpoint: rds.Endpoint;
  /** Host name of the proxy's default (read/write) endpoint. */
  public readonly proxyEndpoint: string;
  /** Host name of the proxy's read-only endpoint. */
  public readonly proxyReadOnlyEndpoint: string;
  public readonly port: number;
  /** The database user applications log in as (IAM token through the proxy). */
  public readonly appUser: string;
  /** The database the application user may connect to. */
  public readonly appDatabase: string;
  /** The deploy-time step that creates the application user. */
  public readonly appUserBootstrap: DatabaseAppUser;

  constructor(scope: Construct, id: string, props: ResilientPostgresProps) {
    super(scope, id);

    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const settings = resolveSettings(props, vpcSubnets);
    assertValid(`ResilientPostgres "${this.node.path}"`, settings, RESILIENT_POSTGRES_RULES);

    this.port = settings.port;
    this.appUser = settings.appUser;
    this.appDatabase = props.defaultDatabaseName ?? 'postgres';
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: props.engineVersion ?? DEFAULT_AURORA_POSTGRES_VERSION });

    this.encryptionKey = this.createEncryptionKey(props);
    const groups = this.createSecurityGroups(props);
    this.securityGroup = groups.securityGroup;
    this.proxySecurityGroup = groups.proxySecurityGroup;
    this.parameterGroup = this.createParameterGroup(engine, settings);

    this.cluster = this.createCluster(props, settings, engine, vpcSubnets);
    this.secret = this.cluster.secret!;
    this.secretAccess = new SecretAccessPolicy(this, 'SecretAccess', { secret: this.secret });
    // Keep the credentials if the stack goes: the snapshot taken on deletion still needs them.
    (this.cluster.node.findChild('Secret') as rds.DatabaseSecret).applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.writerEndpoint = this.cluster.clusterEndpoint;
    this.readerEndpoint = this.cluster.clusterReadEndpoint;

    this.secretRotation = this.cluster.addRotationSingleUser({
      automaticallyAfter: props.credentialRotation ?? DEFAULT_CREDENTIAL_ROTATION,
      vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });

    const proxy = this.createProxy(props, vpcSubnets);
    this.proxy = proxy.proxy;
    this.proxyEndpoint = this.proxy.endpoint;
    this.readOnlyProxyEndpoint = proxy.readOnlyEndpoint;
    this.proxyReadOnlyEndpoint = this.readOnlyProxyEndpoint.endpoint;

    this.appUserBootstrap = this.createAppUserBootstrap(props, settings);
    this.readerScaling = this.createReaderScaling(settings);
    // The zones come from the VPC's subnets (explicit in config); pinning them is what spreads
    // the writer and the readers over distinct AZs.
    Validations.of(this.cluster).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'Instance AZs are taken from the selected subnets to place the writer and each reader in a distinct zone',
    });
    this.pinIngressPorts();
    this.acknowledgeFindings();

    for (const peer of props.allowedSecurityGroups ?? []) this.admit(this, `From${Names.uniqueId(peer)}`, peer);
  }

  /** The given key, or a new one for storage, credentials and Performance Insights. */
  private createEncryptionKey(props: ResilientPostgresProps): kms.IKey {
    return (
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Aurora PostgreSQL storage, credentials and Performance Insights (${this.node.path})`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      })
    );
  }

  /** Security groups of the instances and of the proxy: no egress, ingress only from admitted groups. */
  private createSecurityGroups(props: ResilientPostgresProps): { securityGroup: ec2.SecurityGroup; proxySecurityGroup: ec2.SecurityGroup } {
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Aurora PostgreSQL instances: ingress only from listed security groups',
      allowAllOutbound: false,
    });
    const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc: props.vpc,
      description: 'RDS Proxy of the Aurora PostgreSQL cluster: ingress only from listed security groups',
      allowAllOutbound: false,
    });
    return { securityGroup, proxySecurityGroup };
  }

  /** TLS only, slow statements logged. */
  private createParameterGroup(engine: rds.IClusterEngine, settings: ResolvedSettings): rds.ParameterGroup {
    return new rds.ParameterGroup(this, 'ParameterGroup', {
      engine,
      description: 'Aurora PostgreSQL: TLS only, slow statements logged',
      parameters: {
        'rds.force_ssl': '1',
        ssl_min_protocol_version: 'TLSv1.2',
        log_min_duration_statement: String(settings.slowQueryMs),
      },
    });
  }

  /** The cluster: a writer and readers in distinct AZs, encrypted, backed up, deletion-protected, monitored. */
  private createCluster(props: ResilientPostgresProps, settings: ResolvedSettings, engine: rds.IClusterEngine, vpcSubnets: ec2.SubnetSelection): rds.DatabaseCluster {
    const readers = settings.readers;
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);
    const azs = settings.availabilityZones;
    const spreadAzs = azs.length >= 2 && !azs.some((az) => Token.isUnresolved(az));
    const azOf = (index: number) => (spreadAzs ? azs[index % azs.length] : undefined);
    const instanceOptions = {
      instanceType,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
    };

    return new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      credentials: rds.Credentials.fromGeneratedSecret(settings.masterUsername, { encryptionKey: this.encryptionKey }),
      // Writer first in the list of AZs; each reader in the next AZ, so the writer and the first
      // readers never share a zone. Lower promotion tier = first failover target.
      writer: rds.ClusterInstance.provisioned('Writer', { ...instanceOptions, availabilityZone: azOf(0) }),
      readers: Array.from({ length: readers }, (_, i) =>
        rds.ClusterInstance.provisioned(`Reader${i + 1}`, { ...instanceOptions, availabilityZone: azOf(i + 1), promotionTier: Math.min(i + 1, 15) }),
      ),
      instanceUpdateBehaviour: rds.InstanceUpdateBehaviour.ROLLING,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: [this.securityGroup],
      port: this.port,
      defaultDatabaseName: props.defaultDatabaseName,
      parameterGroup: this.parameterGroup,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      iamAuthentication: true,
      backup: { retention: props.backupRetention ?? DEFAULT_BACKUP_RETENTION, preferredWindow: props.preferredBackupWindow },
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      deleteAutomatedBackups: false,
      copyTagsToSnapshot: true,
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: settings.logRetentionDays as logs.RetentionDays,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      monitoringInterval: props.monitoringInterval ?? DEFAULT_MONITORING_INTERVAL,
      autoMinorVersionUpgrade: true,
    });
  }

  /** RDS Proxy with a read/write and a read-only endpoint. */
  private createProxy(props: ResilientPostgresProps, vpcSubnets: ec2.SubnetSelection): { proxy: rds.DatabaseProxy; readOnlyEndpoint: rds.IDatabaseProxyEndpoint } {
    // End-to-end IAM authentication: clients present an IAM token for the application user and the
    // proxy logs in to the cluster as that user with its own IAM token. No password exists for the
    // user, and the master credentials are not registered with the proxy: clients cannot use them.
    const proxy = new rds.DatabaseProxy(this, 'Proxy', {
      // CloudFormation requires a proxy name; derive it from the construct path so that stages
      // and several databases in one account never collide.
      dbProxyName: `${Names.uniqueResourceName(this, { maxLength: 54, separator: '-' })}-proxy`,
      proxyTarget: rds.ProxyTarget.fromCluster(this.cluster),
      defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: [this.proxySecurityGroup],
      requireTLS: true,
      debugLogging: false,
    });
    // The proxy's role connects to the cluster as the application user.
    this.cluster.grantConnect(proxy.node.findChild('IAMRole') as iam.Role, this.appUser);
    const readOnlyEndpoint = proxy.addEndpoint('ReadOnly', {
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: [this.proxySecurityGroup],
      targetRole: rds.ProxyEndpointTargetRole.READ_ONLY,
    });
    return { proxy, readOnlyEndpoint };
  }

  /** The deploy-time step that creates the application user (its log group uses the key). */
  private createAppUserBootstrap(props: ResilientPostgresProps, settings: ResolvedSettings): DatabaseAppUser {
    logGroupKey(this.encryptionKey);
    const bootstrap = new DatabaseAppUser(this, 'AppUser', {
      vpc: props.vpc,
      vpcSubnets: props.bootstrapSubnets,
      masterSecret: this.secret,
      writerHost: this.writerEndpoint.hostname,
      port: this.port,
      clusterSecurityGroup: this.securityGroup,
      user: this.appUser,
      database: this.appDatabase,
      schema: settings.appSchema,
      encryptionKey: this.encryptionKey,
      logRetention: settings.logRetentionDays as logs.RetentionDays,
    });
    // The writer must be up before the bootstrap connects to it.
    bootstrap.resource.node.addDependency(this.cluster);
    return bootstrap;
  }

  /** Reader autoscaling on the readers' average CPU. */
  private createReaderScaling(settings: ResolvedSettings): appscaling.ScalableTarget {
    // Application Auto Scaling adds and removes Aurora replicas outside CloudFormation; it uses
    // its service-linked role, so no role of ours is created.
    const scaling = new appscaling.ScalableTarget(this, 'ReaderScaling', {
      serviceNamespace: appscaling.ServiceNamespace.RDS,
      scalableDimension: 'rds:cluster:ReadReplicaCount',
      resourceId: `cluster:${this.cluster.clusterIdentifier}`,
      minCapacity: settings.minReaders,
      maxCapacity: settings.maxReaders,
      role: iam.Role.fromRoleArn(
        this,
        'AutoScalingServiceRole',
        Stack.of(this).formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: 'aws-service-role/rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster',
        }),
      ),
    });
    scaling.scaleToTrackMetric('ReaderCpu', {
      predefinedMetric: appscaling.PredefinedMetric.RDS_READER_AVERAGE_CPU_UTILIZATION,
      targetValue: settings.readerCpuTargetPercent,
      scaleOutCooldown: Duration.minutes(5),
      scaleInCooldown: Duration.minutes(15),
    });
    // Registering the target needs an available cluster with its instances.
    scaling.node.addDependency(
      this.cluster.node.defaultChild!,
      ...['Writer', ...Array.from({ length: settings.readers }, (_, i) => `Reader${i + 1}`)].map((id) => this.cluster.node.findChild(id)),
    );
    return scaling;
  }

  /**
   * Lets a peer security group reach the proxy and the cluster on the database port.
   *
   * When the peer lives in another stack (a service stack that uses the database), the ingress
   * rules are created in the peer's stack with the database's group IDs, so the reference points
   * from the consumer to the data stack and no dependency cycle appears.
   */
  public allowConnectionsFrom(peer: ec2.ISecurityGroup): void {
    // Clients log in with IAM tokens (grantAppConnect): they never read the master credentials.
    if (Stack.of(peer) === Stack.of(this)) {
      this.admit(this, `From${Names.uniqueId(peer)}`, peer);
    } else {
      this.admit(peer, `To${Names.uniqueId(this)}`, peer);
    }
  }

  /**
   * Grants `rds-db:connect` as `dbUser` through the proxy and on the cluster (IAM database
   * authentication). The database user must exist and, for direct connections, hold `rds_iam`.
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    if (!Token.isUnresolved(dbUser) && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(dbUser)) {
      throw new Error(`ResilientPostgres "${this.node.path}": grantConnect dbUser = ${JSON.stringify(dbUser)}: use a PostgreSQL role name (letters, digits, underscores)`);
    }
    return this.proxy.grantConnect(grantee, dbUser).combine(this.cluster.grantConnect(grantee, dbUser));
  }

  /**
   * Grants `rds-db:connect` as the application user through the proxy (both endpoints): what a
   * client needs to log in with an IAM token. No direct cluster access is granted.
   */
  public grantAppConnect(grantee: iam.IGrantable): iam.Grant {
    return this.proxy.grantConnect(grantee, this.appUser);
  }

  /**
   * aws-cdk-lib opens the cluster to the proxy and the rotation function on the endpoint port
   * attribute, a token CloudFormation resolves at deploy time. The port is known here, so write
   * it: reviewers and port rules (NIST EC2RestrictedCommonPorts/SSH) then see the real number.
   */
  private pinIngressPorts(): void {
    for (const group of [this.securityGroup, this.proxySecurityGroup]) {
      for (const child of group.node.findAll()) {
        if (!(child instanceof ec2.CfnSecurityGroupIngress)) continue;
        if (Token.isUnresolved(child.fromPort)) child.fromPort = this.port;
        if (Token.isUnresolved(child.toPort)) child.toPort = this.port;
      }
    }
  }

  /** cdk-nag findings on resources this construct makes aws-cdk-lib create, each with why it stays. */
  private acknowledgeFindings(): void {
    const monitoringRole = this.cluster.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'AmazonRDSEnhancedMonitoringRole is the permission set RDS documents for enhanced monitoring: it only writes to the RDSOSMetrics log group, and AWS keeps it in step with the agent',
      });
    }
    // The log-retention function is a stack-wide singleton that aws-cdk-lib creates for cloudwatchLogsRetention.
    const logRetention = Stack.of(this).node.tryFindChild(LOG_RETENTION_SINGLETON_ID);
    if (logRetention) {
      Validations.of(logRetention).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'The aws-cdk-lib log-retention function only needs to write its own logs, which is what AWSLambdaBasicExecutionRole grants',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'The aws-cdk-lib log-retention function sets retention on log groups that RDS creates at deploy time (named after the cluster identifier), so logs:PutRetentionPolicy/DeleteRetentionPolicy cannot name them in advance',
        },
        {
          id: 'NIST.800.53.R5-IAMNoInlinePolicy',
          reason: 'aws-cdk-lib attaches this policy to the log-retention function role alone; it is not shared, so a managed policy would add a way to attach it elsewhere and nothing else',
        },
      );
    }
    const proxyPolicy = this.proxy.node.tryFindChild('IAMRole')?.node.tryFindChild('DefaultPolicy');
    if (proxyPolicy) {
      Validations.of(proxyPolicy).acknowledge({
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: 'The RDS Proxy role policy only allows rds-db:connect to this cluster as the application user; it belongs to the proxy role alone and is not shared',
      });
    }
  }

  private admit(scope: IConstruct, idPrefix: string, peer: ec2.ISecurityGroup): void {
    if (scope.node.tryFindChild(`${idPrefix}Proxy`)) return;
    const rule = (suffix: string, target: ec2.ISecurityGroup, description: string) =>
      new ec2.CfnSecurityGroupIngress(scope as Construct, `${idPrefix}${suffix}`, {
        groupId: target.securityGroupId,
        sourceSecurityGroupId: peer.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: this.port,
        toPort: this.port,
        description,
      });
    rule('Proxy', this.proxySecurityGroup, 'Client to Aurora PostgreSQL proxy');
    rule('Cluster', this.securityGroup, 'Client to Aurora PostgreSQL reader/writer endpoints');
    if (!peer.allowAllOutbound) {
      peer.addEgressRule(ec2.Peer.securityGroupId(this.proxySecurityGroup.securityGroupId), ec2.Port.tcp(this.port), 'To Aurora PostgreSQL proxy');
      peer.addEgressRule(ec2.Peer.securityGroupId(this.securityGroup.securityGroupId), ec2.Port.tcp(this.port), 'To Aurora PostgreSQL cluster');
    }
  }
}

function days(d: Duration): unknown {
  return d.isUnresolved() ? d.toString() : d.toDays({ integral: false });
}
function millis(d: Duration): unknown {
  return d.isUnresolved() ? d.toString() : d.toMilliseconds({ integral: false });
}
function seconds(d: Duration): unknown {
  return d.isUnresolved() ? d.toString() : d.toSeconds({ integral: false });
}
