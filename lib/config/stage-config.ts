/**
 * The typed configuration of one deployment stage.
 *
 * One constant per stage lives in `stages.ts`; `validateStageConfig` checks it before any
 * construct is built, so a bad value fails fast with every problem listed at once.
 */

import type { CacheAlarmThresholds } from '../constructs/observability/cache-alarms';
import type { DatabaseAlarmThresholds } from '../constructs/observability/database-alarms';
import type { ServiceAlarmThresholds } from '../constructs/observability/service-alarms';
import type { GuardDutyFeatureName } from '../constructs/security/threat-detection';
import { INCIDENT_LEVELS, IncidentLevel } from '../constructs/incident/incident-response';
import type { StageName } from '../constructs/shared/stage-name';

// The constructs own these types; the config names them for its thresholds, features, levels and stages.
export type { CacheAlarmThresholds, DatabaseAlarmThresholds, GuardDutyFeatureName, IncidentLevel, ServiceAlarmThresholds, StageName };
export { INCIDENT_LEVELS };

export const STAGE_NAMES: readonly StageName[] = ['dev', 'staging', 'prod'];

/** Where the web service and the queue worker run: ECS Fargate (the default) or EKS (Auto Mode). */
export type ComputePlatform = 'fargate' | 'eks';

export const COMPUTE_PLATFORMS: readonly ComputePlatform[] = ['fargate', 'eks'];

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

/** Service level objectives of the public endpoint. */
export interface SloConfig {
  /** Availability target in percent (non-5xx responses / all requests), e.g. 99.9. */
  readonly availabilityPercent: number;
  /** Latency threshold in milliseconds that `latencyPercent` of requests must meet. */
  readonly latencyThresholdMs: number;
  /** Percentage of requests that must be faster than `latencyThresholdMs` (99 means a p99 target). */
  readonly latencyPercent: number;
}

/** The synthetic check of the public health endpoint. */
export interface CanaryConfig {
  /** Public base URL (`https://...`) the canary calls; without it, the load balancer's DNS name. */
  readonly baseUrl?: string;
  /** Path of the deep health endpoint, e.g. `/health`. */
  readonly healthPath: string;
  /** Minutes between canary runs (1 to 60). */
  readonly intervalMinutes: number;
}

/** On-call routing, alarm thresholds, SLOs and the synthetic check of a stage. */
export interface ObservabilityConfig {
  /** Addresses subscribed to the critical (paging) topic. */
  readonly criticalEmails: readonly string[];
  /** Addresses subscribed to the warning (ticket) topic. */
  readonly warningEmails: readonly string[];
  /** Pager integration URL (PagerDuty/Opsgenie CloudWatch integration), subscribed to the critical topic. Prefer `pagerUrlSecretName`. */
  readonly pagerUrl?: string;
  /** Name of a Secrets Manager secret holding the pager integration URL; the template only carries a dynamic reference. */
  readonly pagerUrlSecretName?: string;
  /** JSON field of that secret holding the URL (omit when the secret string is the URL itself). */
  readonly pagerUrlSecretField?: string;
  readonly slo: SloConfig;
  readonly canary: CanaryConfig;
  readonly database: DatabaseAlarmThresholds;
  readonly cache: CacheAlarmThresholds;
  readonly service: ServiceAlarmThresholds;
}

/**
 * Who runs the account-and-region security services (GuardDuty detector, Security Hub, IAM Access
 * Analyzers). Each exists at most once per account and region: a second stage in the same account and
 * region, or an organization that already enabled them, makes a second copy fail at deploy time.
 * - `create`: the stage's Security stack creates them (standalone accounts; one stage per account and region).
 * - `provided`: the organization or landing zone (AWS Control Tower, a delegated administrator) runs
 *   them in this account and region; the stage creates none and names who provides them and where the
 *   evidence is. The audit-trail and security-monitoring controls are then `conditional`: provided by the
 *   organization, to be proven live.
 */
export type SecurityBaselineConfig =
  | { readonly mode: 'create' }
  | {
      readonly mode: 'provided';
      /** Who runs the baseline in this account and region, e.g. `AWS Control Tower (security account 999999999999)`. */
      readonly providedBy: string;
      /** Where a reviewer finds the evidence (https URL: the landing zone's controls page, the delegated-admin console). */
      readonly evidenceUrl: string;
    };

