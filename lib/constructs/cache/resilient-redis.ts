import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { RedisAuthRotation } from '../secrets/redis-auth-rotation';
import { SecretAccessPolicy } from '../secrets/secret-access-policy';
import { allowLogsToUseKey } from '../shared/log-encryption-key';

/** The cache engines ElastiCache runs in a replication group (Redis OSS is `redis`). */
export type CacheEngine = 'valkey' | 'redis';

/**
 * Printable ASCII characters ElastiCache refuses in an AUTH token: it allows letters, digits and only
 * `! & # $ ^ < > -`. Exported so that a rotation function generates tokens from the same alphabet.
 */
export const AUTH_TOKEN_EXCLUDED_CHARACTERS = ' "%\'()*+,./:;=?@[\\]_`{|}~';

/** JSON key of the AUTH token in the secret (the secret string is `{"authToken": "..."}`). */
export const AUTH_TOKEN_SECRET_KEY = 'authToken';

/** Engine version used when none is given: the newest line with a parameter-group family we support. */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<CacheEngine, string>> = { valkey: '8.1', redis: '7.1' };

export interface ResilientRedisProps {
  /** VPC the replication group, its subnet group and security group live in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the subnet group; they must span at least two availability zones for Multi-AZ.
   * @default - the VPC's private isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * `valkey` or `redis` (Redis OSS).
   * @default - 'valkey'
   */
  readonly engine?: CacheEngine;
  /**
   * Engine version `major.minor` (Valkey 7.2 or 8.x, Redis OSS 7.x); minor upgrades are applied
   * automatically in the maintenance window.
   * @default - DEFAULT_ENGINE_VERSIONS[engine] (Valkey 8.1, Redis OSS 7.1)
   */
  readonly engineVersion?: string;
  /**
   * Cache node type, e.g. `cache.r7g.large`.
   * @default - 'cache.r7g.large'
   */
  readonly nodeType?: string;
  /**
   * Cluster mode (data sharded over node groups). It sets `ClusterMode`, the `cluster-enabled`
   * parameter and how shards and replicas are declared.
   * @default - false (one shard)
   */
  readonly clusterMode?: boolean;
  /**
   * Shards (node groups): 1 without cluster mode, 1 to 500 with it. Changed online with cluster mode
   * (the replication group carries the `UseOnlineResharding` update policy).
   * @default - 1
   */
  readonly shards?: number;
  /**
   * Replicas per shard (1 to 5), placed in other availability zones than their primary. Fixed at
   * creation: CloudFormation replaces the replication group when it changes (a final snapshot is kept).
   * @default - 2
   */
  readonly replicasPerShard?: number;
  /**
   * Port the nodes listen on. The default port 6379 is refused.
   * @default - 6380
   */
  readonly port?: number;
  /**
   * How long daily automatic snapshots are kept: whole days from 1 to 35.
   * @default - Duration.days(7)
   */
  readonly snapshotRetention?: Duration;
  /**
   * Daily snapshot window in UTC, `hh:mm-hh:mm`, at least 60 minutes, not overlapping the maintenance window.
   * @default - '03:00-04:00'
   */
  readonly snapshotWindow?: string;
  /**
   * Weekly maintenance window in UTC, `ddd:hh:mm-ddd:hh:mm`, at least 60 minutes.
   * @default - 'sun:05:00-sun:06:00'
   */
  readonly maintenanceWindow?: string;
  /**
   * Customer-managed key for data at rest, the AUTH token secret and the log groups.
   * @default - a new key with yearly rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long slow-log and engine-log entries are kept in CloudWatch Logs.
   * @default - logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the replication group when it leaves the stack: SNAPSHOT or RETAIN (DESTROY is refused).
   * @default - RemovalPolicy.SNAPSHOT (a final snapshot is taken before deletion)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Extra engine parameters for the parameter group (not `cluster-enabled`: use `clusterMode`).
   * @default - the engine's defaults
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Topic that receives ElastiCache events (failover, node replacement, snapshot failures).
   * @default - no event notifications
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * Description of the replication group.
   * @default - 'Replication group of <construct path>'
   */
  readonly description?: string;
  /**
   * Time between automatic rotations of the AUTH token (1 to 365 days; prod keeps 30 or less).
   * @default - Duration.days(30)
   */
  readonly authTokenRotation?: Duration;
  /**
   * Subnets of the AUTH token rotation function; they need a route to the Secrets Manager and ElastiCache APIs.
   * @default - the VPC's private subnets with egress
   */
  readonly rotationSubnets?: ec2.SubnetSelection;
  /**
   * Topic the AUTH token rotation-failure alarm notifies (the critical on-call topic).
   * @default - the alarm has no action
   */
  readonly rotationAlarmTopic?: sns.ITopic;
}

