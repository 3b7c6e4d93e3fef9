import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStackResourcesCommandInput } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  GetMetricDataCommandInput,
  MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ControlReport } from '../../lib/readiness/types';
import { main } from '../../lib/verify/cli';
import { LiveReadinessReport } from '../../lib/verify/types';
import { mergeStatus, VerifyClients } from '../../lib/verify/verify';
import { otherClients } from './mock-clients';
import {
  API_ALARM,
  DATA_STACK,
  DAY,
  daysAgo,
  DB_ALARM,
  fixtureReport,
  NOW,
  OBS_STACK,
  REGION,
  SECRET_ARN,
  STACK_RESOURCES,
  removeTempDirs,
  TOPIC_ARN,
  writeFixtureAssembly,
} from './fixtures';

const cfn = mockClient(CloudFormationClient);
const cw = mockClient(CloudWatchClient);
const sm = mockClient(SecretsManagerClient);

// Static credentials: the pre-flight credential check resolves without touching the environment.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const clients: VerifyClients = {
  cloudFormation: (region) => new CloudFormationClient({ region, credentials }),
  cloudWatch: (region) => new CloudWatchClient({ region, credentials }),
  secretsManager: (region) => new SecretsManagerClient({ region, credentials }),
  ...otherClients(credentials),
};

function alarm(name: string, overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return { AlarmName: name, ActionsEnabled: true, AlarmActions: [TOPIC_ARN], StateValue: 'OK', StateReason: 'fine', ...overrides };
}

/** A healthy deployed stage; tests override one answer at a time. */
function deployHealthyStage(alarms: MetricAlarm[] = [alarm(API_ALARM), alarm(DB_ALARM)]): void {
  cfn.on(DescribeStackResourcesCommand).callsFake((input: DescribeStackResourcesCommandInput) => ({
    StackResources: (STACK_RESOURCES[input.StackName!] ?? []).map((r) => ({
      StackName: input.StackName,
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      ResourceStatus: 'CREATE_COMPLETE',
      Timestamp: NOW,
    })),
  }));
  cw.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
    if (input.ActionPrefix) return { MetricAlarms: alarms.filter((a) => a.AlarmActions?.includes(TOPIC_ARN)) };
    return { MetricAlarms: alarms.filter((a) => input.AlarmNames?.includes(a.AlarmName!)) };
  });
  // Every alarm's metric is published: 12 datapoints in the window.
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Values: [12], Timestamps: [NOW] })),
  }));
  sm.on(DescribeSecretCommand).resolves({
    ARN: SECRET_ARN,
    RotationEnabled: true,
    RotationRules: { AutomaticallyAfterDays: 30 },
    CreatedDate: daysAgo(90),
    LastRotatedDate: daysAgo(5),
    NextRotationDate: new Date(NOW.getTime() + 25 * DAY),
    VersionIdsToStages: { v1: ['AWSCURRENT'] },
  });
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress: false },
    { clients: () => clients, now: () => NOW },
  );
  return { code, stdout, stderr };
}

function readLive(assembly: string): LiveReadinessReport {
  return JSON.parse(fs.readFileSync(path.join(assembly, 'readiness', 'prod.live.json'), 'utf8'));
}

afterAll(removeTempDirs);

beforeEach(() => {
  cfn.reset();
  cw.reset();
  sm.reset();
});

