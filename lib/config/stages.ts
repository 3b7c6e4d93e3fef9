import { StageConfig, StageName } from './stage-config';

/**
 * The shipped stage configurations. The account is a placeholder so that synth works offline;
 * replace it (or override it in bin/) before deploying.
 */
const PLACEHOLDER_ACCOUNT = '111111111111';

export const DEV: StageConfig = {
  stage: 'dev',
  account: PLACEHOLDER_ACCOUNT,
  region: 'eu-west-1',
  drRegion: 'eu-central-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  network: { cidr: '10.10.0.0/16', natGateways: 1, flowLogRetentionDays: 30 },
  database: {
    instanceType: 't4g.medium',
    readers: 1,
    minReaders: 1,
    maxReaders: 2,
    readerCpuTargetPercent: 70,
    backupRetentionDays: 7,
    port: 5433,
    slowQueryMs: 500,
    credentialRotationDays: 30,
    logRetentionDays: 30,
    monitoringIntervalSeconds: 60,
  },
  cache: {
    engine: 'valkey',
    nodeType: 'cache.t4g.small',
    clusterMode: false,
    shards: 1,
    replicasPerShard: 1,
    snapshotRetentionDays: 1,
    snapshotWindow: '03:00-04:00',
    maintenanceWindow: 'sun:05:00-sun:06:00',
    port: 6380,
    logRetentionDays: 30,
  },
  tags: { stage: 'dev', service: 'marketplace', owner: 'platform' },
};

export const STAGING: StageConfig = {
  stage: 'staging',
  account: PLACEHOLDER_ACCOUNT,
  region: 'eu-west-1',
  drRegion: 'eu-central-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  network: { cidr: '10.20.0.0/16', natGateways: 1, flowLogRetentionDays: 90 },
  database: {
    instanceType: 'r6g.large',
    readers: 1,
    minReaders: 1,
    maxReaders: 3,
    readerCpuTargetPercent: 70,
    backupRetentionDays: 7,
    port: 5433,
    slowQueryMs: 250,
    credentialRotationDays: 30,
    logRetentionDays: 90,
    monitoringIntervalSeconds: 30,
  },
  cache: {
    engine: 'valkey',
    nodeType: 'cache.r7g.large',
    clusterMode: false,
    shards: 1,
    replicasPerShard: 1,
    snapshotRetentionDays: 3,
    snapshotWindow: '03:00-04:00',
    maintenanceWindow: 'sun:05:00-sun:06:00',
    port: 6380,
    logRetentionDays: 90,
  },
  tags: { stage: 'staging', service: 'marketplace', owner: 'platform' },
};

export const PROD: StageConfig = {
  stage: 'prod',
  account: PLACEHOLDER_ACCOUNT,
  region: 'eu-west-1',
  drRegion: 'eu-central-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  network: { cidr: '10.30.0.0/16', natGateways: 3, flowLogRetentionDays: 365 },
  database: {
    instanceType: 'r6g.xlarge',
    readers: 2,
    minReaders: 2,
    maxReaders: 5,
    readerCpuTargetPercent: 60,
    backupRetentionDays: 14,
    port: 5433,
    slowQueryMs: 100,
    credentialRotationDays: 30,
    logRetentionDays: 365,
    monitoringIntervalSeconds: 15,
  },
  cache: {
    engine: 'valkey',
    nodeType: 'cache.r7g.large',
    clusterMode: false,
    shards: 1,
    replicasPerShard: 2,
    snapshotRetentionDays: 7,
    snapshotWindow: '03:00-04:00',
    maintenanceWindow: 'sun:05:00-sun:06:00',
    port: 6380,
    logRetentionDays: 365,
  },
  tags: { stage: 'prod', service: 'marketplace', owner: 'platform' },
};

export const STAGES: Readonly<Record<StageName, StageConfig>> = { dev: DEV, staging: STAGING, prod: PROD };
