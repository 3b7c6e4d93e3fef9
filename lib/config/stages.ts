import { StageConfig, StageName } from './stage-config';

/**
 * The shipped stage configurations. The accounts are placeholders so that synth works offline;
 * replace them (or override them in bin/) before deploying. Each stage has its own account: GuardDuty,
 * Security Hub and the IAM Access Analyzers exist once per account and region, so two stages in one
 * account and region cannot both create them (Readiness-ACCOUNT-SINGLETONS).
 */
const DEV_ACCOUNT = '111111111111';
const STAGING_ACCOUNT = '222222222222';
const PROD_ACCOUNT = '333333333333';

/**
 * Attestations: none shipped. The readiness controls page names owners for LEGAL-PAGES,
 * INCIDENT-RESPONSE, CUSTOMER-ROLLOUT, LAUNCH-CONTROL-ROOM, TENANT-ISOLATION, ADMIN-CONTROLS,
 * ACCESS-REVIEW and BILLING-VALIDATION, but no evidence page a reviewer can open exists yet, so these
 * controls are reported missing until their owners attest them with a real https evidence URL, e.g.
 *   'LEGAL-PAGES': { owner: 'Operations / Legal', evidenceUrl: 'https://<your docs host>/legal', date: 'YYYY-MM-DD', status: 'ready' }
 * An attestation holds 180 days (`readiness.attestationMaxAgeDays`); a placeholder host
 * (example.com, .invalid, .test, localhost, an IP address) fails config validation.
 */
const ATTESTATIONS: StageConfig['attestations'] = {};

/**
 * Incident response of prod (placeholders: replace the people and links before deploying). The
 * replication set is an account singleton: prod has its own account, so prod creates it.
 */
const PROD_INCIDENT: StageConfig['incident'] = {
  tool: 'incident-manager',
  replicationSet: 'create',
  contacts: [
    { alias: 'oncall-a', displayName: 'On-call engineer A', email: 'oncall-a@example.com' },
    { alias: 'oncall-b', displayName: 'On-call engineer B', email: 'oncall-b@example.com' },
    { alias: 'oncall-c', displayName: 'On-call engineer C', email: 'oncall-c@example.com' },
    { alias: 'commander', displayName: 'Incident commander', email: 'incident-commander@example.com' },
  ],
  primaryRotation: ['oncall-a', 'oncall-b', 'oncall-c'],
  secondaryRotation: ['oncall-b', 'oncall-c', 'oncall-a'],
  commander: 'commander',
  escalation: { primaryMinutes: 10, secondaryMinutes: 15 },
  rotation: { startTime: '2026-01-05T09:00:00', handOffTime: '09:00', timeZoneId: 'Europe/Dublin', shiftDays: 7 },
  levels: {
    SEV1: { impact: 1, summary: 'Customer-facing outage or data at risk', runbookUrl: 'https://runbooks.example.com/incidents/sev1', engage: 'escalation' },
    SEV2: { impact: 2, summary: 'Degraded service for many customers', runbookUrl: 'https://runbooks.example.com/incidents/sev2', engage: 'escalation' },
    SEV3: { impact: 3, summary: 'Security finding or reduced service', runbookUrl: 'https://runbooks.example.com/incidents/sev3', engage: 'commander' },
  },
  routing: { criticalAlarms: 'SEV2', tierRollUps: 'SEV1', securityFindings: 'SEV3' },
};

/** Launch flags, off until the launch; AppConfig rolls a change out linearly and rolls it back on a critical alarm. */
const ROLLOUT = (deploymentMinutes: number, bakeMinutes: number): StageConfig['rollout'] => ({
  strategy: 'linear',
  deploymentMinutes,
  growthPercent: 20,
  bakeMinutes,
  flags: { newCheckout: false, publicSignup: false },
});

/** An image of the marketplace's ECR repository in the stage's account. */
const ecrImage = (account: string, repository: 'api' | 'worker'): string => `${account}.dkr.ecr.eu-west-1.amazonaws.com/marketplace/${repository}:1.0.0`;

/*
 * What every stage sets alike. Each stage below spreads these blocks and writes out only its own
 * values, so every value written in a stage literal is one that differs between the stages.
 */
