/**
 * The live checks the command runs by control, beyond those the synth report lists (alarms, secret
 * rotation): each finds what it needs by resource type in the deployed stacks (or, for the security
 * baseline, in every region of the stage) and returns one row per resource.
 */
import { ReadinessReport } from '../readiness/types';
import { DeployedResource, Inventory } from './inventory';
import { LiveCheck, LiveResourceResult } from './types';
import type { VerifyClients } from './verify';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Settings of the checks: from the synth report when it has them, else the CLI flags (defaults below). */
export interface CheckSettings {
  /** Window of metric and canary evidence (`--since`). */
  readonly sinceMs: number;
  /** An alarm in INSUFFICIENT_DATA longer than its evaluation window times this is silent (`--silent-factor`). */
  readonly silentFactor: number;
  /** A failover drill must have completed within this period (`--drill-max-age`). */
  readonly drillMaxAgeMs: number;
  /** Slack after a restore-testing plan's schedule period (`--restore-slack`). */
  readonly restoreSlackMs: number;
  /** The newest copy in the DR region must be younger than this (`--rpo`, or the report's region RPO target). */
  readonly rpoMs: number;
  /** The cache AUTH token must have changed on the cache within this (`--auth-token-max-age`). */
  readonly authTokenMaxAgeMs: number;
  /** Window of SLO attainment (`--slo-window`). */
  readonly sloWindowMs: number;
  /** Minimum canary success rate, percent (`--slo-target`). */
  readonly sloTargetPercent: number;
  /** GuardDuty features that must be enabled (`--guardduty-features`). */
  readonly guardDutyFeatures: readonly string[];
  /** Security Hub standard that must be enabled: a substring of its ARN (`--securityhub-standard`). */
  readonly securityHubStandard: string;
}

export const DEFAULT_SETTINGS: CheckSettings = {
  sinceMs: DAY_MS,
  silentFactor: 3,
  drillMaxAgeMs: 90 * DAY_MS,
  restoreSlackMs: DAY_MS,
  rpoMs: DAY_MS,
  authTokenMaxAgeMs: 31 * DAY_MS,
  sloWindowMs: 28 * DAY_MS,
  sloTargetPercent: 99.9,
  guardDutyFeatures: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING'],
  securityHubStandard: 'aws-foundational-security-best-practices',
};

/** The region RPO target of the report's "Recovery objectives" section, in ms, when the report has one. */
export function reportRpoMs(report: ReadinessReport): number | undefined {
  for (const section of report.sections ?? []) {
    if (!Array.isArray(section.data)) continue;
    for (const row of section.data as { scope?: string; target?: { rpoMinutes?: number } }[]) {
      const minutes = row?.scope === 'region' ? row.target?.rpoMinutes : undefined;
      if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0) return minutes * 60_000;
    }
  }
  return undefined;
}

export interface CheckContext {
  readonly now: Date;
  readonly settings: CheckSettings;
  readonly clients: VerifyClients;
  readonly inventory: Inventory;
  /** Regions the stage uses (its stacks' regions). */
  readonly regions: readonly string[];
  readonly profile?: string;
  readonly concurrency: number;
}

export interface ControlCheck {
  readonly check: LiveCheck;
  /** Catalogue control the result merges into. */
  readonly control: string;
  /** What it needs from the stacks, for the note when there is nothing to check. */
  readonly needs: string;
  run(ctx: CheckContext): Promise<LiveResourceResult[]>;
}

/** A result row for a deployed resource. */
export function row(
  r: DeployedResource,
  status: LiveResourceResult['status'],
  reason: string,
  evidenceAt?: Date,
): LiveResourceResult {
  return {
    logicalId: r.logicalId,
    stackName: r.stackName,
    resourceType: r.resourceType,
    region: r.region,
    physicalId: r.physicalId,
    status,
    reason,
    ...(r.constructPath ? { constructPath: r.constructPath } : {}),
    ...(evidenceAt ? { evidenceAt: evidenceAt.toISOString() } : {}),
  };
}

export function iso(d: Date | undefined): string {
  return d ? d.toISOString() : '-';
}

export function age(ms: number): string {
  // One decimal at most, none when it is .0: 1.3 d, 7 d, 5 h, 20 min.
  if (ms >= DAY_MS) return `${Math.round((ms / DAY_MS) * 10) / 10} d`;
  const h = Math.round((ms / HOUR_MS) * 10) / 10;
  return h >= 1 ? `${h} h` : `${Math.round(ms / 60_000)} min`;
}

/** Follows a NextToken-style pagination until the last page. */
export async function paginate<P>(
  fetch: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
): Promise<P[]> {
  const pages: P[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    token = next(page) || undefined;
  } while (token);
  return pages;
}

/**
 * The period of a schedule expression: `rate(n unit)`, or a cron whose day-of-week (weekly) or
 * day-of-month (monthly) field is set; a daily cron otherwise. Undefined when it cannot be read.
 */
export function schedulePeriodMs(expression: string | undefined): number | undefined {
  const expr = (expression ?? '').trim();
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/i.exec(expr);
  if (rate) {
    const unit = rate[2].toLowerCase();
    return Number(rate[1]) * (unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? HOUR_MS : DAY_MS);
  }
  const cron = /^cron\((.+)\)$/i.exec(expr);
  if (!cron) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length < 5) return undefined;
  const [, , dom, , dow] = fields;
  const set = (f: string): boolean => f !== '*' && f !== '?';
  if (set(dow)) return 7 * DAY_MS;
  if (set(dom)) return 31 * DAY_MS;
  return DAY_MS;
}