/** The props after defaults, as the validation table reads them. */
interface ResolvedRedisProps {
  readonly engine: string;
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly clusterMode: boolean;
  readonly shards: number;
  readonly replicasPerShard: number;
  readonly port: number;
  readonly snapshotRetention: Duration;
  readonly snapshotWindow: string;
  readonly maintenanceWindow: string;
  readonly removalPolicy: RemovalPolicy;
  readonly parameters: Readonly<Record<string, string>>;
  readonly availabilityZones: readonly string[];
  /** False when a subnet's zone is an unresolved token (an environment-agnostic stack): zones are then not checked or placed. */
  readonly zonesKnown: boolean;
}

const HHMM = '([01]\\d|2[0-3]):[0-5]\\d';
const DAY = '(mon|tue|wed|thu|fri|sat|sun)';
const SNAPSHOT_WINDOW = new RegExp(`^${HHMM}-${HHMM}$`);
const MAINTENANCE_WINDOW = new RegExp(`^${DAY}:${HHMM}-${DAY}:${HHMM}$`);
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** [start, end) in minutes of the day; end may exceed a day when the window crosses midnight. */
function snapshotRange(window: string): [number, number] {
  const [from, to] = window.split('-');
  const start = minutesOf(from);
  let end = minutesOf(to);
  if (end <= start) end += MINUTES_PER_DAY;
  return [start, end];
}

/** [start, end) in minutes of the week (from Sunday 00:00); end may exceed a week when it wraps. */
function maintenanceRange(window: string): [number, number] {
  const [from, to] = window.split('-');
  const at = (part: string) => DAYS.indexOf(part.slice(0, 3)) * MINUTES_PER_DAY + minutesOf(part.slice(4));
  const start = at(from);
  let end = at(to);
  if (end <= start) end += MINUTES_PER_WEEK;
  return [start, end];
}

function windowsOverlap(snapshotWindow: string, maintenanceWindow: string): boolean {
  const [sStart, sEnd] = snapshotRange(snapshotWindow);
  const [mStart, mEnd] = maintenanceRange(maintenanceWindow);
  // The snapshot window recurs every day: test each daily occurrence, in this week and the wrap into the next.
  for (let day = 0; day <= 7; day++) {
    const start = day * MINUTES_PER_DAY + sStart;
    const end = day * MINUTES_PER_DAY + sEnd;
    for (const shift of [0, MINUTES_PER_WEEK]) {
      if (start < mEnd + shift && mStart + shift < end) return true;
    }
  }
  return false;
}

/** Parameter-group family of an engine version, or undefined when we do not support that line. */
export function parameterGroupFamily(engine: string, version: string): string | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) return undefined;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (engine === 'valkey' && major === 7 && minor === 2) return 'valkey7';
  if (engine === 'valkey' && major === 8) return 'valkey8';
  if (engine === 'redis' && major === 7) return 'redis7';
  return undefined;
}

/**
 * Every rule ResilientRedis props must meet: one error lists each bad field, its value and the fix.
 * Unresolved tokens are skipped.
 */
