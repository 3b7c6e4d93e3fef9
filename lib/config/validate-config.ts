import { StageConfig, STAGE_NAMES } from './stage-config';
import { assertValid, is, ValidationRule } from '../validation/rule-table';

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const isProd = (c: StageConfig) => c.stage === 'prod';

/**
 * Every rule a stage config must meet. Adding a config field? Add its row here.
 * Rows read the config; they never touch AWS.
 */
export const STAGE_CONFIG_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'stage', value: (c) => c.stage, check: is.oneOf(...STAGE_NAMES), fix: `use one of ${STAGE_NAMES.join(', ')}` },
  { field: 'account', value: (c) => c.account, check: is.matching(/^\d{12}$/), fix: 'use the 12-digit AWS account ID, e.g. "123456789012"' },
  { field: 'region', value: (c) => c.region, check: is.matching(REGION), fix: 'use an AWS region code such as "eu-west-1"' },
  { field: 'drRegion', value: (c) => c.drRegion, check: is.matching(REGION), fix: 'use an AWS region code such as "eu-central-1"' },
  {
    field: 'drRegion',
    value: (c) => c.drRegion,
    check: (v, c) => v !== c.region,
    fix: 'choose a DR region other than the primary region, or a regional outage takes both',
  },
  {
    field: 'availabilityZones',
    value: (c) => c.availabilityZones,
    check: (v: string[], c) => Array.isArray(v) && v.length > 0 && v.every((az) => az.startsWith(c.region) && /[a-z]$/.test(az)),
    fix: 'list zones of the primary region, e.g. ["eu-west-1a", "eu-west-1b", "eu-west-1c"]',
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
  { field: 'database.readers', value: (c) => c.database.readers, check: is.intBetween(1, 15), fix: 'use 1 to 15 readers: at least one reader is the failover target' },
  { field: 'database.readers', value: (c) => c.database.readers, check: (v) => v >= 2, when: isProd, fix: 'prod needs 2 readers so that the writer and readers span three AZs' },
  { field: 'database.minReaders', value: (c) => c.database.minReaders, check: (v, c) => is.intBetween(1, 15)(v) && v <= c.database.readers, fix: 'use at least 1 and no more than database.readers' },
  { field: 'database.maxReaders', value: (c) => c.database.maxReaders, check: (v, c) => is.intBetween(1, 15)(v) && v >= c.database.readers && v >= c.database.minReaders, fix: 'use at most 15 and at least database.readers and database.minReaders' },
  { field: 'database.readerCpuTargetPercent', value: (c) => c.database.readerCpuTargetPercent, check: is.intBetween(10, 90), fix: 'use a CPU target of 10 to 90 percent' },
  { field: 'database.backupRetentionDays', value: (c) => c.database.backupRetentionDays, check: is.intBetween(1, 35), fix: 'keep backups 1 to 35 days (the Aurora limit)' },
  { field: 'database.backupRetentionDays', value: (c) => c.database.backupRetentionDays, check: (v) => v >= 7, when: (c) => c.stage !== 'dev', fix: 'staging and prod keep backups at least 7 days' },
  { field: 'database.port', value: (c) => c.database.port, check: (v) => is.intBetween(1150, 65535)(v) && v !== 5432, fix: 'use a port from 1150 to 65535 other than the default 5432' },
  { field: 'database.slowQueryMs', value: (c) => c.database.slowQueryMs, check: is.intBetween(1, 60000), fix: 'log queries slower than 1 to 60000 ms' },
  { field: 'database.credentialRotationDays', value: (c) => c.database.credentialRotationDays, check: is.intBetween(1, 30), fix: 'rotate credentials at least every 30 days' },
  { field: 'database.logRetentionDays', value: (c) => c.database.logRetentionDays, check: is.logRetentionDays, fix: 'keep database logs for a CloudWatch Logs period: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days' },
  { field: 'database.monitoringIntervalSeconds', value: (c) => c.database.monitoringIntervalSeconds, check: is.oneOf(1, 5, 10, 15, 30, 60), fix: 'use 1, 5, 10, 15, 30 or 60 seconds' },
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
];

/** Throws one error that names every bad field of the stage config, its value and the fix. */
export function validateStageConfig(config: StageConfig): void {
  assertValid(`Stage config "${config.stage}"`, config, STAGE_CONFIG_RULES);
}