export interface SecurityConfig {
  /** Create the account-and-region security services in this stage, or declare them provided by the organization. */
  readonly baseline: SecurityBaselineConfig;
  /** Days audit log files are locked (S3 Object Lock) and kept; the audit trail's retention. */
  readonly auditRetentionDays: number;
  /** Days after which audit log files move to archive storage (Glacier Flexible Retrieval). */
  readonly auditArchiveAfterDays: number;
  /** Object Lock mode of the audit bucket: COMPLIANCE cannot be shortened by anyone, GOVERNANCE by privileged users. */
  readonly auditLockMode: 'COMPLIANCE' | 'GOVERNANCE';
  /** Days the trail's CloudWatch Logs copy is kept (a CloudWatch Logs retention period). */
  readonly auditLogGroupRetentionDays: number;
  /** Names of S3 buckets that hold customer data: the trail records their object-level (data) events. */
  readonly customerDataBuckets: readonly string[];
  /** GuardDuty protections to enable. */
  readonly guardDutyFeatures: readonly GuardDutyFeatureName[];
  /** Days between automatic rotations of the Redis AUTH token (the cache's `authTokenRotation`); prod keeps 30 or less. */
  readonly secretRotationDays: number;
  /** Days without use after which IAM Access Analyzer reports access as unused. */
  readonly unusedAccessAgeDays: number;
  /**
   * Whether data at rest encrypted with an AWS-managed or AWS-owned key instead of a customer-managed key
   * fails synth (`required`) or warns (`preferred`) (Readiness-ENCRYPTION-KEY). Unencrypted data always fails.
   * @default - `required` in prod for data stores, `preferred` otherwise
   */
  readonly customerManagedKeys?: 'required' | 'preferred';
}

export interface WafConfig {
  /** Requests one client IP may send in any 5-minute window before WAF blocks it (10 or more). */
  readonly rateLimitPer5Min: number;
  /** Path prefixes that get a stricter per-IP limit, e.g. `/login`, `/checkout`. */
  readonly sensitivePaths: readonly string[];
  /** Requests per client IP per 5 minutes on the sensitive paths; below `rateLimitPer5Min`. */
  readonly sensitivePathRateLimitPer5Min: number;
  /** Also block anonymizing sources (VPNs, Tor exits, hosting providers). */
  readonly blockAnonymousIps: boolean;
}

export interface CapacityConfig {
  /** Concurrent users the stage must carry (gap analysis 3.1: 10,000). */
  readonly targetConcurrentUsers: number;
  /** Concurrent users one task sustains, measured by load test. */
  readonly concurrencyPerTask: number;
}

export interface WorkerConfig {
  /** Container image of the queue worker: an ECR repository URI or a public image, with a tag or digest. */
  readonly image: string;
  /** Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). */
  readonly cpu: number;
  /** Task memory in MiB, valid for the CPU size. */
  readonly memoryMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Receives before a message moves to the dead-letter queue (1-10). */
  readonly maxReceiveCount: number;
  /** Seconds a received message stays hidden while a worker processes it. */
  readonly visibilityTimeoutSeconds: number;
  /** Age (seconds) of the oldest message at which the worker scales out. */
  readonly maxMessageAgeSeconds: number;
}

export interface ServiceConfig {
  /** Container image of the web service: an ECR repository URI or a public image, with a tag or digest. */
  readonly image: string;
  /** ACM certificate of the HTTPS listener, in the primary region. */
  readonly certificateArn: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Tasks at first deploy; autoscaling owns the count afterwards. */
  readonly desiredTasks: number;
  /** Lower bound of autoscaling (at least 2; prod at least one per AZ). */
  readonly minTasks: number;
  /** Upper bound of autoscaling. */
  readonly maxTasks: number;
  /** Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). */
  readonly cpu: number;
  /** Task memory in MiB, valid for the CPU size. */
  readonly memoryMiB: number;
  /** Path the load balancer and the container health check call, e.g. `/health`. */
  readonly healthCheckPath: string;
  /** Sticky sessions on the target group, for WebSocket clients (gap 3.4). */
  readonly stickySessions: boolean;
  /** Average CPU (%) that autoscaling holds. */
  readonly cpuTargetPercent: number;
  /** Average memory (%) that autoscaling holds. */
  readonly memoryTargetPercent: number;
  /** ALB requests per target per minute that autoscaling holds. */
  readonly requestsPerTarget: number;
  /** Days container logs are kept. */
  readonly logRetentionDays: number;
  readonly waf: WafConfig;
  readonly capacity: CapacityConfig;
  readonly worker: WorkerConfig;
}

