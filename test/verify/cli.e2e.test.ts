/**
 * Runs the `readiness` bin as a child process against a loopback server that speaks the AWS wire
 * protocols, so the real SDK serialization, credential chain, exit codes and written files are exercised.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LiveReadinessReport } from '../../lib/verify/types';
import { FakeAws, FakeAwsState } from './fake-aws';
import {
  API_ALARM,
  DATA_STACK,
  DB_ALARM,
  OBS_STACK,
  REGION,
  removeTempDirs,
  SECRET_ARN,
  STACK_RESOURCES,
  tempDir,
  TOPIC_ARN,
  writeFixtureAssembly,
} from './fixtures';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'readiness-cli.js');
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

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
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
    endpoint = await fake.start();
    awsEnv = {
      ...baseEnv(),
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_MAX_ATTEMPTS: '3',
    };
  });

  afterAll(async () => {
    await fake.stop();
    removeTempDirs();
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
        'secretsmanager:DescribeSecret',
      ]);
      expect(fake.requests.every((r) => r.signed)).toBe(true);
      expect(fake.requests.find((r) => r.service === 'cloudformation')?.params).toMatchObject({ Version: '2010-05-15' });
      expect(fake.requests.find((r) => r.service === 'cloudwatch' && r.params.AlarmNames)?.params).toMatchObject({ AlarmNames: [API_ALARM, DB_ALARM] });
      expect(fake.requests.find((r) => r.service === 'cloudwatch' && r.params.ActionPrefix)?.params).toMatchObject({ ActionPrefix: TOPIC_ARN });
    });
  });

  test('a healthy stage exits 0', async () => {
    const now = Date.now();
    fake.state = stageState({
      alarms: stageState().alarms.map((a) => ({ ...a, state: 'OK' as const })),
      secrets: [{ ...stageState().secrets[0], lastRotated: new Date(now - 3 * DAY), nextRotation: new Date(now + 27 * DAY) }],
    });
    const run = await runCli(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly()], awsEnv);
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

  test('--help documents the command and exits 0', async () => {
    const run = await runCli(['verify', '--help'], baseEnv());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: readiness verify --stage <dev\|staging\|prod> \[options\]/);
    expect(run.stdout).toMatch(/--format <md\|json>/);
    expect(run.stdout).toMatch(/Exit codes:/);
  });
});
