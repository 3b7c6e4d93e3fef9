import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { BackupClient, GetBackupPlanCommand, GetRestoreTestingPlanCommand, ListRecoveryPointsByBackupVaultCommand, ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { CostExplorerClient, GetAnomalyMonitorsCommand } from '@aws-sdk/client-cost-explorer';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStackResourcesCommandInput, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsCommandInput, GetMetricDataCommand, GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeHubCommand, GetEnabledStandardsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../lib/verify/cli';
import { FisClient, ListExperimentsCommand } from '../../lib/verify/fis';
import { LiveReadinessReport } from '../../lib/verify/types';
import { verifyReport as verifyReportOnDemand } from '../../lib/verify/on-demand';
import { verifyReport } from '../../lib/verify/verify';
import { denied, testClients } from './check-context';
import {
  API_ALARM,
  controlChecksReport,
  DAY,
  daysAgo,
  DB_ALARM,
  NOW,
  REGION,
  removeTempDirs,
  RESILIENCE_RESOURCES,
  RESILIENCE_STACK,
  RESTORE_PLAN,
  RESTORE_PLAN_ARN,
  SECRET_ARN,
  STACK_RESOURCES,
  TOPIC_ARN,
  writeFixtureAssembly,
} from './fixtures';

const cfn = mockClient(CloudFormationClient);
const cw = mockClient(CloudWatchClient);
const sm = mockClient(SecretsManagerClient);
const backup = mockClient(BackupClient);
const fis = mockClient(FisClient as never);
const gd = mockClient(GuardDutyClient);
const sh = mockClient(SecurityHubClient);
const aa = mockClient(AccessAnalyzerClient);
const ct = mockClient(CloudTrailClient);
const ec = mockClient(ElastiCacheClient);
const budgets = mockClient(BudgetsClient);
const ce = mockClient(CostExplorerClient);

const ALL: Record<string, { logicalId: string; physicalId: string; type: string }[]> = { ...STACK_RESOURCES, [RESILIENCE_STACK]: RESILIENCE_RESOURCES };

function healthy(): void {
  [cfn, cw, sm, backup, fis, gd, sh, aa, ct, ec, budgets, ce].forEach((m) => m.reset());
  backup.on(GetBackupPlanCommand).resolves({ BackupPlan: { BackupPlanName: 'p', Rules: [{ RuleName: 'r', TargetBackupVaultName: 'v', CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:Dr' }] }] } });
  backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [{ RecoveryPointArn: 'rp', Status: 'COMPLETED', CreationDate: daysAgo(0.25) }] });
  budgets.on(DescribeBudgetCommand).resolves({ Budget: { BudgetName: 'b', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '100', Unit: 'USD' }, CalculatedSpend: { ActualSpend: { Amount: '10', Unit: 'USD' }, ForecastedSpend: { Amount: '50', Unit: 'USD' } } } });
  ce.on(GetAnomalyMonitorsCommand).callsFake((i: { MonitorArnList?: string[] }) => ({ AnomalyMonitors: (i.MonitorArnList ?? []).map((MonitorArn) => ({ MonitorArn, MonitorName: 'm', MonitorType: 'DIMENSIONAL' })) }));
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: 'prod-redis', AuthTokenEnabled: true, AuthTokenLastModifiedDate: daysAgo(3) }] });
  cfn.on(DescribeStackResourcesCommand).callsFake((input: DescribeStackResourcesCommandInput) => ({
    StackResources: (ALL[input.StackName!] ?? []).map((r) => ({
      StackName: input.StackName,
      StackId: `arn:aws:cloudformation:${REGION}:123456789012:stack/${input.StackName}/1`,
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      ResourceStatus: 'CREATE_COMPLETE',
      Timestamp: NOW,
    })),
  }));
  const alarms = [API_ALARM, DB_ALARM].map((n) => ({ AlarmName: n, ActionsEnabled: true, AlarmActions: [TOPIC_ARN], StateValue: 'OK' as const }));
  cw.on(DescribeAlarmsCommand).callsFake((i: DescribeAlarmsCommandInput) => ({ MetricAlarms: i.ActionPrefix ? alarms : alarms.filter((a) => i.AlarmNames?.includes(a.AlarmName)) }));
  cw.on(GetMetricDataCommand).callsFake((i: GetMetricDataCommandInput) => ({
    MetricDataResults: (i.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Values: [q.MetricStat?.Stat === 'Average' ? 100 : 288] })),
  }));
  sm.on(DescribeSecretCommand).resolves({
    ARN: SECRET_ARN,
    RotationEnabled: true,
    RotationRules: { AutomaticallyAfterDays: 30 },
    LastRotatedDate: daysAgo(5),
    NextRotationDate: new Date(NOW.getTime() + 25 * DAY),
    VersionIdsToStages: { v1: ['AWSCURRENT'] },
  });
  backup.on(GetRestoreTestingPlanCommand).resolves({
    RestoreTestingPlan: { RestoreTestingPlanArn: RESTORE_PLAN_ARN, RestoreTestingPlanName: RESTORE_PLAN, ScheduleExpression: 'cron(0 5 ? * SAT *)', CreationTime: daysAgo(50), RecoveryPointSelection: {} },
  });
  backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [{ RestoreJobId: 'rj-1', CreationDate: daysAgo(2), CompletionDate: daysAgo(2), Status: 'COMPLETED', ValidationStatus: 'SUCCESSFUL' }] });
  fis.on(ListExperimentsCommand as never).resolves({ experiments: [{ id: 'EXP1', creationTime: daysAgo(10), state: { status: 'completed' } }] } as never);
  gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['det'] });
  gd.on(GetDetectorCommand).resolves({ Status: 'ENABLED', ServiceRole: 'r', Features: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING'].map((Name) => ({ Name: Name as never, Status: 'ENABLED' })) });
  sh.on(DescribeHubCommand).resolves({ HubArn: 'hub' });
  sh.on(GetEnabledStandardsCommand).resolves({ StandardsSubscriptions: [{ StandardsArn: 'arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0', StandardsStatus: 'READY' } as never] });
  aa.on(ListAnalyzersCommand).resolves({ analyzers: [{ arn: 'a', name: 'acct', type: 'ACCOUNT', status: 'ACTIVE', createdAt: NOW }] });
  ct.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 't', TrailARN: 'arn:t', HomeRegion: REGION, IsMultiRegionTrail: true }] });
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
}

