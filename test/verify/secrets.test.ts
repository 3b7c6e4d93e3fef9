import { DescribeSecretCommand, DescribeSecretResponse, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { VerifyError } from '../../lib/verify/errors';
import { describeSecret, evaluateSecretRotation, rotationIntervalMs, rotationWindowMs } from '../../lib/verify/secrets';
import { DAY, daysAgo, NOW, REGION, SECRET_ARN } from './fixtures';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: REGION });

/** A secret rotating every 30 days, last rotated 10 days ago, next rotation in 20 days. */
function secret(overrides: Partial<DescribeSecretResponse> = {}): DescribeSecretResponse {
  return {
    ARN: SECRET_ARN,
    Name: 'DatabaseSecret-XyZ',
    RotationEnabled: true,
    RotationLambdaARN: 'arn:aws:lambda:eu-west-1:123456789012:function:rotator',
    RotationRules: { AutomaticallyAfterDays: 30 },
    CreatedDate: daysAgo(100),
    LastRotatedDate: daysAgo(10),
    LastChangedDate: daysAgo(10),
    NextRotationDate: new Date(NOW.getTime() + 20 * DAY),
    VersionIdsToStages: { 'v-current': ['AWSCURRENT'], 'v-previous': ['AWSPREVIOUS'] },
    ...overrides,
  };
}

const evaluate = (s: DescribeSecretResponse | undefined) => evaluateSecretRotation(s, SECRET_ARN, NOW);

beforeEach(() => sm.reset());

describe('evaluateSecretRotation', () => {
  test('rotation enabled, rotated within the interval, next rotation scheduled: ready', () => {
    expect(evaluate(secret())).toEqual({ status: 'ready', reason: expect.stringMatching(/^rotation enabled, last rotated 2026-11-11/) });
  });

  test('rotation disabled is missing', () => {
    expect(evaluate(secret({ RotationEnabled: false }))).toEqual({ status: 'missing', reason: 'rotation is not enabled' });
  });

  test('last rotated longer ago than interval + window + grace is overdue', () => {
    // 30 d interval + 1 d window (day schedule) + 1 d grace = 32 d.
    const r = evaluate(secret({ LastRotatedDate: daysAgo(33), NextRotationDate: daysAgo(3) }));
    expect(r.status).toBe('missing');
    expect(r.reason).toMatch(/rotation overdue: last rotated 2026-10-19T12:00:00.000Z \(33 d ago\), rotation every 30 d \+ 1 d window \+ 1 d grace/);
  });

  test('just inside interval + window + grace is still ready', () => {
    const r = evaluate(secret({ LastRotatedDate: daysAgo(31.9), NextRotationDate: daysAgo(1.9) }));
    expect(r.status).toBe('ready');
  });

  test('an hourly rate() with a 2h window: window and grace come from the schedule', () => {
    const s = secret({ RotationRules: { ScheduleExpression: 'rate(4 hours)', Duration: '2h' } });
    expect(rotationIntervalMs(s)).toBe(4 * 3_600_000);
    expect(rotationWindowMs(s)).toBe(2 * 3_600_000);
    // 4 h + 2 h + 24 h grace = 30 h.
    expect(evaluate({ ...s, LastRotatedDate: new Date(NOW.getTime() - 31 * 3_600_000), NextRotationDate: daysAgo(1) }).status).toBe('missing');
  });

  test('an AWSPENDING version that never became AWSCURRENT is a failed rotation', () => {
    const r = evaluate(
      secret({
        LastChangedDate: daysAgo(3),
        VersionIdsToStages: { 'v-current': ['AWSCURRENT'], 'v-stuck': ['AWSPENDING'] },
      }),
    );
    expect(r.status).toBe('missing');
    expect(r.reason).toMatch(/last rotation failed: version v-stuck is still AWSPENDING/);
  });

  test('a pending version younger than the rotation window is a rotation in progress: conditional', () => {
    const r = evaluate(
      secret({
        LastChangedDate: new Date(NOW.getTime() - 10 * 60_000),
        VersionIdsToStages: { 'v-current': ['AWSCURRENT'], 'v-new': ['AWSPENDING'] },
      }),
    );
    expect(r).toEqual({ status: 'conditional', reason: expect.stringMatching(/rotation in progress \(version v-new/) });
  });

  test('AWSPENDING on the current version (rotation finished) is not a failure', () => {
    expect(evaluate(secret({ VersionIdsToStages: { 'v-current': ['AWSCURRENT', 'AWSPENDING'] } })).status).toBe('ready');
  });

  test('no next rotation scheduled is missing', () => {
    expect(evaluate(secret({ NextRotationDate: undefined }))).toEqual({ status: 'missing', reason: 'no next rotation is scheduled' });
  });

  test('a next rotation date far in the past means rotations keep failing', () => {
    const r = evaluate(secret({ RotationRules: { ScheduleExpression: 'cron(0 4 ? * SUN *)' }, NextRotationDate: daysAgo(5) }));
    expect(r.status).toBe('missing');
    expect(r.reason).toMatch(/the rotation due on .* did not happen/);
  });

  test('never rotated: conditional while young, missing once the first rotation is overdue', () => {
    expect(evaluate(secret({ LastRotatedDate: undefined, CreatedDate: daysAgo(2) })).status).toBe('conditional');
    const old = evaluate(secret({ LastRotatedDate: undefined, CreatedDate: daysAgo(40) }));
    expect(old).toEqual({ status: 'missing', reason: expect.stringMatching(/never rotated since it was created/) });
  });

  test('deleted or scheduled for deletion is missing', () => {
    expect(evaluate(undefined)).toEqual({ status: 'missing', reason: `secret ${SECRET_ARN} does not exist in Secrets Manager` });
    expect(evaluate(secret({ DeletedDate: daysAgo(1) })).reason).toMatch(/scheduled for deletion/);
  });
});

describe('describeSecret', () => {
  test('calls DescribeSecret with the ARN and returns its metadata', async () => {
    sm.on(DescribeSecretCommand, { SecretId: SECRET_ARN }).resolves(secret());
    const out = await describeSecret(client, SECRET_ARN, { region: REGION });
    expect(out?.RotationEnabled).toBe(true);
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(1);
    expect(sm.calls()).toHaveLength(1);
  });

  test('ResourceNotFoundException means the secret is gone, not an error', async () => {
    sm.on(DescribeSecretCommand).rejects(Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' }));
    await expect(describeSecret(client, SECRET_ARN, { region: REGION })).resolves.toBeUndefined();
  });

  test('AccessDeniedException names secretsmanager:DescribeSecret and the secret ARN', async () => {
    sm.on(DescribeSecretCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const err = await describeSecret(client, SECRET_ARN, { region: REGION }).catch((e) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect(err.message).toMatch(new RegExp(`^Access denied: secretsmanager:DescribeSecret on ${SECRET_ARN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in eu-west-1`));
  });
});
