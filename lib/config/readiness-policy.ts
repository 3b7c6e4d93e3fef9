/**
 * Limits on what people declare about readiness: attestations (who says a control is in place, with
 * which evidence, since when) and waivers (how far ahead they may expire). The stage config
 * validation and the readiness gate both check attestations with `attestationProblems`, so an
 * attestation passed straight to `enforceReadiness({ config })` meets the same bar as one in
 * lib/config/stages.ts.
 */
import { AttestationConfig, StageConfig, StageName } from './stage-config';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days an attestation holds unless `readiness.attestationMaxAgeDays` says otherwise. */
export const DEFAULT_ATTESTATION_MAX_AGE_DAYS = 180;
/** The longest maximum age a stage may set: an older attestation is rejected outright. */
export const ATTESTATION_MAX_AGE_CEILING_DAYS = 365;
/** How far ahead a waiver may expire, per stage, when the config sets nothing (also the ceilings). */
export const WAIVER_HORIZON_DAYS: Readonly<Record<StageName, number>> = { dev: 180, staging: 180, prod: 90 };

/** True when `value` is `YYYY-MM-DD` and names a day of the calendar (2026-02-30 does not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** `YYYY-MM-DD` of a time, in UTC. */
export function isoDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** Whole days from day `from` to day `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `YYYY-MM-DD` that is `days` after `day`. */
export function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Host names reserved for documentation and tests (RFC 2606, RFC 6761) and loopback. */
const PLACEHOLDER_HOST = /(^|\.)(example\.(com|org|net)|example|invalid|test|localhost|local)$/;

/** Why `url` cannot be evidence a reviewer opens (empty when it can): https, a real host name. */
export function evidenceUrlProblems(url: unknown): string[] {
  if (typeof url !== 'string' || !/^https:\/\/\S+$/.test(url)) return ['not an https URL'];
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return ['not a URL'];
  }
  if (host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^[0-9a-f:]+$/.test(host)) return [`an IP address (${host}), not a host name`];
  if (!host.includes('.') || PLACEHOLDER_HOST.test(host)) return [`a placeholder host (${host})`];
  return [];
}

/** The maximum age in days of the attestation of `controlId` in `config`. */
export function attestationMaxAgeDays(config: Pick<StageConfig, 'readiness'> | undefined, controlId: string): number {
  return config?.readiness?.attestationMaxAgeDaysByControl?.[controlId] ?? config?.readiness?.attestationMaxAgeDays ?? DEFAULT_ATTESTATION_MAX_AGE_DAYS;
}

/** How far ahead (days) a waiver may expire in the stage of `config`. */
export function waiverHorizonDays(stage: StageName, config?: Pick<StageConfig, 'readiness'>): number {
  return Math.min(config?.readiness?.waiverHorizonDays ?? WAIVER_HORIZON_DAYS[stage], WAIVER_HORIZON_DAYS[stage]);
}

/**
 * Why an attestation cannot be trusted as written (empty when it can): no owner, evidence that is
 * not an https URL on a real host, a date that is not a calendar day, in the future, or older than
 * the longest allowed maximum age, a bad status, or a conditional one without a reason.
 * Staleness (older than the control's maximum age) is not a problem of the entry: see `attestationLapse`.
 */
export function attestationProblems(a: Partial<AttestationConfig> | undefined, now: Date): string[] {
  if (!a || typeof a !== 'object') return ['not an object with owner, evidenceUrl, date and status'];
  const problems: string[] = [];
  if (typeof a.owner !== 'string' || a.owner.trim().length === 0) problems.push('owner: name who answers for the evidence');
  for (const p of evidenceUrlProblems(a.evidenceUrl)) problems.push(`evidenceUrl ${JSON.stringify(a.evidenceUrl)} is ${p}: link the evidence a reviewer can open`);
  if (!isCalendarDate(a.date)) {
    problems.push(`date ${JSON.stringify(a.date)} is not a calendar date: use YYYY-MM-DD`);
  } else {
    const age = daysBetween(a.date, isoDay(now));
    if (age < 0) problems.push(`date ${a.date} is in the future`);
    else if (age > ATTESTATION_MAX_AGE_CEILING_DAYS) problems.push(`date ${a.date} is ${age} days old (more than ${ATTESTATION_MAX_AGE_CEILING_DAYS}): attest again`);
  }
  if (a.status !== 'ready' && a.status !== 'conditional') problems.push(`status ${JSON.stringify(a.status)}: use "ready" or "conditional"`);
  if (a.status === 'conditional' && (typeof a.reason !== 'string' || a.reason.trim().length < 20)) {
    problems.push('reason: a conditional attestation says what is outstanding in at least 20 characters');
  }
  return problems;
}

/** The day an attestation lapsed (`YYYY-MM-DD`) when it is older than `maxAgeDays` at `now`; otherwise undefined. */
export function attestationLapse(a: Pick<AttestationConfig, 'date'>, maxAgeDays: number, now: Date): string | undefined {
  if (!isCalendarDate(a.date)) return undefined;
  const lapsed = addDays(a.date, maxAgeDays);
  return lapsed < isoDay(now) ? lapsed : undefined;
}
