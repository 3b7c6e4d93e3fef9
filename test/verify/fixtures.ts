import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ControlReport, EvidenceItem, ReadinessReport, REPORT_SCHEMA_VERSION } from '../../lib/readiness/types';

/** Physical IDs of the fixture stage as CloudFormation would report them. */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:Prod-Observability-OnCallTopic-AbC123`;
export const API_ALARM = 'Prod-Observability-Api5xxAlarm-1A2B3C';
export const DB_ALARM = 'Prod-Observability-DbCpuAlarm-4D5E6F';
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:DatabaseSecret-XyZ-a1b2c3`;
export const OBS_STACK = 'Prod-Observability';
export const DATA_STACK = 'Prod-Data';

function evidence(stackName: string, logicalId: string, resourceType: string): EvidenceItem {
  return { constructPath: `Prod/${stackName.replace('Prod-', '')}/${logicalId}`, logicalId, stackName, resourceType };
}

function control(id: string, overrides: Partial<ControlReport>): ControlReport {
  return {
    id,
    title: id,
    severity: 'High',
    area: 'Reliability & Monitoring',
    owner: 'Operations',
    risk: 'Production incidents may lack triage.',
    verification: 'synth',
    status: 'ready',
    statusReason: 'rules pass',
    evidence: [],
    findings: [],
    tests: [],
    waivers: [],
    sources: ['3.1'],
    ...overrides,
  };
}

/** A synth report of stage prod: two live controls (alarms, secret rotation) and one synth-only control. */
export function fixtureReport(overrides: Partial<ReadinessReport> = {}): ReadinessReport {
  const controls: ControlReport[] = [
    control('ALARMS', {
      title: 'Monitoring alarms page the on-call',
      status: 'conditional',
      statusReason: 'declared; waiting on the live check',
      live: {
        check: 'alarms',
        resources: [
          evidence(OBS_STACK, 'Api5xxAlarm', 'AWS::CloudWatch::Alarm'),
          evidence(OBS_STACK, 'DbCpuAlarm', 'AWS::CloudWatch::Alarm'),
          evidence(OBS_STACK, 'OnCallTopic', 'AWS::SNS::Topic'),
        ],
      },
    }),
    control('SECRET-ROTATION', {
      title: 'Secrets rotate',
      area: 'Security',
      severity: 'Critical',
      status: 'conditional',
      statusReason: 'rotation schedule declared; waiting on the live check',
      live: {
        check: 'secret-rotation',
        resources: [
          evidence(DATA_STACK, 'DatabaseSecret', 'AWS::SecretsManager::Secret'),
          evidence(DATA_STACK, 'DatabaseSecretRotation', 'AWS::SecretsManager::RotationSchedule'),
        ],
      },
    }),
    control('DB-HA', { title: 'Database is multi-AZ', area: 'Infrastructure', severity: 'Critical' }),
  ];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    stage: 'prod',
    scopePath: 'Prod',
    generatedAt: '2026-11-20T10:00:00.000Z',
    summary: {
      total: 3,
      byStatus: { ready: 1, conditional: 2, missing: 0, 'not-applicable': 0 },
      bySeverity: {
        Critical: { ready: 1, conditional: 1, missing: 0, 'not-applicable': 0 },
        High: { ready: 0, conditional: 1, missing: 0, 'not-applicable': 0 },
        Medium: { ready: 0, conditional: 0, missing: 0, 'not-applicable': 0 },
        Low: { ready: 0, conditional: 0, missing: 0, 'not-applicable': 0 },
      },
    },
    controls,
    sections: [],
    ...overrides,
  };
}

/** `DescribeStackResources` rows of the two deployed stacks. */
export const STACK_RESOURCES: Record<string, { logicalId: string; physicalId: string; type: string }[]> = {
  [OBS_STACK]: [
    { logicalId: 'Api5xxAlarm', physicalId: API_ALARM, type: 'AWS::CloudWatch::Alarm' },
    { logicalId: 'DbCpuAlarm', physicalId: DB_ALARM, type: 'AWS::CloudWatch::Alarm' },
    { logicalId: 'OnCallTopic', physicalId: TOPIC_ARN, type: 'AWS::SNS::Topic' },
  ],
  [DATA_STACK]: [
    { logicalId: 'DatabaseSecret', physicalId: SECRET_ARN, type: 'AWS::SecretsManager::Secret' },
    { logicalId: 'DatabaseSecretRotation', physicalId: SECRET_ARN, type: 'AWS::SecretsManager::RotationSchedule' },
  ],
};

const tempDirs: string[] = [];

