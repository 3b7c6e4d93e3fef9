import { INCIDENT_ROLLOUT_RULES } from './validate-incident-rollout';
import {
  ATTESTATION_MAX_AGE_CEILING_DAYS,
  attestationProblems,
  evidenceUrlProblems,
  WAIVER_HORIZON_DAYS,
} from './readiness-policy';
import { AttestationConfig, FAILURE_SCOPES, StageConfig, COMPUTE_PLATFORMS, STAGE_NAMES } from './stage-config';
import { adaptRules, collectProblems, is, ValidationError, ValidationRule } from '../validation/rule-table';
import { ResolvedSettings as ResilientPostgresSettings, RESILIENT_POSTGRES_RULES } from '../constructs/database/resilient-postgres';
import { isFargateSize } from '../constructs/service/task-helpers';

/** The Fargate size table belongs to the task construct; config validation reads the same table. */
export { isFargateSize };

/** A zone of `region`: the region code and one letter (`eu-west-1a`). */
const isZoneOf = (az: unknown, region: string) => typeof az === 'string' && az.length === region.length + 1 && az.startsWith(region) && /[a-z]$/.test(az);

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const isProd = (c: StageConfig) => c.stage === 'prod';

/** ResilientPostgres fields (its validation table) and the stage config fields that feed them (lib/stacks/data-stack.ts). */
const DATABASE_FIELDS: Readonly<Record<string, string>> = {
  readers: 'database.readers',
  minReaders: 'database.minReaders',
  maxReaders: 'database.maxReaders',
  readerCpuTargetPercent: 'database.readerCpuTargetPercent',
  backupRetention: 'database.backupRetentionDays',
  credentialRotation: 'database.credentialRotationDays',
  port: 'database.port',
  slowQueryThreshold: 'database.slowQueryMs',
  monitoringInterval: 'database.monitoringIntervalSeconds',
};

function databaseSettingsOf(c: StageConfig): ResilientPostgresSettings {
  const db = c.database;
  return {
    readers: db.readers,
    minReaders: db.minReaders,
    maxReaders: db.maxReaders,
    readerCpuTargetPercent: db.readerCpuTargetPercent,
    backupRetentionDays: db.backupRetentionDays,
    credentialRotationDays: db.credentialRotationDays,
    port: db.port,
    slowQueryMs: db.slowQueryMs,
    monitoringIntervalSeconds: db.monitoringIntervalSeconds,
    logRetentionDays: db.logRetentionDays,
    masterUsername: 'dbadmin',
    appUser: 'app_user',
    appSchema: 'app',
    availabilityZones: c.availabilityZones,
  };
}

