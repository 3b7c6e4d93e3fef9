/**
 * Runs the `readiness` bin as a child process against a loopback server that speaks the AWS wire
 * protocols, so the real SDK serialization, credential chain, exit codes and written files are exercised.
 */
import { execFile } from 'child_process';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { LiveReadinessReport } from '../../lib/verify/types';
import { FakeAws, FakeAwsState } from './fake-aws';
import {
  API_ALARM,
  CANARY,
  controlChecksReport,
  DATA_STACK,
  DB_ALARM,
  DETECTOR,
  DRILL_TEMPLATE,
  OBS_STACK,
  RESILIENCE_RESOURCES,
  RESILIENCE_STACK,
  RESTORE_PLAN,
  RESTORE_PLAN_ARN,
  REPLICATION_GROUP,
  BURN_ALARM,
  BACKUP_PLAN_ID,
  DR_VAULT_ARN,
  BUDGET,
  ANOMALY_MONITOR,
  REGION,
  removeTempDirs,
  SECRET_ARN,
  STACK_RESOURCES,
  tempDir,
  TOPIC_ARN,
  writeFixtureAssembly,
} from './fixtures';

const ROOT = path.join(__dirname, '..', '..');
/** The installed bin: the launcher, which runs dist/ when built and the TypeScript sources through ts-node otherwise. */
const LAUNCHER = path.join(ROOT, 'bin', 'readiness-cli.js');
/**
 * The same CLI compiled once, as dist/ would hold it: ts-node costs about 1.3 s of CPU per start, so the
 * other runs use this bundle (its dependencies resolve from node_modules as the published package's do).
 */
const BUNDLE_DIR = path.join(ROOT, 'node_modules', '.cache', 'readiness-e2e');
const BUNDLE = path.join(BUNDLE_DIR, `readiness-${process.pid}.js`);

function bundleCli(): void {
  fs.mkdirSync(BUNDLE_DIR, { recursive: true });
  esbuild.buildSync({ entryPoints: [path.join(ROOT, 'bin', 'readiness.ts')], bundle: true, platform: 'node', target: 'node20', packages: 'external', outfile: BUNDLE, logLevel: 'error' });
}
const DAY = 86_400_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A clean environment: no AWS variables, no config files, no instance metadata, not a terminal. */
function baseEnv(): NodeJS.ProcessEnv {
  const home = tempDir('readiness-home-');
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-such-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-such-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
  };
}

function runCli(args: string[], env: NodeJS.ProcessEnv, via: 'bundle' | 'launcher' = 'bundle'): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [via === 'launcher' ? LAUNCHER : BUNDLE, ...args], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function stageState(overrides: Partial<FakeAwsState> = {}): FakeAwsState {
  const now = Date.now();
  return {
    stacks: Object.fromEntries(
      Object.entries(STACK_RESOURCES).map(([stack, rows]) => [stack, rows.map((r) => ({ logicalId: r.logicalId, physicalId: r.physicalId, type: r.type }))]),
    ),
    alarms: [
      { name: API_ALARM, state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).', actions: [TOPIC_ARN] },
      { name: DB_ALARM, state: 'OK', reason: 'Threshold Crossed: no datapoints were greater than the threshold.', actions: [TOPIC_ARN] },
    ],
    secrets: [
      // Rotates every 30 days, last rotated 45 days ago: overdue.
      {
        arn: SECRET_ARN,
        rotationEnabled: true,
        rotateAfterDays: 30,
        lastRotated: new Date(now - 45 * DAY),
        nextRotation: new Date(now - 15 * DAY),
        created: new Date(now - 200 * DAY),
      },
    ],
    ...overrides,
  };
}