const REGIONS = { region: 'eu-west-1', drRegion: 'eu-central-1' } as const;
const DATABASE = { port: 5433, credentialRotationDays: 30 } satisfies Partial<StageConfig['database']>;
const CACHE = {
  engine: 'valkey',
  clusterMode: false,
  shards: 1,
  snapshotWindow: '03:00-04:00',
  maintenanceWindow: 'sun:05:00-sun:06:00',
  port: 6380,
} satisfies Partial<StageConfig['cache']>;
const SECURITY = {
  // A standalone placeholder account: the stage creates GuardDuty, Security Hub and the analyzers. Under
  // AWS Control Tower or an organization that runs them, declare
  // { mode: 'provided', providedBy: 'AWS Control Tower (audit account ...)', evidenceUrl: 'https://...' }.
  baseline: { mode: 'create' },
  auditRetentionDays: 365,
  auditArchiveAfterDays: 90,
  customerDataBuckets: [],
  secretRotationDays: 30,
  unusedAccessAgeDays: 90,
} satisfies Partial<StageConfig['security']>;
const SERVICE = {
  containerPort: 8080,
  healthCheckPath: '/health',
  stickySessions: true,
  cpuTargetPercent: 60,
  memoryTargetPercent: 70,
  requestsPerTarget: 1000,
  capacity: { targetConcurrentUsers: 10000, concurrencyPerTask: 500 },
} satisfies Partial<StageConfig['service']>;
const WAF = { rateLimitPer5Min: 2000, sensitivePaths: ['/login', '/checkout'], sensitivePathRateLimitPer5Min: 100 } satisfies Partial<StageConfig['service']['waf']>;
const WORKER = { cpu: 512, memoryMiB: 1024, maxReceiveCount: 5, visibilityTimeoutSeconds: 300, maxMessageAgeSeconds: 300 } satisfies Partial<StageConfig['service']['worker']>;
const EDGE = { staticPathPatterns: ['/static/*', '/assets/*'] } satisfies Partial<StageConfig['edge']>;
const DR = { mode: 'backup-copy', restoreTestSchedule: 'cron(0 5 ? * SAT *)' } satisfies Partial<StageConfig['dr']>;
const TAGS = { service: 'marketplace', owner: 'platform' };