const DR_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const minutes = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** Backups, DR region, recovery objectives, drills and the cost guard (`dr.*`). */
const DR_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'dr.mode', value: (c) => c.dr.mode, check: is.oneOf('backup-copy', 'global-database'), fix: 'use "backup-copy" or "global-database"' },
  ...FAILURE_SCOPES.flatMap((scope): ValidationRule<StageConfig>[] => [
    { field: `dr.targets.${scope}.rpoMinutes`, value: (c) => c.dr.targets?.[scope]?.rpoMinutes, check: minutes, fix: 'use a number of minutes, 0 or more (0: no data loss)' },
    { field: `dr.targets.${scope}.rtoMinutes`, value: (c) => c.dr.targets?.[scope]?.rtoMinutes, check: (v) => minutes(v) && v > 0, fix: 'use a positive number of minutes' },
  ]),
  { field: 'dr.backupRetentionDays', value: (c) => c.dr.backupRetentionDays, check: is.intBetween(1, 36500), fix: 'keep recovery points 1 to 36500 days' },
  { field: 'dr.backupRetentionDays', value: (c) => c.dr.backupRetentionDays, check: (v) => v >= 7, when: (c) => c.stage !== 'dev', fix: 'staging and prod keep recovery points at least 7 days' },
  { field: 'dr.pitrRetentionDays', value: (c) => c.dr.pitrRetentionDays, check: is.intBetween(1, 35), fix: 'keep continuous backups 1 to 35 days (the AWS Backup limit)' },
  { field: 'dr.copyFrequencyHours', value: (c) => c.dr.copyFrequencyHours, check: is.oneOf(1, 2, 3, 4, 6, 8, 12, 24), fix: 'use 1, 2, 3, 4, 6, 8, 12 or 24 hours (a divisor of a day, so the cron schedule is regular)' },
  { field: 'dr.copyRetentionDays', value: (c) => c.dr.copyRetentionDays, check: is.intBetween(1, 36500), fix: 'keep copies 1 to 36500 days' },
  { field: 'dr.copyRetentionDays', value: (c) => c.dr.copyRetentionDays, check: (v) => v >= 7, when: (c) => c.stage !== 'dev', fix: 'staging and prod keep DR copies at least 7 days' },
  { field: 'dr.vaultLock', value: (c) => c.dr.vaultLock, check: (v) => v === true, when: isProd, fix: 'prod locks its vaults so that recovery points survive a compromised account' },
  { field: 'dr.restoreTestSchedule', value: (c) => c.dr.restoreTestSchedule, check: is.matching(/^cron\(\S+( \S+){5}\)$/), fix: 'use a six-field AWS cron expression in UTC, e.g. "cron(0 5 ? * SAT *)"' },
  { field: 'dr.restoreValidationHours', value: (c) => c.dr.restoreValidationHours, check: is.intBetween(1, 168), fix: 'keep the restored cluster 1 to 168 hours for validation' },
  { field: 'dr.dataSizeGiB', value: (c) => c.dr.dataSizeGiB, check: (v) => minutes(v) && v > 0 && v <= 131072, fix: 'use the database size in GiB, above 0 and at most 131072 (128 TiB, the Aurora limit)' },
  { field: 'dr.redeployMinutes', value: (c) => c.dr.redeployMinutes, check: is.intBetween(1, 1440), fix: 'use the measured minutes (1 to 1440) to deploy the stateless stacks in the DR region' },
  { field: 'dr.standbyCluster.enabled', value: (c) => c.dr.standbyCluster?.enabled, check: (v) => typeof v === 'boolean', when: (c) => c.dr.standbyCluster !== undefined, fix: 'use true or false, or leave dr.standbyCluster unset' },
  {
    field: 'dr.standbyCluster.minReplicas',
    value: (c) => c.dr.standbyCluster?.minReplicas,
    check: (v, c) => Number.isInteger(v) && v >= 2 && v < c.service.maxTasks,
    when: (c) => c.dr.standbyCluster !== undefined,
    fix: 'use 2 or more (one pod or zone can fail on standby too) and less than service.maxTasks',
  },
  {
    field: 'dr.drAvailabilityZones',
    value: (c) => c.dr.drAvailabilityZones,
    check: (v: string[], c) => Array.isArray(v) && v.length >= 2 && new Set(v).size === v.length && v.every((az) => isZoneOf(az, c.drRegion)),
    fix: 'list at least 2 zones of the DR region, each once, e.g. ["eu-central-1a", "eu-central-1b"]',
  },
  { field: 'dr.monthlyBudgetUsd', value: (c) => c.dr.monthlyBudgetUsd, check: (v) => minutes(v) && v > 0, fix: 'use a positive monthly budget in USD' },
  {
    field: 'dr.costAlertEmails',
    value: (c) => c.dr.costAlertEmails,
    check: (v: string[]) => Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((e) => DR_EMAIL.test(e)),
    fix: 'list 1 to 10 email addresses (the AWS Budgets limit per notification)',
  },
  { field: 'dr.anomalyThresholdUsd', value: (c) => c.dr.anomalyThresholdUsd, check: (v) => minutes(v) && v > 0, fix: 'use a positive amount in USD' },
  { field: 'dr.drillTaskStopPercent', value: (c) => c.dr.drillTaskStopPercent, check: is.intBetween(1, 100), fix: 'stop 1 to 100 percent of the tasks' },
  { field: 'dr.drillTaskStopPercent', value: (c) => c.dr.drillTaskStopPercent, check: (v) => v <= 50, when: isProd, fix: 'prod drills stop at most half of the tasks, so the rest can carry the load' },
  {
    field: 'tags',
    value: (c) => c.tags,
    check: (v: Record<string, string>) => !!v && ['stage', 'service', 'owner'].every((k) => typeof v[k] === 'string' && v[k].length > 0),
    fix: 'tag every resource with the cost allocation tags stage, service and owner: the budget and anomaly monitor filter on stage',
  },
];
const GUARDDUTY_FEATURES: readonly string[] = ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING', 'EBS_MALWARE_PROTECTION', 'LAMBDA_NETWORK_LOGS', 'EKS_AUDIT_LOGS'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const pct = (v: unknown) => typeof v === 'number' && v > 0 && v <= 100;
const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const obsThreshold = (field: string, read: (c: StageConfig) => unknown, check: (v: unknown) => boolean, fix: string): ValidationRule<StageConfig> => ({
  field: `observability.${field}`,
  value: read,
  check,
  fix,
});