export const RESILIENT_REDIS_RULES: readonly ValidationRule<ResolvedRedisProps>[] = [
  { field: 'engine', value: (p) => p.engine, check: is.oneOf('valkey', 'redis'), fix: 'use "valkey" or "redis" (Redis OSS)' },
  {
    field: 'engineVersion',
    value: (p) => p.engineVersion,
    check: (v, p) => parameterGroupFamily(p.engine, v) !== undefined,
    fix: 'use "major.minor" of a supported line: Valkey 7.2 or 8.x, Redis OSS 7.x (TLS-required mode and minor-upgrade opt-in need them)',
  },
  { field: 'nodeType', value: (p) => p.nodeType, check: is.matching(/^cache\.[a-z0-9]+\.[a-z0-9]+$/), fix: 'use a cache node type such as "cache.r7g.large"' },
  {
    field: 'shards',
    value: (p) => p.shards,
    check: (v, p) => (p.clusterMode ? is.intBetween(1, 500)(v) : v === 1),
    fix: 'use 1 shard without cluster mode (turn clusterMode on to shard), 1 to 500 with it',
  },
  {
    field: 'replicasPerShard',
    value: (p) => p.replicasPerShard,
    check: is.intBetween(1, 5),
    fix: 'use 1 to 5 replicas per shard: automatic failover and Multi-AZ need at least one',
  },
  {
    field: 'shards',
    value: (p) => p.shards,
    check: (v, p) => !p.clusterMode || v * (p.replicasPerShard + 1) <= 500,
    fix: 'keep shards x (replicasPerShard + 1) at or below 500 nodes per replication group',
  },
  {
    field: 'port',
    value: (p) => p.port,
    check: (v) => is.intBetween(1024, 65535)(v) && v !== 6379,
    fix: 'use a port from 1024 to 65535 other than the default 6379',
  },
  {
    field: 'snapshotRetention',
    value: (p) => p.snapshotRetention.toHours({ integral: false }) / 24,
    check: is.intBetween(1, 35),
    fix: 'keep snapshots 1 to 35 whole days, e.g. Duration.days(7)',
  },
  {
    field: 'snapshotWindow',
    value: (p) => p.snapshotWindow,
    check: is.matching(SNAPSHOT_WINDOW),
    fix: 'use a UTC window "hh:mm-hh:mm", e.g. "03:00-04:00"',
  },
  {
    field: 'snapshotWindow',
    value: (p) => p.snapshotWindow,
    check: (v) => !SNAPSHOT_WINDOW.test(v) || snapshotRange(v)[1] - snapshotRange(v)[0] >= 60,
    fix: 'make the snapshot window at least 60 minutes long',
  },
  {
    field: 'maintenanceWindow',
    value: (p) => p.maintenanceWindow,
    check: is.matching(MAINTENANCE_WINDOW),
    fix: 'use a UTC window "ddd:hh:mm-ddd:hh:mm", e.g. "sun:05:00-sun:06:00"',
  },
  {
    field: 'maintenanceWindow',
    value: (p) => p.maintenanceWindow,
    check: (v) => !MAINTENANCE_WINDOW.test(v) || maintenanceRange(v)[1] - maintenanceRange(v)[0] >= 60,
    fix: 'make the maintenance window at least 60 minutes long',
  },
  {
    field: 'maintenanceWindow',
    value: (p) => p.maintenanceWindow,
    check: (v, p) => !MAINTENANCE_WINDOW.test(v) || !SNAPSHOT_WINDOW.test(p.snapshotWindow) || !windowsOverlap(p.snapshotWindow, v),
    fix: 'move the maintenance window off the daily snapshot window: ElastiCache refuses overlapping windows',
  },
  {
    field: 'removalPolicy',
    value: (p) => p.removalPolicy,
    check: is.oneOf(RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN),
    fix: 'use RemovalPolicy.SNAPSHOT or RemovalPolicy.RETAIN: deleting the replication group with the stack loses the data',
  },
  {
    field: 'parameters',
    value: (p) => Object.keys(p.parameters),
    check: (v: string[]) => !v.includes('cluster-enabled'),
    fix: 'drop "cluster-enabled" from parameters and set clusterMode instead',
  },
  {
    field: 'vpcSubnets',
    value: (p) => p.availabilityZones,
    check: (v: string[]) => new Set(v).size >= 2,
    when: (p) => p.zonesKnown,
    fix: 'select subnets in at least 2 availability zones: Multi-AZ fails over to another zone',
  },
];