export interface EdgeConfig {
  /** Put a CloudFront distribution (with its own WAF in us-east-1) in front of the load balancer. */
  readonly cdn: boolean;
  /** DNS name of the load balancer that CloudFront connects to; the service certificate must cover it. */
  readonly originDomainName: string;
  /** Viewer domain names of the distribution (none: the `*.cloudfront.net` name). */
  readonly domainNames: readonly string[];
  /** ACM certificate for `domainNames`, in us-east-1 (required when domainNames is set). */
  readonly certificateArn?: string;
  /** Path patterns served from cache, e.g. `/static/*`. */
  readonly staticPathPatterns: readonly string[];
  /**
   * While the origin secret rotates: the load balancer also accepts the previous value (`AWSPREVIOUS`),
   * so that requests CloudFront sends with the old header keep working until the Edge stack has the new
   * one. Set it for the rotation deploy only (README, "Origin header").
   * @default false
   */
  readonly acceptPreviousOriginSecret?: boolean;
}

/** A failure the stage must survive: one instance, one availability zone, or the whole region. */
export type FailureScope = 'instance' | 'az' | 'region';

export const FAILURE_SCOPES: readonly FailureScope[] = ['instance', 'az', 'region'];

/** Recovery objectives for one failure scope. */
export interface RecoveryObjective {
  /** Most data (minutes of writes) that may be lost. */
  readonly rpoMinutes: number;
  /** Longest time (minutes) until the data tier serves again. */
  readonly rtoMinutes: number;
}

/**
 * A scaled-down EKS cluster in the DR region that runs the workloads at minimal replicas (warm standby),
 * so that a regional failover scales it up instead of creating a cluster. Used only when `compute` is `eks`.
 */
export interface StandbyClusterConfig {
  /** Build the standby cluster (with `compute: 'eks'`). */
  readonly enabled: boolean;
  /** Replicas of each workload while on standby (2 or more: the standby survives a pod or zone loss too). */
  readonly minReplicas: number;
}

export interface DrConfig {
  /** `backup-copy`: restore copied backups in the DR region; `global-database`: an Aurora Global Database secondary there. */
  readonly mode: 'backup-copy' | 'global-database';
  /** Targets per failure scope; synth fails in prod when an estimate misses one. */
  readonly targets: Readonly<Record<FailureScope, RecoveryObjective>>;
  /** Days snapshot recovery points stay in the primary vault. */
  readonly backupRetentionDays: number;
  /** Days of continuous backup (point-in-time restore window, 1-35). */
  readonly pitrRetentionDays: number;
  /** Hours between snapshot backups that are copied to the DR region (divides 24); it is the regional RPO with `backup-copy`. */
  readonly copyFrequencyHours: number;
  /** Days copies stay in the DR vault. */
  readonly copyRetentionDays: number;
  /** Lock both vaults (compliance mode after a 3-day grace period) so recovery points cannot be deleted early. */
  readonly vaultLock: boolean;
  /** When AWS Backup restores the Aurora cluster to prove the backups work, `cron(...)` in UTC. */
  readonly restoreTestSchedule: string;
  /** Hours the restored cluster is kept for validation before AWS Backup deletes it (1-168). */
  readonly restoreValidationHours: number;
  /** Size of the database in GiB, for the restore-time estimate. */
  readonly dataSizeGiB: number;
  /** Measured minutes to deploy the stateless stacks in the DR region (from the last regional drill). */
  readonly redeployMinutes: number;
  /** Availability zones of the DR region (used by the global-database secondary), explicit so synth needs no lookup. */
  readonly drAvailabilityZones: readonly string[];
  /** Monthly cost budget of the stage in USD. */
  readonly monthlyBudgetUsd: number;
  /** Who receives budget and cost-anomaly alerts besides the warning topic. */
  readonly costAlertEmails: readonly string[];
  /** Cost anomalies with a total impact of at least this many USD are reported. */
  readonly anomalyThresholdUsd: number;
  /** Percent of the service's tasks the task-stop drill stops (1-100). */
  readonly drillTaskStopPercent: number;
  /**
   * Warm-standby EKS cluster in the DR region (only with `compute: 'eks'`).
   * @default - none: a regional failover creates the cluster with the stateless stacks
   */
  readonly standbyCluster?: StandbyClusterConfig;
}