/** On-call routing, SLOs, canary and alarm thresholds (issue 5). */
const OBSERVABILITY_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'observability.criticalEmails', value: (c) => c.observability.criticalEmails, check: (v: string[]) => Array.isArray(v) && v.every((e) => EMAIL.test(e)), fix: 'list e-mail addresses, e.g. ["oncall@example.com"]' },
  { field: 'observability.warningEmails', value: (c) => c.observability.warningEmails, check: (v: string[]) => Array.isArray(v) && v.every((e) => EMAIL.test(e)), fix: 'list e-mail addresses, e.g. ["platform@example.com"]' },
  {
    field: 'observability.criticalEmails',
    value: (c) => c.observability.criticalEmails,
    check: (v: string[], c) => v.length > 0 || c.observability.pagerUrl !== undefined || c.observability.pagerUrlSecretName !== undefined,
    fix: 'route critical alarms somewhere: add an address or a pager integration (pagerUrlSecretName)',
  },
  { field: 'observability.pagerUrl', value: (c) => c.observability.pagerUrl, check: (v) => v === undefined || /^https:\/\/[^\s]+$/.test(v), fix: 'use the https:// integration URL of the pager (PagerDuty/Opsgenie CloudWatch integration)' },
  { field: 'observability.pagerUrlSecretName', value: (c) => c.observability.pagerUrlSecretName, check: (v) => v === undefined || /^[A-Za-z0-9/_+=.@-]{1,512}$/.test(v), fix: 'use a Secrets Manager secret name (letters, digits and /_+=.@-)' },
  {
    field: 'observability.pagerUrl',
    value: (c) => c.observability.pagerUrl,
    check: (v, c) => v === undefined || c.observability.pagerUrlSecretName === undefined,
    fix: 'set pagerUrl or pagerUrlSecretName, not both',
  },
  {
    field: 'observability.pagerUrlSecretName',
    value: (c) => c.observability.pagerUrlSecretName,
    check: (v, c) => v !== undefined || c.observability.pagerUrl !== undefined,
    when: isProd,
    fix: 'prod pages a human: set the Secrets Manager secret name that holds the pager integration URL',
  },
  { field: 'observability.slo.availabilityPercent', value: (c) => c.observability.slo.availabilityPercent, check: (v) => typeof v === 'number' && v >= 95 && v < 100, fix: 'use an availability target from 95 to below 100 percent (the 14.4x burn-rate alert needs 14.4 x budget < 100%)' },
  { field: 'observability.slo.availabilityPercent', value: (c) => c.observability.slo.availabilityPercent, check: (v) => v >= 99.9, when: isProd, fix: 'prod promises 99.9% availability' },
  { field: 'observability.slo.latencyThresholdMs', value: (c) => c.observability.slo.latencyThresholdMs, check: is.intBetween(1, 60000), fix: 'use a latency threshold of 1 to 60000 ms' },
  { field: 'observability.slo.latencyPercent', value: (c) => c.observability.slo.latencyPercent, check: (v) => typeof v === 'number' && v >= 50 && v < 100, fix: 'use 50 to below 100 percent of requests (99 means a p99 target)' },
  { field: 'observability.canary.baseUrl', value: (c) => c.observability.canary.baseUrl, check: (v) => v === undefined || /^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), fix: 'use the public https:// base URL, e.g. "https://api.example.com"' },
  { field: 'observability.canary.healthPath', value: (c) => c.observability.canary.healthPath, check: is.matching(/^\/[^\s]*$/), fix: 'use a path starting with "/", e.g. "/health"' },
  { field: 'observability.canary.intervalMinutes', value: (c) => c.observability.canary.intervalMinutes, check: is.intBetween(1, 60), fix: 'run the canary every 1 to 60 minutes' },
  { field: 'observability.canary.intervalMinutes', value: (c) => c.observability.canary.intervalMinutes, check: (v) => v === 1, when: isProd, fix: 'prod checks the public endpoint every minute' },
  obsThreshold('database.cpuPercent', (c) => c.observability.database.cpuPercent, pct, 'use a CPU percentage from 1 to 100'),
  obsThreshold('database.freeableMemoryMiB', (c) => c.observability.database.freeableMemoryMiB, positive, 'use a positive number of MiB'),
  obsThreshold('database.connectionsPercent', (c) => c.observability.database.connectionsPercent, pct, 'use a percentage of max_connections from 1 to 100'),
  obsThreshold('database.replicaLagMs', (c) => c.observability.database.replicaLagMs, positive, 'use a positive number of milliseconds'),
  obsThreshold('database.freeLocalStorageMiB', (c) => c.observability.database.freeLocalStorageMiB, positive, 'use a positive number of MiB'),
  obsThreshold('database.deadlocksPerSecond', (c) => c.observability.database.deadlocksPerSecond, positive, 'use a positive rate, e.g. 0.1'),
  obsThreshold('database.proxyConnectionsPercent', (c) => c.observability.database.proxyConnectionsPercent, pct, 'use a percentage from 1 to 100'),
  obsThreshold('cache.engineCpuPercent', (c) => c.observability.cache.engineCpuPercent, pct, 'use a CPU percentage from 1 to 100'),
  obsThreshold('cache.memoryPercent', (c) => c.observability.cache.memoryPercent, pct, 'use a memory percentage from 1 to 100'),
  obsThreshold('cache.evictionsPer5Min', (c) => c.observability.cache.evictionsPer5Min, positive, 'use a positive count'),
  obsThreshold('cache.replicationLagSeconds', (c) => c.observability.cache.replicationLagSeconds, positive, 'use a positive number of seconds'),
  obsThreshold('cache.connections', (c) => c.observability.cache.connections, (v) => is.intBetween(1, 65000)(v), 'use 1 to 65000 connections (the engine maximum)'),
  obsThreshold('service.error5xxPercent', (c) => c.observability.service.error5xxPercent, pct, 'use a percentage from 1 to 100'),
  obsThreshold('service.p99LatencyMs', (c) => c.observability.service.p99LatencyMs, (v) => is.intBetween(1, 60000)(v), 'use 1 to 60000 ms'),
  obsThreshold('service.cpuPercent', (c) => c.observability.service.cpuPercent, pct, 'use a CPU percentage from 1 to 100'),
  obsThreshold('service.memoryPercent', (c) => c.observability.service.memoryPercent, pct, 'use a memory percentage from 1 to 100'),
  obsThreshold('service.queueOldestMessageSeconds', (c) => c.observability.service.queueOldestMessageSeconds, (v) => is.intBetween(60, 1209600)(v), 'use 60 seconds to 14 days (the SQS retention maximum)'),
  obsThreshold('service.wafBlockedPer5Min', (c) => c.observability.service.wafBlockedPer5Min, positive, 'use a positive count'),
];