beforeEach(healthy);
afterAll(removeTempDirs);

const verify = (opts: Parameters<typeof verifyReport>[2] = { defaultRegion: REGION }) => verifyReport(controlChecksReport(), testClients, { now: () => NOW, ...opts });
const control = (live: LiveReadinessReport, id: string) => live.controls.find((c) => c.id === id)!;

describe('checks found by resource type, merged into their controls', () => {
  test('a healthy stage proves BACKUP-DR, CHAOS, HEALTH-CHECK and SECURITY-MONITORING live, with construct paths and evidence times', async () => {
    const groups: string[] = [];
    const live = await verify({ defaultRegion: REGION, onGroup: (l) => groups.push(l) });
    for (const id of ['BACKUP-DR', 'CHAOS', 'HEALTH-CHECK', 'SECURITY-MONITORING']) {
      expect([id, control(live, id).synthStatus, control(live, id).liveResult?.status, control(live, id).status]).toEqual([id, 'ready', 'ready', 'ready']);
    }
    expect(control(live, 'CHAOS').liveResult!.resources[0]).toMatchObject({
      constructPath: 'Prod/Resilience/DbFailoverDrill/Resource',
      evidenceAt: daysAgo(10).toISOString(),
    });
    expect(groups).toEqual([
      'alarms (ALARMS): 3 checked, 3 ready, 0 conditional, 0 missing',
      'secret-rotation (SECRET-ROTATION): 3 checked, 3 ready, 0 conditional, 0 missing',
      'restore-tests (BACKUP-DR): 1 checked, 1 ready, 0 conditional, 0 missing',
      'failover-drills (CHAOS): 1 checked, 1 ready, 0 conditional, 0 missing',
      'security-baseline (SECURITY-MONITORING): 4 checked, 4 ready, 0 conditional, 0 missing',
      'canaries (HEALTH-CHECK): 1 checked, 1 ready, 0 conditional, 0 missing',
      'backup-copies (RTO-RPO): 1 checked, 1 ready, 0 conditional, 0 missing',
      'cost (COST): 2 checked, 2 ready, 0 conditional, 0 missing',
      // The mocked account has no burn-rate alarm under that name.
      'slo (SLO): nothing to check',
    ]);
    // Stacks of fewer than 100 resources: DescribeStackResources already listed everything.
    expect(cfn.commandCalls(ListStackResourcesCommand)).toHaveLength(0);
    expect(live.live.unknown).toEqual([]);
  });

  test('access denied on GuardDuty marks SECURITY-MONITORING unknown with the code; the other checks still run', async () => {
    gd.on(ListDetectorsCommand).rejects(denied());
    const live = await verify();
    const sec = control(live, 'SECURITY-MONITORING');
    expect(sec.liveResult).toMatchObject({ status: 'unknown', errorCode: 'AccessDeniedException' });
    expect(sec.status).toBe('conditional');
    expect(sec.statusReason).toMatch(/^live check could not run: Access denied: guardduty:ListDetectors/);
    expect(live.live.unknown).toEqual(['SECURITY-MONITORING']);
    expect(control(live, 'CHAOS').liveResult?.status).toBe('ready');
  });

  test('expired credentials in a check still abort the run (exit 2)', async () => {
    backup.on(GetRestoreTestingPlanCommand).rejects(Object.assign(new Error('expired'), { name: 'ExpiredTokenException' }));
    await expect(verify()).rejects.toThrow(/AWS credentials have expired/);
  });

  test('--checks runs only the named checks, with one progress line per group', async () => {
    let stdout = '';
    let stderr = '';
    const assembly = writeFixtureAssembly(controlChecksReport());
    const code = await main(
      ['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION, '--checks', 'failover-drills,cost', '--progress', '--format', 'json'],
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress: false },
      { clients: () => testClients, now: () => NOW },
    );
    const live = JSON.parse(stdout) as LiveReadinessReport;
    expect(code).toBe(0);
    expect(live.controls.filter((c) => c.liveResult).map((c) => c.id)).toEqual(['CHAOS', 'COST']);
    expect(stderr).toContain('failover-drills (CHAOS): 1 checked, 1 ready, 0 conditional, 0 missing\n');
    expect(stderr).toContain('cost (COST): 2 checked, 2 ready, 0 conditional, 0 missing\n');
    expect(backup.calls()).toHaveLength(0);
    expect(gd.calls()).toHaveLength(0);
  });

  test('a check whose resources are not deployed leaves a note and no live result', async () => {
    cfn.on(DescribeStackResourcesCommand, { StackName: RESILIENCE_STACK }).resolves({ StackResources: [] });
    const live = await verify({ defaultRegion: REGION, checks: ['canaries'] });
    expect(live.live.notes).toEqual(['canaries (HEALTH-CHECK): the deployed stacks have no AWS::Synthetics::Canary, nothing to prove live.']);
    expect(control(live, 'HEALTH-CHECK').liveResult).toBeUndefined();
    expect(control(live, 'HEALTH-CHECK').status).toBe('ready');
  });

  test('an unknown check exits 1, and a usage error names a bad --checks value', async () => {
    gd.on(ListDetectorsCommand).rejects(denied());
    const io = { stdout: () => undefined, stderr: () => undefined, progress: false };
    const assembly = writeFixtureAssembly(controlChecksReport());
    expect(await main(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION], io, { clients: () => testClients, now: () => NOW })).toBe(1);
    let stderr = '';
    const code = await main(['verify', '--stage', 'prod', '--checks', 'alarms,drills'], { ...io, stderr: (t) => (stderr += t) });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--checks "alarms,drills": name checks from alarms, secret-rotation, restore-tests/);
  });
});