describe('readiness verify against a healthy stage', () => {
  let assembly: string;
  let result: { code: number; stdout: string; stderr: string };
  let live: LiveReadinessReport;
  let calls: { stacks: unknown[]; alarms: unknown[]; describeSecret: number; getSecretValue: number };

  beforeAll(async () => {
    deployHealthyStage();
    assembly = writeFixtureAssembly();
    result = await run(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION]);
    live = readLive(assembly);
    // The mocks are reset before each test: keep what this run called.
    calls = {
      stacks: cfn.commandCalls(DescribeStackResourcesCommand).map((c) => c.args[0].input.StackName),
      alarms: cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input),
      describeSecret: sm.commandCalls(DescribeSecretCommand).length,
      getSecretValue: sm.commandCalls(GetSecretValueCommand).length,
    };
  });

  test('exits 0 and prints the summary table', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\| ALARMS \| alarms \| conditional \| ready \| ready \| 3\/3 \|/);
    expect(result.stdout).toMatch(/\| SECRET-ROTATION \| secret-rotation \| conditional \| ready \| ready \| 2\/2 \|/);
    expect(result.stdout).toContain('Live controls: 2 ready, 0 conditional, 0 missing.');
  });

  test('writes <stage>.live.json beside the synth report, live status merged into each control with a timestamp', () => {
    const alarms = live.controls.find((c) => c.id === 'ALARMS')!;
    expect(alarms).toMatchObject({ synthStatus: 'conditional', status: 'ready', liveResult: { status: 'ready', checkedAt: NOW.toISOString() } });
    expect(alarms.liveResult!.resources.map((r) => [r.logicalId, r.physicalId, r.status])).toEqual([
      ['Api5xxAlarm', API_ALARM, 'ready'],
      ['DbCpuAlarm', DB_ALARM, 'ready'],
      ['OnCallTopic', TOPIC_ARN, 'ready'],
    ]);
    const dbHa = live.controls.find((c) => c.id === 'DB-HA')!;
    expect(dbHa.liveResult).toBeUndefined();
    expect(dbHa.status).toBe('ready');
    expect(live).toMatchObject({ liveSchemaVersion: 1, schemaVersion: 1, stage: 'prod', live: { verifiedAt: NOW.toISOString(), regions: [REGION], drift: [] } });
    expect(live.summary.byStatus).toEqual({ ready: 3, conditional: 0, missing: 0, 'not-applicable': 0 });
  });

  test('writes the Markdown report too', () => {
    const md = fs.readFileSync(path.join(assembly, 'readiness', 'prod.live.md'), 'utf8');
    expect(md).toMatch(/^# Live readiness: prod/);
    expect(md).toContain(`| ${OBS_STACK} | Api5xxAlarm | AWS::CloudWatch::Alarm | ${API_ALARM} | ready |`);
    expect(md).toContain('## All controls');
  });

  test('one DescribeStackResources per stack, one DescribeAlarms by name, one drift query, one DescribeSecret; never GetSecretValue', () => {
    expect([...calls.stacks].sort()).toEqual([DATA_STACK, OBS_STACK]);
    expect(calls.alarms).toEqual([
      expect.objectContaining({ AlarmNames: [API_ALARM, DB_ALARM] }),
      expect.objectContaining({ ActionPrefix: TOPIC_ARN }),
    ]);
    // The Secret and its RotationSchedule have the same ARN: described once.
    expect(calls.describeSecret).toBe(1);
    expect(calls.getSecretValue).toBe(0);
  });
});

describe('readiness verify with an alarm in ALARM, one in INSUFFICIENT_DATA and a hand-made alarm', () => {
  let assembly: string;
  let result: { code: number; stdout: string; stderr: string };
  let live: LiveReadinessReport;

  beforeAll(async () => {
    deployHealthyStage([
      alarm(API_ALARM, { StateValue: 'ALARM', StateReason: 'Threshold Crossed: 5xx > 10' }),
      alarm(DB_ALARM, { StateValue: 'INSUFFICIENT_DATA', StateReason: 'Unchecked: Initial alarm creation' }),
      alarm('console-made-latency-alarm'),
    ]);
    assembly = writeFixtureAssembly();
    result = await run(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION]);
    live = readLive(assembly);
  });

  test('exits 1: the alarms control is missing', () => {
    expect(result.code).toBe(1);
    const alarms = live.controls.find((c) => c.id === 'ALARMS')!;
    expect(alarms.status).toBe('missing');
    expect(alarms.statusReason).toMatch(/^live: 1 of 3 missing; Prod-Observability\/Api5xxAlarm: in ALARM: Threshold Crossed: 5xx > 10/);
    expect(alarms.liveResult!.resources.find((r) => r.logicalId === 'DbCpuAlarm')).toMatchObject({
      status: 'conditional',
      reason: expect.stringMatching(/INSUFFICIENT_DATA.*Initial alarm creation/),
    });
  });

  test('lists the undeclared alarm on the on-call topic as drift', () => {
    expect(live.live.drift).toEqual([{ alarmName: 'console-made-latency-alarm', region: REGION, state: 'OK', topicArn: TOPIC_ARN }]);
    expect(result.stdout).toContain('Undeclared alarms on the on-call topic (drift): 1.');
  });
});