/**
 * A Valkey or Redis OSS replication group that survives the loss of a node or an availability zone
 * (aws-cdk-lib has no ElastiCache L2, so this is it): automatic failover and Multi-AZ, replicas spread
 * over the zones, encryption at rest (customer-managed key) and in transit (TLS required), an AUTH token
 * generated into Secrets Manager (the template only holds a dynamic reference), daily snapshots,
 * slow-log and engine-log delivery to CloudWatch Logs, its own subnet group, parameter group and
 * security group, a non-default port, and a SNAPSHOT/RETAIN removal policy.
 *
 * Rotation seam: `authTokenSecret` and `replicationGroupId` are what a `RotationSchedule` needs.
 */
export class ResilientRedis extends Construct implements ec2.IConnectable {
  /** The L1 replication group, for escape hatches. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** Replication group ID (its `Ref`). */
  public readonly replicationGroupId: string;
  /**
   * Address clients write to: the primary endpoint, or with cluster mode the configuration endpoint
   * (a cluster-aware client discovers the shards from it).
   */
  public readonly primaryEndpointAddress: string;
  /** Port of `primaryEndpointAddress` (a string, as CloudFormation returns it). */
  public readonly primaryEndpointPort: string;
  /** Reader endpoint that balances over the replicas; undefined with cluster mode (read from replicas with READONLY). */
  public readonly readerEndpointAddress?: string;
  /** Port of `readerEndpointAddress`; undefined with cluster mode. */
  public readonly readerEndpointPort?: string;
  /** Port the nodes listen on. */
  public readonly port: number;
  /** Secret holding the AUTH token as JSON `{"authToken": "..."}`, encrypted with `encryptionKey`. */
  public readonly authTokenSecret: secretsmanager.ISecret;
  /** Key that encrypts data at rest, the AUTH token secret and the log groups. */
  public readonly encryptionKey: kms.IKey;
  /** Security group of the nodes; it admits only what `allowConnectionsFrom` adds. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly connections: ec2.Connections;
  public readonly subnetGroup: elasticache.CfnSubnetGroup;
  public readonly parameterGroup: elasticache.CfnParameterGroup;
  public readonly slowLogGroup: logs.ILogGroup;
  public readonly engineLogGroup: logs.ILogGroup;
  /** Whether cluster mode (sharding) is on. */
  public readonly clusterMode: boolean;
  /** Rotates the AUTH token on a schedule (function, schedule, failure alarm). */
  public readonly authTokenRotation: RedisAuthRotation;
  /** Denies the AUTH token to every role outside this stack and the stacks admitted with `allowConnectionsFrom`. */
  public readonly authTokenAccess: SecretAccessPolicy;