describe('readiness verify (child process, loopback AWS)', () => {
  const fake = new FakeAws(stageState());
  let endpoint: string;
  let awsEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    bundleCli();
    endpoint = await fake.start();
    awsEnv = {
      ...baseEnv(),
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      // Backup, FIS, GuardDuty, Security Hub, Access Analyzer, CloudTrail: the global override.
      AWS_ENDPOINT_URL: endpoint,
      AWS_MAX_ATTEMPTS: '3',
    };
  });

  afterAll(async () => {
    await fake.stop();
    removeTempDirs();
    fs.rmSync(BUNDLE, { force: true });
  });

  describe('a stage with one alarm in ALARM and one secret whose rotation is overdue', () => {
    let assembly: string;
    let run: Run;
    let live: LiveReadinessReport;

    beforeAll(async () => {
      fake.state = stageState();
      fake.requests.length = 0;
      assembly = writeFixtureAssembly();
      run = await runCli(['verify', '--stage', 'prod', '--assembly', assembly], awsEnv);
      live = JSON.parse(fs.readFileSync(path.join(assembly, 'readiness', 'prod.live.json'), 'utf8'));
    });

    test('exits 1 and prints both controls as missing', () => {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/\| ALARMS \| alarms \| conditional \| missing \| missing \| 2\/3 \|/);
      expect(run.stdout).toMatch(/\| SECRET-ROTATION \| secret-rotation \| conditional \| missing \| missing \| 0\/2 \|/);
      expect(run.stdout).toContain('Live controls: 0 ready, 0 conditional, 2 missing.');
    });

    test('the alarm in ALARM is missing with the state reason parsed from the JSON 1.0 response', () => {
      const alarms = live.controls.find((c) => c.id === 'ALARMS')!.liveResult!;
      expect(alarms.resources.find((r) => r.logicalId === 'Api5xxAlarm')).toMatchObject({
        physicalId: API_ALARM,
        status: 'missing',
        reason: expect.stringMatching(/^in ALARM since 2026-11-21T09:00:00.000Z: Threshold Crossed: 1 datapoint \[42.0\]/),
      });
      expect(alarms.resources.find((r) => r.logicalId === 'DbCpuAlarm')?.status).toBe('ready');
    });

    test('the overdue secret is missing, dates parsed from the JSON 1.1 response', () => {
      const rotation = live.controls.find((c) => c.id === 'SECRET-ROTATION')!;
      expect(rotation.status).toBe('missing');
      expect(rotation.liveResult!.resources.map((r) => [r.resourceType, r.physicalId, r.status])).toEqual([
        ['AWS::SecretsManager::Secret', SECRET_ARN, 'missing'],
        ['AWS::SecretsManager::RotationSchedule', SECRET_ARN, 'missing'],
      ]);
      expect(rotation.liveResult!.resources[0].reason).toMatch(/^rotation overdue: last rotated .* \(45(\.0)? d ago\), rotation every 30 d/);
    });

    test('writes prod.live.json and prod.live.md beside the synth report, with a timestamp', () => {
      expect(Date.now() - Date.parse(live.live.verifiedAt)).toBeLessThan(120_000);
      const md = fs.readFileSync(path.join(assembly, 'readiness', 'prod.live.md'), 'utf8');
      expect(md).toContain(`| ${OBS_STACK} | Api5xxAlarm | AWS::CloudWatch::Alarm | ${API_ALARM} | missing | in ALARM`);
      expect(md).toContain(`| ${DATA_STACK} | DatabaseSecret | AWS::SecretsManager::Secret | ${SECRET_ARN} | missing | rotation overdue`);
    });

    test('the SDK sent signed calls in each protocol, and never GetSecretValue', () => {
      const calls = fake.requests.map((r) => `${r.service}:${r.action}`).sort();
      expect(calls).toEqual([
        'cloudformation:DescribeStackResources',
        'cloudformation:DescribeStackResources',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:GetMetricData',
        'secretsmanager:DescribeSecret',
      ]);
      expect(fake.requests.every((r) => r.signed)).toBe(true);
      expect(fake.requests.find((r) => r.service === 'cloudformation')?.params).toMatchObject({ Version: '2010-05-15' });
      expect(fake.requests.find((r) => r.service === 'cloudwatch' && r.params.AlarmNames)?.params).toMatchObject({ AlarmNames: [API_ALARM, DB_ALARM] });
      expect(fake.requests.find((r) => r.service === 'cloudwatch' && r.params.ActionPrefix)?.params).toMatchObject({ ActionPrefix: TOPIC_ARN });
    });
  });

  test('a healthy stage exits 0 (through the installed bin)', async () => {
    const now = Date.now();
    fake.state = stageState({
      alarms: stageState().alarms.map((a) => ({ ...a, state: 'OK' as const })),
      secrets: [{ ...stageState().secrets[0], lastRotated: new Date(now - 3 * DAY), nextRotation: new Date(now + 27 * DAY) }],
    });
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], awsEnv, 'launcher');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Live controls: 2 ready, 0 conditional, 0 missing.');
  });

  test('a stack that is not deployed: one warning line naming it, resources missing, exit 1', async () => {
    fake.state = stageState({ stacks: { [OBS_STACK]: stageState().stacks[OBS_STACK] } });
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], awsEnv);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`warning: stack ${DATA_STACK} is not deployed in ${REGION}: deploy it, or pass the --region it is deployed to.\n`);
  });

  test('throttling is retried by the SDK, then reported in one line with exit 2', async () => {
    fake.state = stageState({ throttleAlarms: true });
    fake.requests.length = 0;
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], awsEnv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^readiness verify: Throttled: cloudwatch:DescribeAlarms in eu-west-1 was still throttled after 3 attempts with backoff \(Throttling\)/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.service === 'cloudwatch')).toHaveLength(3);
  });

  test('AccessDenied names the action and the resource, one line, exit 2', async () => {
    fake.state = stageState({ denySecrets: true });
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], awsEnv);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `readiness verify: Access denied: secretsmanager:DescribeSecret on ${SECRET_ARN} in ${REGION} (AccessDeniedException). ` +
        'Grant secretsmanager:DescribeSecret to the caller; the README lists the policy the command needs.\n',
    );
  });

  test('expired credentials (ExpiredToken in the XML error) exit 2 with one line saying to refresh them', async () => {
    fake.state = stageState({ expiredToken: true });
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], { ...awsEnv, AWS_SESSION_TOKEN: 'stale-session-token' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'readiness verify: AWS credentials have expired (ExpiredToken): refresh them ' +
        '(aws sso login, or export new AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN) and run again.\n',
    );
  });

  test('a --profile that does not exist is named in the one-line error', async () => {
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly(), '--profile', 'ops'], { ...baseEnv(), AWS_REGION: REGION });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^readiness verify: No AWS credentials for profile "ops": check ~\/.aws\/config and ~\/.aws\/credentials/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('with no credentials at all it exits 2 within seconds with one line, before any call', async () => {
    fake.requests.length = 0;
    const env = { ...baseEnv(), AWS_REGION: REGION, AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint, AWS_ENDPOINT_URL_CLOUDWATCH: endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint };
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'readiness verify: No AWS credentials found: pass --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.\n',
    );
    expect(run.stdout).toBe('');
    expect(run.ms).toBeLessThan(10_000);
    expect(fake.requests).toHaveLength(0);
  });

  test('without a region it exits 2 and says how to set one', async () => {
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], { ...baseEnv(), AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('readiness verify: No AWS region: pass --region, set AWS_REGION, or set region in the profile.\n');
  });

  describe('a stage with one silent alarm, one failed restore job, one stale drill and a disabled GuardDuty', () => {
    const FSBP = 'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0';
    let run: Run;
    let live: LiveReadinessReport;
    let md: string;
    const t0 = Date.now();
    const failedAt = new Date(t0 - 1 * DAY);
    const drillAt = new Date(t0 - 200 * DAY);
    const silentSince = new Date(t0 - 3 * DAY);

    function resilientStage(overrides: Partial<FakeAwsState> = {}): FakeAwsState {
      const base = stageState();
      return {
        ...base,
        stacks: { ...base.stacks, [RESILIENCE_STACK]: RESILIENCE_RESOURCES.map((r) => ({ ...r })) },
        alarms: [
          ...base.alarms.map((a) => ({ ...a, state: 'OK' as const })),
          { name: BURN_ALARM, state: 'OK' as const, reason: 'fine', actions: [], burnRate: 1 },
        ],
        secrets: [{ ...base.secrets[0], lastRotated: new Date(t0 - 3 * DAY), nextRotation: new Date(t0 + 27 * DAY) }],
        restoreTestingPlans: [
          {
            name: RESTORE_PLAN,
            arn: RESTORE_PLAN_ARN,
            schedule: 'cron(0 5 ? * SAT *)',
            jobs: [{ id: 'rj-ok', created: new Date(t0 - 3 * DAY), status: 'COMPLETED', validation: 'SUCCESSFUL' }],
          },
        ],
        experiments: [{ id: 'EXPfresh', templateId: DRILL_TEMPLATE, created: new Date(t0 - 10 * DAY), status: 'completed' }],
        guardDuty: { id: DETECTOR, status: 'ENABLED', features: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING'] },
        securityHubStandards: [FSBP],
        analyzers: [{ name: 'account', status: 'ACTIVE' }],
        trails: [{ name: 'org-trail', logging: true }],
        canaries: { [CANARY]: [100, 288] },
        replicationGroups: [{ id: REPLICATION_GROUP, authTokenLastModified: new Date(t0 - 12 * DAY) }],
        sloErrorRatio: 0.0004,
        backupPlans: [{ id: BACKUP_PLAN_ID, copyTo: DR_VAULT_ARN }],
        recoveryPoints: { ProdDrVault: [{ arn: 'arn:aws:backup:eu-central-1:123456789012:recovery-point:rp-1', created: new Date(t0 - 6 * 3_600_000) }] },
        budgets: [{ name: BUDGET, limit: 1000, forecast: 800 }],
        anomalyMonitors: [ANOMALY_MONITOR],
        ...overrides,
      };
    }

    beforeAll(async () => {
      const healthy = resilientStage();
      fake.state = resilientStage({
        alarms: [
          healthy.alarms[0],
          healthy.alarms[2],
          { name: DB_ALARM, state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 5 datapoints were unknown.', actions: [TOPIC_ARN], stateSince: silentSince, metricName: 'CPUUtilisation' },
        ],
        silentMetrics: ['CPUUtilisation'],
        restoreTestingPlans: [
          {
            ...healthy.restoreTestingPlans![0],
            jobs: [...healthy.restoreTestingPlans![0].jobs, { id: 'rj-bad', created: failedAt, status: 'FAILED', message: 'Insufficient privileges to restore the snapshot' }],
          },
        ],
        experiments: [{ id: 'EXPold', templateId: DRILL_TEMPLATE, created: drillAt, status: 'completed' }],
        guardDuty: { id: DETECTOR, status: 'DISABLED', features: [] },
        budgets: [{ name: BUDGET, limit: 1000, forecast: 1200 }],
      });
      fake.requests.length = 0;
      const assembly = writeFixtureAssembly(controlChecksReport());
      run = await runCli(['verify', '--stage', 'prod', '--assembly', assembly], awsEnv);
      live = JSON.parse(fs.readFileSync(path.join(assembly, 'readiness', 'prod.live.json'), 'utf8'));
      md = fs.readFileSync(path.join(assembly, 'readiness', 'prod.live.md'), 'utf8');
    });

    const resource = (control: string, logicalId: string) => live.controls.find((c) => c.id === control)!.liveResult!.resources.find((r) => r.logicalId === logicalId)!;

    test('exits 1; each failing control is missing, the canary check is ready', () => {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/\| ALARMS \| alarms \| conditional \| missing \| missing \| 2\/3 \|/);
      expect(run.stdout).toMatch(/\| BACKUP-DR \| restore-tests \| ready \| missing \| missing \| 0\/1 \|/);
      expect(run.stdout).toMatch(/\| CHAOS \| failover-drills \| ready \| missing \| missing \| 0\/1 \|/);
      expect(run.stdout).toMatch(/\| SECURITY-MONITORING \| security-baseline \| ready \| missing \| missing \| 3\/4 \|/);
      expect(run.stdout).toMatch(/\| HEALTH-CHECK \| canaries \| ready \| ready \| ready \| 1\/1 \|/);
      expect(run.stdout).toMatch(/\| SLO \| slo \| ready \| ready \| ready \| 1\/1 \|/);
      expect(run.stdout).toMatch(/\| RTO-RPO \| backup-copies \| ready \| ready \| ready \| 1\/1 \|/);
      expect(run.stdout).toMatch(/\| COST \| cost \| ready \| missing \| missing \| 1\/2 \|/);
    });

    test('backup copies: the newest copy in the DR vault, asked in its region, within the RPO', () => {
      expect(resource('RTO-RPO', 'BackupPlan').reason).toMatch(/^newest copy .*rp-1 in .*ProdDrVault created \S+, 6 h old, within the RPO target 1 d$/);
      expect(fake.requests.find((r) => r.action === 'GET /backup-vaults/ProdDrVault/recovery-points')?.params.region).toBe('eu-central-1');
    });

    test('cost: the budget forecast over its limit (JSON 1.1 from AWS Budgets), the anomaly monitor found', () => {
      expect(resource('COST', 'MonthlyBudget')).toMatchObject({
        constructPath: 'Prod/Resilience/MonthlyBudget/Resource',
        status: 'missing',
        reason: `budget ${BUDGET}: forecast 1200.0 USD against the limit 1000.0 USD, actual 600.0 USD: over the limit`,
      });
      expect(resource('COST', 'CostAnomalyMonitor').status).toBe('ready');
      expect(fake.requests.find((r) => r.service === 'budgets')?.params).toEqual({ AccountId: '123456789012', BudgetName: BUDGET });
    });

    test('SLO attainment from the burn-rate alarm metric math over 28 days, with the budget left', () => {
      expect(resource('SLO', 'ApiSloTicket3dLongWindow')).toMatchObject({
        status: 'ready',
        reason: `${BURN_ALARM}: 99.96% over 28 d, objective 99.9%, error budget left 60%`,
      });
      const sli = fake.requests.find((r) => r.action === 'GetMetricData' && JSON.stringify(r.params).includes('FILL('));
      expect((sli!.params.MetricDataQueries as { Period?: number; MetricStat?: { Period: number } }[]).map((q) => q.Period ?? q.MetricStat!.Period)).toEqual([
        2_419_200, 2_419_200, 2_419_200, 2_419_200,
      ]);
    });

    test('the silent alarm: construct path, since when, the evaluation window and the datapoint count', () => {
      expect(resource('ALARMS', 'DbCpuAlarm')).toMatchObject({
        constructPath: `Prod/Observability/DbCpuAlarm`,
        status: 'missing',
        evidenceAt: silentSince.toISOString(),
        reason: expect.stringMatching(/^silent: INSUFFICIENT_DATA since \S+ \(72 h, more than 3 x its 5 min evaluation window\); AWS\/ApplicationELB\/CPUUtilisation had 0 datapoints in the last 24 h/),
      });
    });

    test('the failed restore job: construct path, job, time and AWS Backup status message', () => {
      expect(resource('BACKUP-DR', 'RestoreTestingPlan')).toMatchObject({
        constructPath: 'Prod/Resilience/RestoreTestingPlan/Resource',
        physicalId: RESTORE_PLAN,
        status: 'missing',
        reason: expect.stringMatching(/^latest restore job rj-bad created \S+ FAILED: Insufficient privileges to restore the snapshot$/),
      });
    });

    test('the stale drill: construct path and the last experiment with its date', () => {
      expect(resource('CHAOS', 'DbFailoverDrill')).toMatchObject({
        constructPath: 'Prod/Resilience/DbFailoverDrill/Resource',
        status: 'missing',
        reason: expect.stringMatching(new RegExp(`^no experiment of template ${DRILL_TEMPLATE} within 90 d; latest experiment EXPold completed \\(started \\S+\\)`)),
      });
    });

    test('the cache AUTH token rotation reached the cache: ElastiCache awsQuery date parsed', () => {
      expect(resource('SECRET-ROTATION', 'RedisReplicationGroup')).toMatchObject({
        physicalId: REPLICATION_GROUP,
        status: 'ready',
        reason: expect.stringMatching(/^AUTH token of prod-redis changed on the cache \S+, 12 d ago \(rotation at most every 31 d\)$/),
      });
    });

    test('the disabled GuardDuty detector: the stage declares it, so its construct path is named', () => {
      expect(resource('SECURITY-MONITORING', 'Detector')).toMatchObject({
        constructPath: 'Prod/Resilience/Detector/Resource',
        physicalId: DETECTOR,
        status: 'missing',
        reason: `GuardDuty detector ${DETECTOR} is DISABLED`,
      });
    });

    test('the Markdown shows declared vs proven with the evidence time; the calls went to each protocol, signed and read-only', () => {
      expect(md).toContain('Declared (synth): **ready**. Proven (live, check `failover-drills`): **missing**');
      expect(md).toMatch(/\| Prod-Resilience \| DbFailoverDrill \| AWS::FIS::ExperimentTemplate \| EXTdbfailover0001 \| missing \| .* \| Prod\/Resilience\/DbFailoverDrill\/Resource \| \S+Z \|/);
      const services = [...new Set(fake.requests.map((r) => r.service))].sort();
      expect(services).toEqual(['access-analyzer', 'backup', 'budgets', 'ce', 'cloudformation', 'cloudtrail', 'cloudwatch', 'elasticache', 'fis', 'guardduty', 'secretsmanager', 'securityhub']);
      expect(fake.requests.every((r) => r.signed)).toBe(true);
      expect(fake.requests.some((r) => /GetSecretValue/.test(r.action))).toBe(false);
      expect(fake.requests.find((r) => r.service === 'backup' && r.action === 'GET /restore-jobs')?.params).toMatchObject({ restoreTestingPlanArn: RESTORE_PLAN_ARN });
    });

    test('the same stage healthy exits 0', async () => {
      fake.state = resilientStage();
      const ok = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly(controlChecksReport())], awsEnv);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('Live controls: 9 ready, 0 conditional, 0 missing.');
    });

    test('access denied on GuardDuty: SECURITY-MONITORING unknown with the code, the other checks ran, exit 1', async () => {
      fake.state = resilientStage({ denyGuardDuty: true });
      const denied = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly(controlChecksReport()), '--progress'], awsEnv);
      expect(denied.code).toBe(1);
      expect(denied.stdout).toMatch(/\| SECURITY-MONITORING \| security-baseline \| ready \| unknown \| conditional \| 0\/0 \| live check could not run: Access denied: guardduty:ListDetectors/);
      expect(denied.stdout).toContain('Checks that could not run (unknown): SECURITY-MONITORING.');
      expect(denied.stdout).toMatch(/\| CHAOS \| failover-drills \| ready \| ready \| ready \|/);
      expect(denied.stderr).toContain('security-baseline (SECURITY-MONITORING): unknown (AccessDeniedException)\n');
      expect(denied.stderr).toContain('restore-tests (BACKUP-DR): 1 checked, 1 ready, 0 conditional, 0 missing\n');
    });
  });

  test('--help documents the command and exits 0', async () => {
    const run = await runCli(['verify', '--help'], baseEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: readiness verify --stage <dev\|staging\|prod> \[options\]/);
    expect(run.stdout).toMatch(/--format <md\|json>/);
    expect(run.stdout).toMatch(/Exit codes:/);
  });
});