const IMAGE_REF = /^([a-z0-9][a-z0-9.-]*(:\d+)?\/)?[a-z0-9._-]+(\/[a-z0-9._-]+)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = (region: string) => new RegExp(`^arn:aws[a-z-]*:acm:${region}:\\d{12}:certificate/[0-9a-f-]{36}$`);
const FARGATE_SIZE_FIX = 'use a Fargate size: cpu 256 (512-2048 MiB), 512 (1-4 GiB), 1024 (2-8 GiB), 2048 (4-16 GiB), 4096 (8-30 GiB), 8192 (16-60 GiB in 4 GiB steps) or 16384 (32-120 GiB in 8 GiB steps)';
const LOG_DAYS_FIX = 'keep logs for a CloudWatch Logs period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days';

const SERVICE_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'service.image', value: (c) => c.service.image, check: is.matching(IMAGE_REF), fix: 'use a registry reference with a tag or digest, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2"' },
  { field: 'service.image', value: (c) => c.service.image, check: (v: string) => !v.endsWith(':latest'), when: (c) => c.stage !== 'dev', fix: 'pin a version tag or digest: ":latest" makes a rollback redeploy the bad image' },
  { field: 'service.certificateArn', value: (c) => c.service.certificateArn, check: (v, c) => ACM_ARN(c.region).test(v), fix: 'use the ARN of an ACM certificate in the primary region, "arn:aws:acm:<region>:<account>:certificate/<id>"' },
  { field: 'service.containerPort', value: (c) => c.service.containerPort, check: is.intBetween(1024, 65535), fix: 'use a port from 1024 to 65535: the container runs as a non-root user' },
  { field: 'service.minTasks', value: (c) => c.service.minTasks, check: is.intBetween(2, 1000), fix: 'run at least 2 tasks so that one AZ or one task can fail' },
  { field: 'service.minTasks', value: (c) => c.service.minTasks, check: (v, c) => v >= c.availabilityZones.length, when: isProd, fix: 'prod runs at least one task per availability zone' },
  { field: 'service.maxTasks', value: (c) => c.service.maxTasks, check: (v, c) => is.intBetween(1, 1000)(v) && v > c.service.minTasks, fix: 'use more than service.minTasks (autoscaling needs room) and at most 1000' },
  {
    field: 'service.maxTasks',
    value: (c) => c.service.maxTasks,
    check: (v, c) => v * c.service.capacity.concurrencyPerTask >= c.service.capacity.targetConcurrentUsers,
    when: isProd,
    fix: 'maxTasks x capacity.concurrencyPerTask must reach capacity.targetConcurrentUsers: raise maxTasks to at least ceil(target / concurrencyPerTask)',
  },
  { field: 'service.desiredTasks', value: (c) => c.service.desiredTasks, check: (v, c) => Number.isInteger(v) && v >= c.service.minTasks && v <= c.service.maxTasks, fix: 'use a count between service.minTasks and service.maxTasks' },
  { field: 'service.memoryMiB', value: (c) => c.service.memoryMiB, check: (v, c) => isFargateSize(c.service.cpu, v), fix: FARGATE_SIZE_FIX },
  { field: 'service.healthCheckPath', value: (c) => c.service.healthCheckPath, check: is.matching(/^\/[\w\-./]{0,1023}$/), fix: 'use a path such as "/health" (letters, digits, "-", "_", ".", "/")' },
  { field: 'service.cpuTargetPercent', value: (c) => c.service.cpuTargetPercent, check: is.intBetween(10, 90), fix: 'use a CPU target of 10 to 90 percent' },
  { field: 'service.memoryTargetPercent', value: (c) => c.service.memoryTargetPercent, check: is.intBetween(10, 90), fix: 'use a memory target of 10 to 90 percent' },
  { field: 'service.requestsPerTarget', value: (c) => c.service.requestsPerTarget, check: is.intBetween(1, 1_000_000), fix: 'use 1 to 1000000 requests per target per minute' },
  { field: 'service.logRetentionDays', value: (c) => c.service.logRetentionDays, check: is.logRetentionDays, fix: LOG_DAYS_FIX },
  { field: 'service.waf.rateLimitPer5Min', value: (c) => c.service.waf.rateLimitPer5Min, check: is.intBetween(10, 2_000_000_000), fix: 'use 10 to 2000000000 requests per IP per 5 minutes (the WAF limits)' },
  {
    field: 'service.waf.sensitivePaths',
    value: (c) => c.service.waf.sensitivePaths,
    check: (v: string[]) => Array.isArray(v) && v.length <= 10 && new Set(v).size === v.length && v.every((p) => /^\/[\w\-./]{0,199}$/.test(p)),
    fix: 'list up to 10 path prefixes such as "/login", each once',
  },
  {
    field: 'service.waf.sensitivePathRateLimitPer5Min',
    value: (c) => c.service.waf.sensitivePathRateLimitPer5Min,
    check: (v, c) => is.intBetween(10, 2_000_000_000)(v) && v < c.service.waf.rateLimitPer5Min,
    fix: 'use at least 10 and less than service.waf.rateLimitPer5Min: sensitive paths get the stricter limit',
  },
  { field: 'service.waf.blockAnonymousIps', value: (c) => c.service.waf.blockAnonymousIps, check: (v) => typeof v === 'boolean', fix: 'use true or false' },
  { field: 'service.capacity.targetConcurrentUsers', value: (c) => c.service.capacity.targetConcurrentUsers, check: is.intBetween(1, 100_000_000), fix: 'declare the concurrent users to carry (the gap analysis asks for 10000)' },
  { field: 'service.capacity.concurrencyPerTask', value: (c) => c.service.capacity.concurrencyPerTask, check: is.intBetween(1, 1_000_000), fix: 'declare the concurrent users one task sustains, from a load test' },
  { field: 'service.worker.image', value: (c) => c.service.worker.image, check: is.matching(IMAGE_REF), fix: 'use a registry reference with a tag or digest, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:1.4.2"' },
  { field: 'service.worker.memoryMiB', value: (c) => c.service.worker.memoryMiB, check: (v, c) => isFargateSize(c.service.worker.cpu, v), fix: FARGATE_SIZE_FIX },
  { field: 'service.worker.minTasks', value: (c) => c.service.worker.minTasks, check: is.intBetween(1, 1000), fix: 'run at least 1 worker task' },
  { field: 'service.worker.minTasks', value: (c) => c.service.worker.minTasks, check: (v) => v >= 2, when: isProd, fix: 'prod runs at least 2 worker tasks so that one AZ can fail' },
  { field: 'service.worker.maxTasks', value: (c) => c.service.worker.maxTasks, check: (v, c) => is.intBetween(1, 1000)(v) && v > c.service.worker.minTasks, fix: 'use more than service.worker.minTasks and at most 1000' },
  { field: 'service.worker.maxReceiveCount', value: (c) => c.service.worker.maxReceiveCount, check: is.intBetween(1, 10), fix: 'move a message to the dead-letter queue after 1 to 10 receives' },
  { field: 'service.worker.visibilityTimeoutSeconds', value: (c) => c.service.worker.visibilityTimeoutSeconds, check: is.intBetween(0, 43200), fix: 'use 0 to 43200 seconds (the SQS limit)' },
  { field: 'service.worker.maxMessageAgeSeconds', value: (c) => c.service.worker.maxMessageAgeSeconds, check: is.intBetween(60, 1_209_600), fix: 'use 60 seconds to 14 days' },
  { field: 'edge.cdn', value: (c) => c.edge.cdn, check: (v) => typeof v === 'boolean', fix: 'use true or false' },
  { field: 'edge.originDomainName', value: (c) => c.edge.originDomainName, check: is.matching(HOSTNAME), when: (c) => c.edge.cdn, fix: 'use the DNS name (covered by service.certificateArn) that points at the load balancer, e.g. "origin.example.com"' },
  { field: 'edge.domainNames', value: (c) => c.edge.domainNames, check: (v: string[]) => Array.isArray(v) && new Set(v).size === v.length && v.every((d) => HOSTNAME.test(d)), fix: 'list DNS names such as "www.example.com", each once' },
  { field: 'edge.domainNames', value: (c) => c.edge.domainNames, check: (v: string[]) => v.length > 0, when: (c) => c.edge.cdn && c.stage !== 'dev', fix: 'serve the CDN on your own domain with a certificate: the default *.cloudfront.net certificate still accepts TLS 1.0' },
  {
    field: 'edge.certificateArn',
    value: (c) => c.edge.certificateArn,
    check: (v) => typeof v === 'string' && ACM_ARN('us-east-1').test(v),
    when: (c) => c.edge.cdn && c.edge.domainNames.length > 0,
    fix: 'CloudFront needs an ACM certificate in us-east-1 for edge.domainNames: "arn:aws:acm:us-east-1:<account>:certificate/<id>"',
  },
  { field: 'edge.staticPathPatterns', value: (c) => c.edge.staticPathPatterns, check: (v: string[]) => Array.isArray(v) && v.every((p) => /^\/[\w\-./*]{1,254}$/.test(p)), fix: 'list CloudFront path patterns such as "/static/*"' },
];

/** Entries of `attestations` that fail `ok`, by control ID (empty when all pass). */
const badAttestations = (ok: (a: AttestationConfig) => boolean) => (c: StageConfig) =>
  Object.fromEntries(Object.entries(c.attestations ?? {}).filter(([, a]) => !ok(a)));
const none = (v: object) => Object.keys(v).length === 0;
const CONTROL_ID = /^[A-Z0-9]+(-[A-Z0-9]+)*$/;
/** Attestation rules checked at `now` (an injectable clock for tests). */
const attestationRules = (now: Date): readonly ValidationRule<StageConfig>[] => {
  const problemsOf = (a: AttestationConfig) => attestationProblems(a, now);
  const failing = (field: string) => badAttestations((a) => !problemsOf(a).some((p) => p.startsWith(field)));
  return [
    { field: 'attestations', value: (c) => c.attestations, check: (v) => v !== null && typeof v === 'object' && !Array.isArray(v), fix: 'give an object keyed by control ID ({} when nothing is attested)' },
    { field: 'attestations', value: (c) => Object.keys(c.attestations ?? {}).filter((id) => !CONTROL_ID.test(id)), check: (v: string[]) => v.length === 0, fix: 'key attestations by catalogue control ID, e.g. "LEGAL-PAGES"' },
    { field: 'attestations.*.owner', value: failing('owner'), check: none, fix: 'name who answers for the evidence, e.g. "Operations / Legal"' },
    {
      field: 'attestations.*.evidenceUrl',
      value: badAttestations((a) => evidenceUrlProblems(a.evidenceUrl).length === 0),
      check: none,
      fix: 'link the evidence with an https URL on a real host (not example.com/.org/.net, .example, .invalid, .test, localhost or an IP address)',
    },
    {
      field: 'attestations.*.date',
      value: failing('date'),
      check: none,
      fix: `use the attestation date as a calendar date YYYY-MM-DD, not in the future and at most ${ATTESTATION_MAX_AGE_CEILING_DAYS} days old`,
    },
    { field: 'attestations.*.status', value: failing('status'), check: none, fix: 'use "ready" or "conditional"' },
    { field: 'attestations.*.reason', value: failing('reason'), check: none, fix: 'a conditional attestation says what is outstanding in at least 20 characters' },
  ];
};

/** Critical controls declared not applicable, and the limits on attestations and waivers. */
const READINESS_POLICY_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'notApplicable', value: (c) => Object.keys(c.notApplicable ?? {}).filter((id) => !CONTROL_ID.test(id)), check: (v: string[]) => v.length === 0, fix: 'key declarations by catalogue control ID, e.g. "WAF"' },
  {
    field: 'notApplicable.*',
    value: (c) => Object.fromEntries(Object.entries(c.notApplicable ?? {}).filter(([, d]) => !is.nonEmptyString(d?.owner) || typeof d?.reason !== 'string' || d.reason.trim().length < 20)),
    check: none,
    fix: 'each declaration names an owner and says in at least 20 characters why the control does not apply',
  },
  { field: 'readiness.attestationMaxAgeDays', value: (c) => c.readiness?.attestationMaxAgeDays, check: (v) => v === undefined || is.intBetween(1, ATTESTATION_MAX_AGE_CEILING_DAYS)(v), fix: `use 1 to ${ATTESTATION_MAX_AGE_CEILING_DAYS} days` },
  {
    field: 'readiness.attestationMaxAgeDaysByControl',
    value: (c) => Object.fromEntries(Object.entries(c.readiness?.attestationMaxAgeDaysByControl ?? {}).filter(([id, d]) => !CONTROL_ID.test(id) || !is.intBetween(1, ATTESTATION_MAX_AGE_CEILING_DAYS)(d))),
    check: none,
    fix: `key by control ID, 1 to ${ATTESTATION_MAX_AGE_CEILING_DAYS} days each`,
  },
  {
    field: 'readiness.waiverHorizonDays',
    value: (c) => c.readiness?.waiverHorizonDays,
    check: (v, c) => v === undefined || is.intBetween(1, WAIVER_HORIZON_DAYS[c.stage] ?? 90)(v),
    fix: `use 1 to ${WAIVER_HORIZON_DAYS.prod} days in prod, 1 to ${WAIVER_HORIZON_DAYS.staging} elsewhere`,
  },
];

/**
 * Every rule a stage config must meet. Adding a config field? Add its row here.
 * Rows read the config; they never touch AWS.
 */
export const STAGE_CONFIG_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'stage', value: (c) => c.stage, check: is.oneOf(...STAGE_NAMES), fix: `use one of ${STAGE_NAMES.join(', ')}` },
  { field: 'compute', value: (c) => c.compute ?? 'fargate', check: is.oneOf(...COMPUTE_PLATFORMS), fix: `use one of ${COMPUTE_PLATFORMS.join(', ')}, or leave it unset for Fargate` },
  { field: 'account', value: (c) => c.account, check: is.matching(/^\d{12}$/), fix: 'use the 12-digit AWS account ID, e.g. "123456789012"' },
  { field: 'region', value: (c) => c.region, check: is.matching(REGION), fix: 'use an AWS region code such as "eu-west-1"' },
  { field: 'drRegion', value: (c) => c.drRegion, check: is.matching(REGION), fix: 'use an AWS region code such as "eu-central-1"' },
  {
    field: 'drRegion',
    value: (c) => c.drRegion,
    check: (v, c) => v !== c.region,
    fix: 'choose a DR region other than the primary region, or a regional outage takes both',
  },
  ...DR_RULES,
  {
    field: 'availabilityZones',
    value: (c) => c.availabilityZones,
    check: (v: string[], c) => Array.isArray(v) && v.length > 0 && v.every((az) => isZoneOf(az, c.region)),
    fix: 'list zones of the primary region, the region code and one letter, e.g. ["eu-west-1a", "eu-west-1b", "eu-west-1c"]',
  },
  {
    field: 'availabilityZones',
    value: (c) => c.availabilityZones,
    check: (v: string[]) => new Set(v).size === v.length,
    fix: 'list each zone once',
  },
  {
    field: 'availabilityZones',
    value: (c) => c.availabilityZones,
    check: (v: string[]) => v.length >= 2,
    fix: 'list at least 2 zones: a database and cache need a second zone to fail over to',
  },
  {
    field: 'availabilityZones',
    value: (c) => c.availabilityZones,
    check: (v: string[]) => v.length >= 3,
    when: isProd,
    fix: 'prod needs 3 zones so that one zone can be lost with a quorum left',
  },
  { field: 'network.cidr', value: (c) => c.network.cidr, check: is.matching(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/), fix: 'use an IPv4 CIDR between /16 and /24, e.g. "10.30.0.0/16"' },
  { field: 'network.natGateways', value: (c) => c.network.natGateways, check: (v, c) => is.intBetween(1, c.availabilityZones.length)(v), fix: 'use 1 to one-per-AZ NAT gateways' },
  {
    field: 'network.natGateways',
    value: (c) => c.network.natGateways,
    check: (v, c) => v === c.availabilityZones.length,
    when: isProd,
    fix: 'prod needs one NAT gateway per AZ so that egress survives the loss of a zone',
  },
  { field: 'network.flowLogRetentionDays', value: (c) => c.network.flowLogRetentionDays, check: is.logRetentionDays, fix: 'keep flow logs for a CloudWatch Logs period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days' },
  { field: 'database.instanceType', value: (c) => c.database.instanceType, check: is.matching(/^[a-z][a-z0-9]*\.[a-z0-9]+$/), fix: 'use an instance type without the "db." prefix, e.g. "r6g.large"' },
  { field: 'database.readers', value: (c) => c.database.readers, check: (v) => v >= 2, when: isProd, fix: 'prod needs 2 readers so that the writer and readers span three AZs' },
  { field: 'database.backupRetentionDays', value: (c) => c.database.backupRetentionDays, check: (v) => v >= 7, when: (c) => c.stage !== 'dev', fix: 'staging and prod keep backups at least 7 days' },
  { field: 'database.logRetentionDays', value: (c) => c.database.logRetentionDays, check: is.logRetentionDays, fix: 'keep database logs for a CloudWatch Logs period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days' },
  // The rest of `database` is ResilientPostgres's own table, read from the config's fields.
  ...adaptRules(RESILIENT_POSTGRES_RULES, DATABASE_FIELDS, databaseSettingsOf),
  { field: 'cache.engine', value: (c) => c.cache.engine, check: is.oneOf('valkey', 'redis'), fix: 'use "valkey" or "redis"' },
  { field: 'cache.nodeType', value: (c) => c.cache.nodeType, check: is.matching(/^cache\.[a-z0-9]+\.[a-z0-9]+$/), fix: 'use a cache node type such as "cache.r7g.large"' },
  { field: 'cache.shards', value: (c) => c.cache.shards, check: (v, c) => (c.cache.clusterMode ? is.intBetween(1, 500)(v) : v === 1), fix: 'use 1 shard without cluster mode, 1 to 500 with it' },
  { field: 'cache.replicasPerShard', value: (c) => c.cache.replicasPerShard, check: is.intBetween(1, 5), fix: 'use 1 to 5 replicas per shard: automatic failover needs at least one' },
  { field: 'cache.replicasPerShard', value: (c) => c.cache.replicasPerShard, check: (v) => v >= 2, when: isProd, fix: 'prod needs 2 replicas per shard' },
  { field: 'cache.snapshotRetentionDays', value: (c) => c.cache.snapshotRetentionDays, check: is.intBetween(1, 35), fix: 'keep snapshots 1 to 35 days' },
  { field: 'cache.snapshotRetentionDays', value: (c) => c.cache.snapshotRetentionDays, check: (v) => v >= 7, when: isProd, fix: 'prod keeps cache snapshots at least 7 days' },
  { field: 'cache.snapshotWindow', value: (c) => c.cache.snapshotWindow, check: is.matching(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/), fix: 'use a UTC window "hh:mm-hh:mm", e.g. "03:00-04:00"' },
  {
    field: 'cache.maintenanceWindow',
    value: (c) => c.cache.maintenanceWindow,
    check: is.matching(/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/),
    fix: 'use a UTC window "ddd:hh:mm-ddd:hh:mm", e.g. "sun:05:00-sun:06:00"',
  },
  { field: 'cache.port', value: (c) => c.cache.port, check: (v) => is.intBetween(1024, 65535)(v) && v !== 6379, fix: 'use a port from 1024 to 65535 other than the default 6379' },
  { field: 'cache.logRetentionDays', value: (c) => c.cache.logRetentionDays, check: is.logRetentionDays, fix: 'keep cache logs for a CloudWatch Logs period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days' },
  { field: 'security.auditRetentionDays', value: (c) => c.security.auditRetentionDays, check: is.intBetween(1, 3650), fix: 'keep audit logs 1 to 3650 days' },
  { field: 'security.auditRetentionDays', value: (c) => c.security.auditRetentionDays, check: (v) => v >= 365, when: isProd, fix: 'prod keeps audit logs at least 365 days (one year of evidence)' },
  {
    field: 'security.auditArchiveAfterDays',
    value: (c) => c.security.auditArchiveAfterDays,
    check: (v, c) => is.intBetween(1, 3650)(v) && v < c.security.auditRetentionDays,
    fix: 'move audit logs to archive storage after 1 day or more, and before security.auditRetentionDays',
  },
  { field: 'security.auditLockMode', value: (c) => c.security.auditLockMode, check: is.oneOf('COMPLIANCE', 'GOVERNANCE'), fix: 'use "COMPLIANCE" or "GOVERNANCE"' },
  { field: 'security.auditLockMode', value: (c) => c.security.auditLockMode, check: (v) => v === 'COMPLIANCE', when: isProd, fix: 'prod locks audit logs in "COMPLIANCE" mode so that nobody, root included, can shorten the retention' },
  { field: 'security.auditLogGroupRetentionDays', value: (c) => c.security.auditLogGroupRetentionDays, check: is.logRetentionDays, fix: 'keep the trail log group for a CloudWatch Logs period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days' },
  {
    field: 'security.customerDataBuckets',
    value: (c) => c.security.customerDataBuckets,
    check: (v: string[]) => Array.isArray(v) && new Set(v).size === v.length && v.every((b) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b)),
    fix: 'list S3 bucket names (3-63 lowercase letters, digits, dots, hyphens), each once',
  },
  {
    field: 'security.guardDutyFeatures',
    value: (c) => c.security.guardDutyFeatures,
    check: (v: string[]) => Array.isArray(v) && new Set(v).size === v.length && v.every((f) => GUARDDUTY_FEATURES.includes(f)),
    fix: `list GuardDuty features from ${GUARDDUTY_FEATURES.join(', ')}, each once`,
  },
  {
    field: 'security.guardDutyFeatures',
    value: (c) => c.security.guardDutyFeatures,
    check: (v: string[]) => ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING'].every((f) => v.includes(f)),
    when: isProd,
    fix: 'prod enables S3_DATA_EVENTS, RDS_LOGIN_EVENTS and RUNTIME_MONITORING: the stack has buckets, Aurora and ECS tasks',
  },
  { field: 'security.secretRotationDays', value: (c) => c.security.secretRotationDays, check: is.intBetween(1, 365), fix: 'rotate secrets every 1 to 365 days' },
  { field: 'security.secretRotationDays', value: (c) => c.security.secretRotationDays, check: (v) => v <= 30, when: isProd, fix: 'prod rotates secrets at least every 30 days' },
  { field: 'security.baseline.mode', value: (c) => c.security.baseline?.mode, check: is.oneOf('create', 'provided'), fix: 'use "create" (the stage creates GuardDuty, Security Hub and the analyzers) or "provided" (the organization runs them in this account and region)' },
  {
    field: 'security.baseline.providedBy',
    value: (c) => (c.security.baseline?.mode === 'provided' ? c.security.baseline.providedBy : 'n/a'),
    check: (v) => typeof v === 'string' && v.trim().length >= 3,
    fix: 'name who runs the baseline in this account and region, e.g. "AWS Control Tower (audit account 999999999999)"',
  },
  {
    field: 'security.baseline.evidenceUrl',
    value: (c) => (c.security.baseline?.mode === 'provided' ? c.security.baseline.evidenceUrl : 'https://n/a'),
    check: (v) => typeof v === 'string' && /^https:\/\/[^\s]+$/.test(v),
    fix: 'give the https:// URL where a reviewer finds the evidence (landing-zone controls page, delegated-admin console)',
  },
  { field: 'security.unusedAccessAgeDays', value: (c) => c.security.unusedAccessAgeDays, check: is.intBetween(1, 365), fix: 'use 1 to 365 days (the IAM Access Analyzer limit)' },
  ...OBSERVABILITY_RULES,
  ...SERVICE_RULES,
  ...READINESS_POLICY_RULES,
  ...INCIDENT_ROLLOUT_RULES,
];