  constructor(scope: Construct, id: string, props: ResilientRedisProps) {
    super(scope, id);

    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    const zonesKnown = subnets.availabilityZones.every((az) => !Token.isUnresolved(az));
    const engine = props.engine ?? 'valkey';
    const resolved: ResolvedRedisProps = {
      engine,
      engineVersion: props.engineVersion ?? DEFAULT_ENGINE_VERSIONS[engine] ?? '',
      nodeType: props.nodeType ?? 'cache.r7g.large',
      clusterMode: props.clusterMode ?? false,
      shards: props.shards ?? 1,
      replicasPerShard: props.replicasPerShard ?? 2,
      port: props.port ?? 6380,
      snapshotRetention: props.snapshotRetention ?? Duration.days(7),
      snapshotWindow: props.snapshotWindow ?? '03:00-04:00',
      maintenanceWindow: props.maintenanceWindow ?? 'sun:05:00-sun:06:00',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      parameters: props.parameters ?? {},
      availabilityZones: [...new Set(subnets.availabilityZones)],
      zonesKnown,
    };
    assertValid(`ResilientRedis ${this.node.path}`, resolved, RESILIENT_REDIS_RULES);

    this.clusterMode = resolved.clusterMode;
    this.port = resolved.port;
    const description = props.description ?? `Replication group of ${this.node.path}`;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts ${this.node.path}: data at rest, AUTH token, logs`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: this.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.slowLogGroup = logGroup('SlowLog');
    this.engineLogGroup = logGroup('EngineLog');
    // CloudWatch Logs encrypts with the key itself; without this grant the log groups fail to create.
    // (An imported key's policy cannot be changed: its owner must grant the same.)
    allowLogsToUseKey(this.encryptionKey, { stack: Stack.of(this), sid: 'AllowCloudWatchLogsOfThisAccount' });

    this.authTokenSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: `AUTH token of ${this.node.path}`,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: AUTH_TOKEN_SECRET_KEY,
        passwordLength: 64,
        excludeCharacters: AUTH_TOKEN_EXCLUDED_CHARACTERS,
        includeSpace: false,
      },
    });

    this.authTokenAccess = new SecretAccessPolicy(this, 'AuthTokenAccess', { secret: this.authTokenSecret });

    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Subnets of ${this.node.path}`,
      subnetIds: subnets.subnetIds,
    });

    const family = parameterGroupFamily(resolved.engine, resolved.engineVersion)!;
    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'ParameterGroup', {
      cacheParameterGroupFamily: family,
      description: `Parameters of ${this.node.path} (${family}, cluster mode ${resolved.clusterMode ? 'on' : 'off'})`,
      properties: { ...resolved.parameters, 'cluster-enabled': resolved.clusterMode ? 'yes' : 'no' },
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Cache nodes of ${this.node.path}`,
      // The nodes only answer; they never open connections.
      allowAllOutbound: false,
    });
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(resolved.port) });

    const zones = resolved.availabilityZones;
    const placed = resolved.zonesKnown;
    const placement = resolved.clusterMode
      ? {
          numNodeGroups: resolved.shards,
          replicasPerNodeGroup: resolved.replicasPerShard,
          // Each shard's primary in another zone, its replicas in the zones after it.
          nodeGroupConfiguration: placed
            ? Array.from({ length: resolved.shards }, (_, shard) => ({
                nodeGroupId: String(shard + 1).padStart(4, '0'),
                replicaCount: resolved.replicasPerShard,
                primaryAvailabilityZone: zones[shard % zones.length],
                replicaAvailabilityZones: Array.from(
                  { length: resolved.replicasPerShard },
                  (__, r) => zones[(shard + r + 1) % zones.length],
                ),
              }))
            : undefined,
        }
      : {
          numCacheClusters: resolved.replicasPerShard + 1,
          // Primary in the first zone, each replica in the next one round the list.
          preferredCacheClusterAZs: placed
            ? Array.from({ length: resolved.replicasPerShard + 1 }, (_, n) => zones[n % zones.length])
            : undefined,
        };

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: description,
      engine: resolved.engine,
      engineVersion: resolved.engineVersion,
      cacheNodeType: resolved.nodeType,
      clusterMode: resolved.clusterMode ? 'enabled' : 'disabled',
      ...placement,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      cacheSubnetGroupName: this.subnetGroup.ref,
      cacheParameterGroupName: this.parameterGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      port: resolved.port,
      atRestEncryptionEnabled: true,
      kmsKeyId: this.encryptionKey.keyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      // A dynamic reference: CloudFormation resolves it at deploy time, the token never enters the template.
      authToken: this.authTokenSecret.secretValueFromJson(AUTH_TOKEN_SECRET_KEY).unsafeUnwrap(),
      snapshotRetentionLimit: resolved.snapshotRetention.toDays(),
      snapshotWindow: resolved.snapshotWindow,
      preferredMaintenanceWindow: resolved.maintenanceWindow,
      autoMinorVersionUpgrade: true,
      notificationTopicArn: props.notificationTopic?.topicArn,
      logDeliveryConfigurations: [
        this.logDelivery('slow-log', this.slowLogGroup),
        this.logDelivery('engine-log', this.engineLogGroup),
      ],
    });
    // CloudFormation's default for a bare replication group is Delete, which loses the data.
    this.replicationGroup.applyRemovalPolicy(resolved.removalPolicy);
    if (resolved.clusterMode) {
      // Add or remove shards in place instead of replacing the replication group.
      this.replicationGroup.cfnOptions.updatePolicy = { useOnlineResharding: true };
    }
    this.replicationGroup.node.addDependency(this.slowLogGroup, this.engineLogGroup);

    this.replicationGroupId = this.replicationGroup.ref;

    this.authTokenRotation = new RedisAuthRotation(this, 'AuthTokenRotation', {
      secret: this.authTokenSecret,
      replicationGroup: this.replicationGroup,
      vpc: props.vpc,
      vpcSubnets: props.rotationSubnets,
      encryptionKey: this.encryptionKey,
      rotationInterval: props.authTokenRotation,
      tokenField: AUTH_TOKEN_SECRET_KEY,
      alarmTopic: props.rotationAlarmTopic,
      logRetention: props.logRetention,
    });
    // The rotation function tests the new token against the primary endpoint.
    this.allowConnectionsFrom(this.authTokenRotation.securityGroup, `AUTH token rotation of ${this.node.path}`);
    if (resolved.clusterMode) {
      this.primaryEndpointAddress = this.replicationGroup.attrConfigurationEndPointAddress;
      this.primaryEndpointPort = this.replicationGroup.attrConfigurationEndPointPort;
    } else {
      this.primaryEndpointAddress = this.replicationGroup.attrPrimaryEndPointAddress;
      this.primaryEndpointPort = this.replicationGroup.attrPrimaryEndPointPort;
      this.readerEndpointAddress = this.replicationGroup.attrReaderEndPointAddress;
      this.readerEndpointPort = this.replicationGroup.attrReaderEndPointPort;
    }
  }

  /**
   * Admits `peer` to the cache port. The ingress rule is created in the peer's stack when that differs
   * from this one, so a compute stack that depends on the data stack does not make the data stack
   * depend on it (no cyclic reference). A peer without all-outbound egress also gets the egress rule.
   */
  public allowConnectionsFrom(peer: ec2.ISecurityGroup, description?: string): ec2.CfnSecurityGroupIngress {
    // Whoever may connect needs the AUTH token: let the peer stack's roles past the secret's deny.
    this.authTokenAccess.allowStack(Stack.of(peer));
    const port = ec2.Port.tcp(this.port);
    const text = description ?? `to ${this.node.path} from ${peer.node.path}`;
    const sameStack = Stack.of(peer) === Stack.of(this);
    const scope: Construct = sameStack ? this : peer;
    const id = sameStack
      ? `IngressFrom${Names.nodeUniqueId(peer.node)}`
      : `CacheIngressTo${Names.nodeUniqueId(this.node)}`;
    const existing = scope.node.tryFindChild(id) as ec2.CfnSecurityGroupIngress | undefined;
    if (existing) return existing;
    if (!peer.allowAllOutbound) {
      // Rule scoped to the peer (not remote), so it lands in the peer's stack.
      peer.addEgressRule(this.securityGroup, port, text);
    }
    return new ec2.CfnSecurityGroupIngress(scope, id, {
      groupId: this.securityGroup.securityGroupId,
      sourceSecurityGroupId: peer.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: this.port,
      toPort: this.port,
      description: text,
    });
  }

  /** Lets `grantee` read the AUTH token (secret read and key decrypt). */
  public grantReadAuthToken(grantee: iam.IGrantable): iam.Grant {
    if (Construct.isConstruct(grantee)) this.authTokenAccess.allowStack(Stack.of(grantee));
    return this.authTokenSecret.grantRead(grantee);
  }

  private logDelivery(logType: 'slow-log' | 'engine-log', group: logs.ILogGroup): elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty {
    return {
      logType,
      logFormat: 'json',
      destinationType: 'cloudwatch-logs',
      destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
    };
  }
}