/** A fresh temporary directory, removed by `removeTempDirs`. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Call from `afterAll` in every file that writes fixtures. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes the report to `<tmp>/cdk.out/readiness/prod.json`; returns the assembly directory. */
export function writeFixtureAssembly(report: unknown = fixtureReport()): string {
  const assembly = path.join(tempDir('readiness-verify-'), 'cdk.out');
  fs.mkdirSync(path.join(assembly, 'readiness'), { recursive: true });
  fs.writeFileSync(path.join(assembly, 'readiness', 'prod.json'), JSON.stringify(report, null, 2));
  return assembly;
}

export const NOW = new Date('2026-11-21T12:00:00.000Z');
export const DAY = 86_400_000;
export const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * DAY);

/** The stack holding the resources the control checks find by type (restore testing plan, drill, canary). */
export const RESILIENCE_STACK = 'Prod-Resilience';
export const RESTORE_PLAN = 'prod_restore_testing_plan';
export const RESTORE_PLAN_ARN = `arn:aws:backup:${REGION}:${ACCOUNT}:restore-testing-plan:${RESTORE_PLAN}-0f1e`;
export const DRILL_TEMPLATE = 'EXTdbfailover0001';
export const CANARY = 'prod-api-canary';
export const DETECTOR = 'det0123456789abcdef';
export const REPLICATION_GROUP = 'prod-redis';
export const BURN_ALARM = 'Prod-Resilience-ApiSloTicket3dLongWindow-9Z8Y7X';
export const BACKUP_PLAN_ID = '0a1b2c3d-4e5f-6789-abcd-ef0123456789';
export const DR_VAULT_ARN = `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:ProdDrVault`;
export const BUDGET = 'prod-monthly-budget';
export const ANOMALY_MONITOR = `arn:aws:ce::${ACCOUNT}:anomalymonitor/0a1b2c3d`;

export const RESILIENCE_RESOURCES = [
  { logicalId: 'RestoreTestingPlan', physicalId: RESTORE_PLAN, type: 'AWS::Backup::RestoreTestingPlan' },
  { logicalId: 'DbFailoverDrill', physicalId: DRILL_TEMPLATE, type: 'AWS::FIS::ExperimentTemplate' },
  { logicalId: 'ApiCanary', physicalId: CANARY, type: 'AWS::Synthetics::Canary' },
  { logicalId: 'Detector', physicalId: DETECTOR, type: 'AWS::GuardDuty::Detector' },
  { logicalId: 'RedisReplicationGroup', physicalId: REPLICATION_GROUP, type: 'AWS::ElastiCache::ReplicationGroup' },
  { logicalId: 'ApiSloTicket3dLongWindow', physicalId: BURN_ALARM, type: 'AWS::CloudWatch::Alarm' },
  { logicalId: 'BackupPlan', physicalId: BACKUP_PLAN_ID, type: 'AWS::Backup::BackupPlan' },
  { logicalId: 'MonthlyBudget', physicalId: BUDGET, type: 'AWS::Budgets::Budget' },
  { logicalId: 'CostAnomalyMonitor', physicalId: ANOMALY_MONITOR, type: 'AWS::CE::AnomalyMonitor' },
];

/**
 * The fixture report plus the controls whose checks find resources by type: BACKUP-DR (restore tests),
 * CHAOS (drills), HEALTH-CHECK (canaries), SECURITY-MONITORING (baseline). Their evidence names the
 * stack and the construct paths, as a synth report does.
 */
export function controlChecksReport(): ReadinessReport {
  const base = fixtureReport();
  const path = (logicalId: string): EvidenceItem => ({
    constructPath: `Prod/Resilience/${logicalId}/Resource`,
    logicalId,
    stackName: RESILIENCE_STACK,
    resourceType: RESILIENCE_RESOURCES.find((r) => r.logicalId === logicalId)!.type,
  });
  const extra: ControlReport[] = [
    control('BACKUP-DR', { title: 'Backups copied and restore-tested', area: 'Infrastructure', evidence: [path('RestoreTestingPlan')] }),
    control('CHAOS', { title: 'Failure drills', area: 'Testing', severity: 'Low', evidence: [path('DbFailoverDrill')] }),
    control('HEALTH-CHECK', { title: 'Deep health checks', severity: 'Medium', evidence: [path('ApiCanary')] }),
    control('SECURITY-MONITORING', { title: 'Security monitoring', area: 'Security', evidence: [path('Detector')] }),
    control('SLO', { title: 'SLO monitoring', evidence: [path('ApiSloTicket3dLongWindow')] }),
    control('RTO-RPO', { title: 'Recovery objectives met', area: 'Infrastructure', evidence: [path('BackupPlan')] }),
    control('COST', { title: 'Cost tracking', area: 'Operational Readiness', severity: 'Low', evidence: [path('MonthlyBudget'), path('CostAnomalyMonitor')] }),
  ];
  return { ...base, controls: [...base.controls, ...extra] };
}