/** The sections every stage config has; a missing one is reported alone, before the fields in it. */
const SECTIONS = ['network', 'database', 'cache', 'observability', 'security', 'service', 'edge', 'dr', 'attestations', 'tags'] as const;

/**
 * A row whose reader or condition trips over a missing part of the config reports the field as
 * missing instead of throwing `TypeError: Cannot read properties of undefined`.
 */
function tolerant(rule: ValidationRule<StageConfig>): ValidationRule<StageConfig> {
  return {
    ...rule,
    value: (c) => {
      try {
        return rule.value(c);
      } catch {
        return undefined;
      }
    },
    when: rule.when
      ? (c) => {
          try {
            return rule.when!(c);
          } catch {
            return true;
          }
        }
      : undefined,
  };
}

/**
 * Throws one error that names every bad field of the stage config, its value and the fix.
 * `now` is the clock attestation dates are checked against (tests inject one).
 */
export function validateStageConfig(config: StageConfig, now: Date = new Date()): void {
  const label = `Stage config "${(config as Partial<StageConfig> | undefined)?.stage}"`;
  if (config === null || typeof config !== 'object') throw new ValidationError(label, [{ field: '(config)', value: config, fix: 'pass a StageConfig object' }]);
  const missing = SECTIONS.filter((s) => config[s] === null || typeof config[s] !== 'object');
  if (missing.length > 0) {
    throw new ValidationError(
      label,
      missing.map((s) => ({ field: s, value: config[s], fix: `add the "${s}" section (see lib/config/stages.ts for a complete stage)` })),
    );
  }
  const problems = collectProblems(config, [...STAGE_CONFIG_RULES, ...attestationRules(now)].map(tolerant));
  if (problems.length > 0) throw new ValidationError(label, problems);
}

