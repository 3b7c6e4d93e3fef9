/**
 * The typed configuration of one deployment stage.
 *
 * One constant per stage lives in `stages.ts`; `validateStageConfig` checks it before any
 * construct is built, so a bad value fails fast with every problem listed at once.
 */

export type StageName = 'dev' | 'staging' | 'prod';

export const STAGE_NAMES: readonly StageName[] = ['dev', 'staging', 'prod'];

export interface NetworkConfig {
  /** IPv4 CIDR of the VPC, e.g. `10.10.0.0/16`. */
  readonly cidr: string;
  /** NAT gateways for egress from private subnets (prod: one per AZ). */
  readonly natGateways: number;
  /** Days VPC flow logs are kept in CloudWatch Logs. */
  readonly flowLogRetentionDays: number;
}

export interface DatabaseConfig {
  /** Aurora instance type without the `db.` prefix, e.g. `r6g.large`. */
  readonly instanceType: string;
  /** Readers created at deploy time (each in another AZ than the writer where possible). */
  readonly readers: number;
  /** Lower bound of reader autoscaling. */
  readonly minReaders: number;
  /** Upper bound of reader autoscaling. */
  readonly maxReaders: number;
  /** Average reader CPU (%) that reader autoscaling holds. */
  readonly readerCpuTargetPercent: number;
  /** Automated backup retention in days (1-35); it is also the point-in-time recovery window. */
  readonly backupRetentionDays: number;
  /** Database port; a non-default port keeps casual scanners off. */
  readonly port: number;
  /** Queries slower than this many milliseconds are logged. */
  readonly slowQueryMs: number;
  /** Days between automatic rotations of the master credentials (at most 30). */
  readonly credentialRotationDays: number;
  /** Days exported Postgres logs are kept. */
  readonly logRetentionDays: number;
  /** Seconds between enhanced-monitoring samples (1, 5, 10, 15, 30 or 60). */
  readonly monitoringIntervalSeconds: number;
}

export interface CacheConfig {
  /** `valkey` or `redis` (Redis OSS). */
  readonly engine: 'valkey' | 'redis';
  /** Cache node type, e.g. `cache.r7g.large`. */
  readonly nodeType: string;
  /** Cluster mode (sharding). With it off there is exactly one shard. */
  readonly clusterMode: boolean;
  /** Shards (node groups); must be 1 without cluster mode. */
  readonly shards: number;
  /** Replicas per shard (at least 1 for automatic failover, at most 5). */
  readonly replicasPerShard: number;
  /** Days automatic snapshots are kept (1-35). */
  readonly snapshotRetentionDays: number;
  /** Daily snapshot window in UTC, `hh:mm-hh:mm`. */
  readonly snapshotWindow: string;
  /** Weekly maintenance window in UTC, `ddd:hh:mm-ddd:hh:mm`. */
  readonly maintenanceWindow: string;
  /** Port; a non-default port keeps casual scanners off. */
  readonly port: number;
  /** Days slow-log and engine-log entries are kept. */
  readonly logRetentionDays: number;
}

export interface StageConfig {
  /** The stage name: `dev`, `staging` or `prod`. */
  readonly stage: StageName;
  /** 12-digit AWS account the stage deploys to. */
  readonly account: string;
  /** Primary region. */
  readonly region: string;
  /** Region that receives backup copies and the DR stack. */
  readonly drRegion: string;
  /** Availability zones of the primary region, explicit so that synth needs no lookup. */
  readonly availabilityZones: readonly string[];
  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
  /** Tags put on every resource of the stage (cost allocation, ownership). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The construct ID of a stage: `Dev`, `Staging`, `Prod`. Construct IDs are API: never change them. */
export function stageConstructId(stage: StageName): string {
  return stage.charAt(0).toUpperCase() + stage.slice(1);
}