/** A person Incident Manager can engage. */
export interface IncidentContactConfig {
  /** Unique alias in the account (1-255 of `a-z 0-9 _ -`), e.g. `jdoe`. */
  readonly alias: string;
  /** Name shown in Incident Manager. */
  readonly displayName: string;
  /** Email address Incident Manager pages (activated by the person after the first deploy). */
  readonly email: string;
}

/** One incident level: its response plan. */
export interface IncidentLevelConfig {
  /** Incident Manager impact, 1 (critical) to 5 (no impact). */
  readonly impact: number;
  /** What the level means (the incident summary), e.g. "Customer-facing outage". */
  readonly summary: string;
  /** Runbook for responders (https URL), linked from the incident summary. */
  readonly runbookUrl: string;
  /** Who is engaged when the incident starts: the escalation plan (primary, secondary, commander) or the commander alone. */
  readonly engage: 'escalation' | 'commander';
}

/**
 * Incident response. `incident-manager`: AWS Systems Manager Incident Manager holds contacts, the
 * on-call rotations, the escalation plan and a response plan per level; critical alarms, tier
 * roll-ups and security findings start incidents (paging stays as well). `pagerduty`/`opsgenie`:
 * the organization's tool; the pager path on the critical topic stays the route.
 */
export interface IncidentConfig {
  readonly tool: 'incident-manager' | 'pagerduty' | 'opsgenie';
  /**
   * The Incident Manager replication set exists once per account: `create` it in this stage, or
   * `provided` (another stage or the organization created it in this account).
   */
  readonly replicationSet: 'create' | 'provided';
  /** People Incident Manager can engage. */
  readonly contacts: readonly IncidentContactConfig[];
  /** Aliases of the primary on-call rotation (one on call at a time, in order). */
  readonly primaryRotation: readonly string[];
  /** Aliases of the secondary on-call rotation. */
  readonly secondaryRotation: readonly string[];
  /** Alias of the incident commander (engaged last by the escalation plan, first for a security incident). */
  readonly commander: string;
  /** Minutes the escalation plan waits for the primary, then for the secondary, before the next stage. */
  readonly escalation: { readonly primaryMinutes: number; readonly secondaryMinutes: number };
  /** Rotation schedule: first hand-off (`YYYY-MM-DDThh:mm:ss`), daily hand-off time `hh:mm`, IANA time zone, days per shift. */
  readonly rotation: { readonly startTime: string; readonly handOffTime: string; readonly timeZoneId: string; readonly shiftDays: number };
  /** The response plan of each level. */
  readonly levels: Readonly<Record<IncidentLevel, IncidentLevelConfig>>;
  /** Which level critical alarms, tier roll-ups and security findings start. */
  readonly routing: { readonly criticalAlarms: IncidentLevel; readonly tierRollUps: IncidentLevel; readonly securityFindings: IncidentLevel };
  /**
   * SNS topic ARN of an AWS Chatbot channel that incidents post to.
   * @default - no chat channel
   */
  readonly chatTopicArn?: string;
}