describe('readiness verify when synth already found a live control missing', () => {
  test('a ready live check does not hide it: merged status missing, exit 1', async () => {
    deployHealthyStage();
    const report = fixtureReport();
    const assembly = writeFixtureAssembly({
      ...report,
      controls: report.controls.map((c) => (c.id === 'ALARMS' ? { ...c, status: 'missing', statusReason: '1 finding: Readiness-ALARMS' } : c)),
    });
    const result = await run(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\| ALARMS \| alarms \| missing \| ready \| missing \| 3\/3 \| synth: 1 finding: Readiness-ALARMS \|/);
    const alarms = readLive(assembly).controls.find((c) => c.id === 'ALARMS')!;
    expect(alarms).toMatchObject({ status: 'missing', statusReason: '1 finding: Readiness-ALARMS', liveResult: { status: 'ready' } });
  });
});

describe('readiness verify when a stack is not deployed', () => {
  test('its resources are missing, one warning line names the stack, exit 1', async () => {
    deployHealthyStage();
    cfn
      .on(DescribeStackResourcesCommand, { StackName: DATA_STACK })
      .rejects(Object.assign(new Error(`Stack with id ${DATA_STACK} does not exist`), { name: 'ValidationError' }));
    const assembly = writeFixtureAssembly();
    const result = await run(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`warning: stack ${DATA_STACK} is not deployed in ${REGION}: deploy it, or pass the --region it is deployed to.\n`);
    const rotation = readLive(assembly).controls.find((c) => c.id === 'SECRET-ROTATION')!;
    expect(rotation.liveResult!.resources.every((r) => r.status === 'missing' && r.physicalId === undefined)).toBe(true);
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(0);
  });
});

