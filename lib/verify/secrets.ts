import { DescribeSecretCommand, DescribeSecretResponse, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ControlStatus } from '../readiness/types';
import { toVerifyError } from './errors';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Default slack after the rotation window before a rotation counts as overdue. */
export const DEFAULT_ROTATION_GRACE_MS = DAY_MS;

/**
 * DescribeSecret only: metadata, rotation dates and version stages. The command never calls
 * GetSecretValue, so neither it nor its IAM policy can read a secret. Undefined when the secret is gone.
 */
export async function describeSecret(
  client: SecretsManagerClient,
  secretId: string,
  ctx: { region: string; profile?: string },
): Promise<DescribeSecretResponse | undefined> {
  try {
    return await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw toVerifyError(err, { action: 'secretsmanager:DescribeSecret', resource: secretId, ...ctx });
  }
}

/** The rotation interval, from `AutomaticallyAfterDays` or a `rate()` expression; undefined for other schedules. */
export function rotationIntervalMs(secret: DescribeSecretResponse): number | undefined {
  const rules = secret.RotationRules;
  if (rules?.AutomaticallyAfterDays) return rules.AutomaticallyAfterDays * DAY_MS;
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/i.exec(rules?.ScheduleExpression ?? '');
  if (rate) return Number(rate[1]) * (rate[2].toLowerCase().startsWith('hour') ? HOUR_MS : DAY_MS);
  return undefined;
}

/** The rotation window: `Duration` (`3h`), else one hour for hourly schedules and a day otherwise. */
export function rotationWindowMs(secret: DescribeSecretResponse): number {
  const duration = /^(\d+)h$/.exec(secret.RotationRules?.Duration ?? '');
  if (duration) return Number(duration[1]) * HOUR_MS;
  return /hour/i.test(secret.RotationRules?.ScheduleExpression ?? '') ? HOUR_MS : DAY_MS;
}

function iso(date: Date): string {
  return date.toISOString();
}

function days(ms: number): string {
  const d = ms / DAY_MS;
  return d >= 1 ? `${Number.isInteger(d) ? d : d.toFixed(1)} d` : `${Math.round(ms / HOUR_MS)} h`;
}

/**
 * Rotation is ready when it is enabled, the last rotation is within interval + window + grace, no
 * rotation is stuck (an AWSPENDING version never promoted to AWSCURRENT), and a next rotation is due.
 */
export function evaluateSecretRotation(
  secret: DescribeSecretResponse | undefined,
  secretId: string,
  now: Date,
  graceMs: number = DEFAULT_ROTATION_GRACE_MS,
): { status: ControlStatus; reason: string } {
  if (!secret) return { status: 'missing', reason: `secret ${secretId} does not exist in Secrets Manager` };
  if (secret.DeletedDate) return { status: 'missing', reason: `scheduled for deletion on ${iso(secret.DeletedDate)}` };
  if (secret.RotationEnabled !== true) return { status: 'missing', reason: 'rotation is not enabled' };

  const t = now.getTime();
  const interval = rotationIntervalMs(secret);
  const window = rotationWindowMs(secret);
  const problems: string[] = [];
  let conditional: string | undefined;

  const pending = Object.entries(secret.VersionIdsToStages ?? {}).find(
    ([, stages]) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'),
  );
  if (pending) {
    const changed = secret.LastChangedDate;
    // A pending version younger than one window is a rotation still running, not a failure.
    if (changed && t - changed.getTime() <= window) {
      conditional = `rotation in progress (version ${pending[0]} is AWSPENDING since ${iso(changed)})`;
    } else {
      problems.push(
        `last rotation failed: version ${pending[0]} is still AWSPENDING, never promoted to AWSCURRENT` +
          `${changed ? ` (since ${iso(changed)})` : ''}; check the rotation function's logs`,
      );
    }
  }

  const last = secret.LastRotatedDate;
  if (!last) {
    const created = secret.CreatedDate;
    if (interval !== undefined && created && t - created.getTime() > interval + window + graceMs) {
      problems.push(`never rotated since it was created on ${iso(created)} (rotation every ${days(interval)})`);
    } else {
      conditional ??= `not rotated yet${created ? ` (created ${iso(created)})` : ''}`;
    }
  } else if (interval !== undefined && t - last.getTime() > interval + window + graceMs) {
    const overdueSince = new Date(last.getTime() + interval + window);
    problems.push(
      `rotation overdue: last rotated ${iso(last)} (${days(t - last.getTime())} ago), rotation every ${days(interval)} ` +
        `+ ${days(window)} window + ${days(graceMs)} grace: due by ${iso(overdueSince)}`,
    );
  }

  const next = secret.NextRotationDate;
  if (!next) {
    problems.push('no next rotation is scheduled');
  } else if (t - next.getTime() > window + graceMs && !problems.some((p) => p.startsWith('rotation overdue'))) {
    problems.push(`the rotation due on ${iso(next)} did not happen (Secrets Manager retries failed rotations)`);
  }

  if (problems.length > 0) return { status: 'missing', reason: problems.join('; ') };
  if (conditional) return { status: 'conditional', reason: conditional };
  return {
    status: 'ready',
    reason: `rotation enabled, last rotated ${last ? iso(last) : '-'}, next by ${next ? iso(next) : '-'}`,
  };
}