/** Customer rollout with AWS AppConfig feature flags. */
export interface RolloutConfig {
  /** `linear`: the same share every step; `canary`: `growthPercent` first, then the rest after the bake. */
  readonly strategy: 'linear' | 'canary';
  /** Minutes the deployment takes to reach every client (0-1440). */
  readonly deploymentMinutes: number;
  /** Percent of clients added per step (linear) or in the canary (1-100). */
  readonly growthPercent: number;
  /** Minutes AppConfig keeps watching the alarm monitors after 100% before it completes (0-1440). */
  readonly bakeMinutes: number;
  /** Launch flags and their initial state, e.g. `{ newCheckout: false }`. */
  readonly flags: Readonly<Record<string, boolean>>;
}

/** A person's declaration that an attested readiness control is in place (legal pages, support team, audits). */
export interface AttestationConfig {
  /** Who answers for the evidence, e.g. `Operations / Legal`. */
  readonly owner: string;
  /** Where a reviewer finds the evidence (https URL). */
  readonly evidenceUrl: string;
  /** When it was attested, `YYYY-MM-DD`. */
  readonly date: string;
  /** `ready`, or `conditional` while something is still outstanding. */
  readonly status: 'ready' | 'conditional';
  /** What is outstanding (required when conditional). */
  readonly reason?: string;
}

/** A Critical control declared not applicable to this stage (the launch gate accepts it only with a declaration). */
export interface NotApplicableDeclaration {
  /** Who answers for the declaration. */
  readonly owner: string;
  /** Why the control does not apply (at least 20 characters), e.g. "the product stores no card data". */
  readonly reason: string;
}

/** Limits on attestations and waivers in this stage. */
export interface ReadinessPolicyConfig {
  /**
   * Days an attestation holds; an older one makes its control missing.
   * @default 180
   */
  readonly attestationMaxAgeDays?: number;
  /**
   * Per-control maximum age of attestations in days (1 to 365), e.g. `{ INSURANCE: 365 }`.
   * @default - attestationMaxAgeDays
   */
  readonly attestationMaxAgeDaysByControl?: Readonly<Record<string, number>>;
  /**
   * How far ahead a waiver may expire, in days (prod at most 90, other stages at most 180).
   * @default - 90 in prod, 180 elsewhere
   */
  readonly waiverHorizonDays?: number;
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
  /** On-call routing, alarm thresholds, SLOs and the synthetic check. */
  readonly observability: ObservabilityConfig;
  /** Audit trail, threat detection, access review and secret rotation. */
  readonly security: SecurityConfig;
  /** The web service, its firewall, the queue worker and the capacity plan. */
  readonly service: ServiceConfig;
  /**
   * Compute platform of the web service and the worker (`-c compute=eks` sets it for one synth).
   * @default 'fargate'
   */
  readonly compute?: ComputePlatform;
  /** The optional CDN in front of the service. */
  readonly edge: EdgeConfig;
  /** Backups, DR region, recovery objectives, failover drills and the cost guard. */
  readonly dr: DrConfig;
  /**
   * Incident response (Incident Manager, or the organization's pager tool).
   * @default - no incident response stack: critical alarms page through the critical topic only
   */
  readonly incident?: IncidentConfig;
  /**
   * Customer rollout with AppConfig feature flags, guarded by the service's critical alarms.
   * @default - no rollout stack
   */
  readonly rollout?: RolloutConfig;
  /** Evidence for attested readiness controls, by control ID (`LEGAL-PAGES`, `BILLING-VALIDATION`, ...). */
  readonly attestations: Readonly<Record<string, AttestationConfig>>;
  /** Tags put on every resource of the stage (cost allocation, ownership). */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Critical controls that do not apply to this stage, by control ID, with owner and reason. Without a
   * declaration, a Critical control with nothing to check blocks the launch gate.
   * @default - none declared
   */
  readonly notApplicable?: Readonly<Record<string, NotApplicableDeclaration>>;
  /**
   * Maximum ages of attestations and the waiver horizon.
   * @default - attestations hold 180 days; waivers expire within 90 days in prod, 180 elsewhere
   */
  readonly readiness?: ReadinessPolicyConfig;
}

/** The construct ID of a stage: `Dev`, `Staging`, `Prod`. Construct IDs are API: never change them. */
export function stageConstructId(stage: StageName): string {
  return stage.charAt(0).toUpperCase() + stage.slice(1);
}