describe('readiness verify options and output', () => {
  test('--format json prints the live report on stdout and --out chooses the directory', async () => {
    deployHealthyStage();
    const assembly = writeFixtureAssembly();
    const out = path.join(path.dirname(assembly), 'evidence');
    const result = await run(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION, '--format', 'json', '--out', out]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ stage: 'prod', live: { byStatus: { ready: 2, conditional: 0, missing: 0, 'not-applicable': 0 } } });
    expect(fs.existsSync(path.join(out, 'prod.live.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'prod.live.md'))).toBe(true);
    expect(fs.existsSync(path.join(assembly, 'readiness', 'prod.live.json'))).toBe(false);
  });

  test('resources of a report that names their region are checked in that region', async () => {
    deployHealthyStage();
    const report = fixtureReport();
    const withRegion = {
      ...report,
      controls: report.controls.map((c) =>
        c.live ? { ...c, live: { ...c.live, resources: c.live.resources.map((r) => ({ ...r, region: 'us-east-1' })) } } : c,
      ),
    };
    const seen: string[] = [];
    const regional: VerifyClients = {
      ...clients,
      cloudFormation: (region) => (seen.push(region), clients.cloudFormation(region)),
      cloudWatch: clients.cloudWatch,
      secretsManager: clients.secretsManager,
    };
    const assembly = writeFixtureAssembly(withRegion);
    const code = await main(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION], { stdout: () => undefined, stderr: () => undefined, progress: false }, { clients: () => regional, now: () => NOW });
    expect(code).toBe(0);
    expect(seen).toContain('us-east-1');
    expect(readLive(assembly).live.regions).toEqual(['us-east-1']);
  });

  test.each([
    [['verify'], /^readiness verify: --stage is required \(dev, staging, prod\)/],
    [['verify', '--stage', 'qa'], /--stage "qa" is not a stage/],
    [['verify', '--stage', 'prod', '--format', 'html'], /--format "html" must be md or json/],
    [['verify', '--stage', 'prod', '--bogus'], /Unknown option '--bogus'/],
    [['verify', '--stage', 'prod', '--region', 'Ireland'], /--region "Ireland" is not a region name/],
    [['deploy'], /Unknown command "deploy"/],
  ])('usage error %j exits 2 with one line', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--help documents the options and exit codes', async () => {
    const result = await run(['verify', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--stage', '--assembly', '--region', '--profile', '--out', '--format', '--help', 'Exit codes']) {
      expect(result.stdout).toContain(option);
    }
  });

  test('a missing report says to synthesize first', async () => {
    const result = await run(['verify', '--stage', 'prod', '--assembly', '/nonexistent/cdk.out', '--region', REGION]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'readiness verify: No readiness report at /nonexistent/cdk.out/readiness/prod.json: synthesize first: npx cdk synth -c stage=prod -o /nonexistent/cdk.out.\n',
    );
  });

  test('a report of another schema version is refused', async () => {
    const assembly = writeFixtureAssembly({ ...fixtureReport(), schemaVersion: 2 });
    const result = await run(['verify', '--stage', 'prod', '--assembly', assembly, '--region', REGION]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has report schema version 2, this command reads version 1: synthesize again/);
    expect(cfn.calls()).toHaveLength(0);
  });

  test('AccessDenied mid-run exits 2 with the action and resource, and no stack trace', async () => {
    deployHealthyStage();
    sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('User: arn:aws:sts::1:assumed-role/ci is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const result = await run(['verify', '--stage', 'prod', '--assembly', writeFixtureAssembly(), '--region', REGION]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^readiness verify: Access denied: secretsmanager:DescribeSecret on arn:aws:secretsmanager:eu-west-1:123456789012:secret:DatabaseSecret-XyZ-a1b2c3 in eu-west-1/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('mergeStatus', () => {
  const control = fixtureReport().controls[0];
  const live = (status: 'ready' | 'conditional' | 'missing') => ({ check: 'alarms' as const, status, statusReason: '', checkedAt: '', resources: [] });

  test('live ready lifts a control that only waited on the live check', () => {
    expect(mergeStatus({ ...control, status: 'conditional' }, live('ready'))).toBe('ready');
  });

  test('a waiver or a conditional attestation keeps it conditional; a synth miss stays missing; a live miss wins', () => {
    const waiver = { control: 'ALARMS', ruleId: 'Readiness-ALARMS', constructPath: 'Prod/X', reason: 'r', owner: 'o', expires: '2027-01-01', problems: [] };
    expect(mergeStatus({ ...control, status: 'conditional', waivers: [waiver] }, live('ready'))).toBe('conditional');
    expect(mergeStatus({ ...control, status: 'missing' }, live('ready'))).toBe('missing');
    expect(mergeStatus({ ...control, status: 'ready' }, live('missing'))).toBe('missing');
    expect(mergeStatus({ ...control, status: 'ready' }, live('conditional'))).toBe('conditional');
    expect(mergeStatus({ ...control, status: 'not-applicable' }, live('ready'))).toBe('not-applicable');
    // Only the attestation's status matters here; the rest of its config is the writer's business.
    const attested = { ...control, status: 'conditional', attestation: { status: 'conditional' } } as unknown as ControlReport;
    expect(mergeStatus(attested, live('ready'))).toBe('conditional');
  });
});