describe('services the organization provides (the report names the check, lists no resources)', () => {
  /** The synth report of an app that declared its audit trail, GuardDuty and Security Hub provided by the organization. */
  function providedReport() {
    const base = controlChecksReport();
    const provided = (id: string) => ({
      status: 'conditional' as const,
      statusReason: `${id} provided by the organization (AWS Control Tower; evidence https://wiki.acme-corp.io/lz; checked 2026-11-02), to be proven live.`,
      evidence: [{ constructPath: '', note: 'provided by the organization' }],
      live: { check: 'security-baseline' as const, resources: [] },
    });
    const audit = { ...base.controls.find((c) => c.id === 'SECURITY-MONITORING')!, id: 'AUDIT-TRAIL', title: 'Audit logs', ...provided('Audit trail') };
    return { ...base, controls: [...base.controls.map((c) => (c.id === 'SECURITY-MONITORING' ? { ...c, ...provided('GuardDuty') } : c)), audit] };
  }

  test('verify runs the security-baseline check for them and merges its result into SECURITY-MONITORING and AUDIT-TRAIL', async () => {
    const groups: string[] = [];
    const live = await verifyReport(providedReport(), testClients, { now: () => NOW, defaultRegion: REGION, onGroup: (l) => groups.push(l) });
    for (const id of ['SECURITY-MONITORING', 'AUDIT-TRAIL']) {
      expect([id, control(live, id).liveResult?.check, control(live, id).liveResult?.status]).toEqual([id, 'security-baseline', 'ready']);
    }
    expect(groups).toContain('security-baseline (SECURITY-MONITORING): 4 checked, 4 ready, 0 conditional, 0 missing');
    expect(live.live.unknown).toEqual([]);
  });

  test("the main module's verifyReport (loaded on first call, lib/verify/on-demand.ts) gives the same report", async () => {
    const direct = await verifyReport(providedReport(), testClients, { now: () => NOW, defaultRegion: REGION });
    const onDemand = await verifyReportOnDemand(providedReport(), testClients, { now: () => NOW, defaultRegion: REGION });
    expect(control(onDemand, 'SECURITY-MONITORING').liveResult?.status).toBe('ready');
    expect(onDemand).toEqual(direct);
  });

  test('a trail that stopped logging in the account makes both missing live', async () => {
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const live = await verifyReport(providedReport(), testClients, { now: () => NOW, defaultRegion: REGION });
    expect(control(live, 'AUDIT-TRAIL').liveResult?.status).toBe('missing');
    expect(control(live, 'AUDIT-TRAIL').status).toBe('missing');
  });
});