export const DEV: StageConfig = {
  stage: 'dev',
  account: DEV_ACCOUNT,
  ...REGIONS,
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  network: { cidr: '10.10.0.0/16', natGateways: 1, flowLogRetentionDays: 30 },
  database: {
    ...DATABASE,
    instanceType: 't4g.medium',
    readers: 1,
    minReaders: 1,
    maxReaders: 2,
    readerCpuTargetPercent: 70,
    backupRetentionDays: 7,
    slowQueryMs: 500,
    logRetentionDays: 30,
    monitoringIntervalSeconds: 60,
  },
  cache: { ...CACHE, nodeType: 'cache.t4g.small', replicasPerShard: 1, snapshotRetentionDays: 1, logRetentionDays: 30 },
  observability: {
    criticalEmails: ['platform-dev@example.com'],
    warningEmails: ['platform-dev@example.com'],
    slo: { availabilityPercent: 99, latencyThresholdMs: 1000, latencyPercent: 95 },
    canary: { healthPath: '/health', intervalMinutes: 5 },
    database: { cpuPercent: 90, freeableMemoryMiB: 256, connectionsPercent: 90, replicaLagMs: 5000, freeLocalStorageMiB: 1024, deadlocksPerSecond: 1, proxyConnectionsPercent: 90 },
    cache: { engineCpuPercent: 90, memoryPercent: 90, evictionsPer5Min: 5000, replicationLagSeconds: 30, connections: 2000 },
    service: { error5xxPercent: 10, p99LatencyMs: 3000, cpuPercent: 90, memoryPercent: 90, queueOldestMessageSeconds: 1800, wafBlockedPer5Min: 500 },
  },
  security: { ...SECURITY, auditLockMode: 'GOVERNANCE', auditLogGroupRetentionDays: 90, guardDutyFeatures: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS'] },
  service: {
    ...SERVICE,
    image: ecrImage(DEV_ACCOUNT, 'api'),
    certificateArn: `arn:aws:acm:eu-west-1:${DEV_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`,
    desiredTasks: 2,
    minTasks: 2,
    maxTasks: 4,
    cpu: 512,
    memoryMiB: 1024,
    logRetentionDays: 30,
    waf: { ...WAF, blockAnonymousIps: false },
    worker: { ...WORKER, image: ecrImage(DEV_ACCOUNT, 'worker'), minTasks: 1, maxTasks: 2 },
  },
  edge: { ...EDGE, cdn: false, originDomainName: 'origin.dev.marketplace.example.com', domainNames: [] },
  dr: {
    ...DR,
    targets: {
      instance: { rpoMinutes: 0, rtoMinutes: 15 },
      az: { rpoMinutes: 0, rtoMinutes: 30 },
      region: { rpoMinutes: 1440, rtoMinutes: 1440 },
    },
    backupRetentionDays: 7,
    pitrRetentionDays: 7,
    copyFrequencyHours: 24,
    copyRetentionDays: 7,
    vaultLock: false,
    restoreValidationHours: 2,
    dataSizeGiB: 10,
    redeployMinutes: 60,
    drAvailabilityZones: ['eu-central-1a', 'eu-central-1b'],
    monthlyBudgetUsd: 500,
    costAlertEmails: ['platform-costs@example.com'],
    anomalyThresholdUsd: 25,
    drillTaskStopPercent: 50,
  },
  rollout: ROLLOUT(10, 5),
  attestations: ATTESTATIONS,
  tags: { stage: 'dev', ...TAGS },
};

export const STAGING: StageConfig = {
  stage: 'staging',
  account: STAGING_ACCOUNT,
  ...REGIONS,
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  network: { cidr: '10.20.0.0/16', natGateways: 1, flowLogRetentionDays: 90 },
  database: {
    ...DATABASE,
    instanceType: 'r6g.large',
    readers: 1,
    minReaders: 1,
    maxReaders: 3,
    readerCpuTargetPercent: 70,
    backupRetentionDays: 7,
    slowQueryMs: 250,
    logRetentionDays: 90,
    monitoringIntervalSeconds: 30,
  },
  cache: { ...CACHE, nodeType: 'cache.r7g.large', replicasPerShard: 1, snapshotRetentionDays: 3, logRetentionDays: 90 },
  observability: {
    criticalEmails: ['platform-oncall@example.com'],
    warningEmails: ['platform-staging@example.com'],
    slo: { availabilityPercent: 99.5, latencyThresholdMs: 500, latencyPercent: 99 },
    canary: { healthPath: '/health', intervalMinutes: 5 },
    database: { cpuPercent: 80, freeableMemoryMiB: 1024, connectionsPercent: 80, replicaLagMs: 2000, freeLocalStorageMiB: 4096, deadlocksPerSecond: 0.5, proxyConnectionsPercent: 80 },
    cache: { engineCpuPercent: 80, memoryPercent: 85, evictionsPer5Min: 1000, replicationLagSeconds: 10, connections: 5000 },
    service: { error5xxPercent: 5, p99LatencyMs: 2000, cpuPercent: 80, memoryPercent: 85, queueOldestMessageSeconds: 900, wafBlockedPer5Min: 1000 },
  },
  security: {
    ...SECURITY,
    auditLockMode: 'GOVERNANCE',
    auditLogGroupRetentionDays: 90,
    guardDutyFeatures: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING', 'EBS_MALWARE_PROTECTION'],
  },
  service: {
    ...SERVICE,
    image: ecrImage(STAGING_ACCOUNT, 'api'),
    certificateArn: `arn:aws:acm:eu-west-1:${STAGING_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`,
    desiredTasks: 2,
    minTasks: 2,
    maxTasks: 10,
    cpu: 1024,
    memoryMiB: 2048,
    logRetentionDays: 90,
    waf: { ...WAF, blockAnonymousIps: false },
    worker: { ...WORKER, image: ecrImage(STAGING_ACCOUNT, 'worker'), minTasks: 2, maxTasks: 6 },
  },
  edge: {
    ...EDGE,
    cdn: true,
    originDomainName: 'origin.staging.marketplace.example.com',
    // An alias with its own certificate: the default *.cloudfront.net certificate still accepts TLS 1.0.
    domainNames: ['staging.marketplace.example.com'],
    certificateArn: `arn:aws:acm:us-east-1:${STAGING_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000002`,
  },
  dr: {
    ...DR,
    targets: {
      instance: { rpoMinutes: 0, rtoMinutes: 10 },
      az: { rpoMinutes: 0, rtoMinutes: 15 },
      region: { rpoMinutes: 720, rtoMinutes: 480 },
    },
    backupRetentionDays: 14,
    pitrRetentionDays: 7,
    copyFrequencyHours: 12,
    copyRetentionDays: 14,
    vaultLock: false,
    restoreValidationHours: 2,
    dataSizeGiB: 50,
    redeployMinutes: 45,
    drAvailabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    monthlyBudgetUsd: 1500,
    costAlertEmails: ['platform-costs@example.com'],
    anomalyThresholdUsd: 50,
    drillTaskStopPercent: 50,
  },
  rollout: ROLLOUT(30, 10),
  attestations: ATTESTATIONS,
  tags: { stage: 'staging', ...TAGS },
};

export const PROD: StageConfig = {
  stage: 'prod',
  account: PROD_ACCOUNT,
  ...REGIONS,
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  network: { cidr: '10.30.0.0/16', natGateways: 3, flowLogRetentionDays: 365 },
  database: {
    ...DATABASE,
    instanceType: 'r6g.xlarge',
    readers: 2,
    minReaders: 2,
    maxReaders: 5,
    readerCpuTargetPercent: 60,
    backupRetentionDays: 14,
    slowQueryMs: 100,
    logRetentionDays: 365,
    monitoringIntervalSeconds: 15,
  },
  cache: { ...CACHE, nodeType: 'cache.r7g.large', replicasPerShard: 2, snapshotRetentionDays: 7, logRetentionDays: 365 },
  observability: {
    criticalEmails: ['platform-oncall@example.com'],
    warningEmails: ['platform-alerts@example.com'],
    // The PagerDuty/Opsgenie integration URL lives in Secrets Manager; create the secret before deploying
    // (replicated to the DR region, whose topics page too).
    pagerUrlSecretName: 'prod/oncall/pager-integration-url',
    slo: { availabilityPercent: 99.9, latencyThresholdMs: 500, latencyPercent: 99 },
    canary: { healthPath: '/health', intervalMinutes: 1 },
    database: { cpuPercent: 80, freeableMemoryMiB: 2048, connectionsPercent: 80, replicaLagMs: 1000, freeLocalStorageMiB: 8192, deadlocksPerSecond: 0.1, proxyConnectionsPercent: 80 },
    cache: { engineCpuPercent: 75, memoryPercent: 80, evictionsPer5Min: 100, replicationLagSeconds: 5, connections: 5000 },
    service: { error5xxPercent: 2, p99LatencyMs: 1500, cpuPercent: 80, memoryPercent: 85, queueOldestMessageSeconds: 300, wafBlockedPer5Min: 2000 },
  },
  security: {
    ...SECURITY,
    auditLockMode: 'COMPLIANCE',
    auditLogGroupRetentionDays: 365,
    guardDutyFeatures: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING', 'EBS_MALWARE_PROTECTION'],
  },
  service: {
    ...SERVICE,
    image: ecrImage(PROD_ACCOUNT, 'api'),
    certificateArn: `arn:aws:acm:eu-west-1:${PROD_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`,
    desiredTasks: 3,
    minTasks: 3,
    maxTasks: 24,
    cpu: 1024,
    memoryMiB: 2048,
    logRetentionDays: 365,
    waf: { ...WAF, blockAnonymousIps: true },
    worker: { ...WORKER, image: ecrImage(PROD_ACCOUNT, 'worker'), minTasks: 2, maxTasks: 20 },
  },
  edge: {
    ...EDGE,
    cdn: true,
    originDomainName: 'origin.marketplace.example.com',
    domainNames: ['marketplace.example.com'],
    certificateArn: `arn:aws:acm:us-east-1:${PROD_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000001`,
  },
  dr: {
    ...DR,
    targets: {
      instance: { rpoMinutes: 0, rtoMinutes: 5 },
      az: { rpoMinutes: 0, rtoMinutes: 5 },
      region: { rpoMinutes: 60, rtoMinutes: 240 },
    },
    backupRetentionDays: 35,
    pitrRetentionDays: 35,
    copyFrequencyHours: 1,
    copyRetentionDays: 35,
    vaultLock: true,
    restoreValidationHours: 4,
    dataSizeGiB: 200,
    redeployMinutes: 45,
    drAvailabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    monthlyBudgetUsd: 5000,
    costAlertEmails: ['platform-costs@example.com', 'finance@example.com'],
    anomalyThresholdUsd: 100,
    drillTaskStopPercent: 30,
    // With compute: 'eks' (-c compute=eks), the DR region keeps a warm-standby cluster.
    standbyCluster: { enabled: true, minReplicas: 2 },
  },
  incident: PROD_INCIDENT,
  rollout: ROLLOUT(60, 30),
  attestations: ATTESTATIONS,
  tags: { stage: 'prod', ...TAGS },
};

export const STAGES: Readonly<Record<StageName, StageConfig>> = { dev: DEV, staging: STAGING, prod: PROD };
