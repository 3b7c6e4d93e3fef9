/**
 * The account baseline an organization or landing zone provides (AWS Control Tower's organization
 * trail, a delegated GuardDuty / Security Hub administrator, the FinOps team's budgets), declared by an
 * app that does not create those services itself. Each declaration names who provides the service,
 * where a reviewer finds the evidence and the day it was checked, validated like an attestation
 * (lib/config/readiness-policy.ts). The controls it satisfies are `conditional` (never `ready`) until
 * `readiness verify` proves them live.
 */
import { ATTESTATION_MAX_AGE_CEILING_DAYS, daysBetween, evidenceUrlProblems, isCalendarDate, isoDay } from './readiness-policy';

/** Evidence that the organization provides one account-level service in every account and region of the scope. */
export interface ProvidedServiceEvidence {
  /** Who runs it, e.g. `AWS Control Tower (audit account 111122223333)` or `FinOps (consolidated billing)`. */
  readonly providedBy: string;
  /** https URL on a real host where a reviewer finds the evidence (landing-zone controls page, budget dashboard). */
  readonly evidenceUrl: string;
  /** Day the evidence was checked, `YYYY-MM-DD`: not in the future, at most 365 days old. */
  readonly date: string;
}

/** Services of the account baseline the organization may provide. */
export interface ProvidedBaseline {
  /** An organization trail (AUDIT-TRAIL). */
  readonly auditTrail?: ProvidedServiceEvidence;
  /** GuardDuty, from a delegated administrator (SECURITY-MONITORING). */
  readonly threatDetection?: ProvidedServiceEvidence;
  /** Security Hub with a standard, from a delegated administrator (SECURITY-MONITORING). */
  readonly securityHub?: ProvidedServiceEvidence;
  /** Cost budgets with alerts, run by the organization's FinOps (COST). */
  readonly budgets?: ProvidedServiceEvidence;
}

export type ProvidedService = keyof ProvidedBaseline;

/** Each service, the control it counts for and the live check of `readiness verify` that proves it. */
export const PROVIDED_SERVICES: Readonly<Record<ProvidedService, { readonly control: string; readonly what: string; readonly liveCheck: 'security-baseline' | 'cost' }>> = {
  auditTrail: { control: 'AUDIT-TRAIL', what: 'Audit trail (organization trail)', liveCheck: 'security-baseline' },
  threatDetection: { control: 'SECURITY-MONITORING', what: 'GuardDuty', liveCheck: 'security-baseline' },
  securityHub: { control: 'SECURITY-MONITORING', what: 'Security Hub', liveCheck: 'security-baseline' },
  budgets: { control: 'COST', what: 'Cost budgets (organization FinOps)', liveCheck: 'cost' },
};

/** The settings key under which rules read the validated declarations (`RuleContext.settings`). */
export const PROVIDED_BASELINE_SETTING = 'providedBaseline';

/**
 * Why a declaration cannot be trusted (empty when it can): no provider, evidence that is not an https
 * URL on a real host, a date that is not a calendar day, in the future or older than 365 days.
 * Without `now` the date is checked for form only.
 */
export function providedServiceProblems(e: unknown, now?: Date): string[] {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return ['not an object with providedBy, evidenceUrl and date'];
  const d = e as Partial<ProvidedServiceEvidence>;
  const problems: string[] = [];
  if (typeof d.providedBy !== 'string' || d.providedBy.trim().length === 0) problems.push('providedBy: name who runs it, e.g. "AWS Control Tower (audit account 111122223333)"');
  for (const p of evidenceUrlProblems(d.evidenceUrl)) problems.push(`evidenceUrl ${JSON.stringify(d.evidenceUrl)} is ${p}: link the evidence a reviewer can open`);
  if (!isCalendarDate(d.date)) {
    problems.push(`date ${JSON.stringify(d.date)} is not a calendar date: use YYYY-MM-DD, the day the evidence was checked`);
  } else if (now) {
    const age = daysBetween(d.date, isoDay(now));
    if (age < 0) problems.push(`date ${d.date} is in the future`);
    else if (age > ATTESTATION_MAX_AGE_CEILING_DAYS) problems.push(`date ${d.date} is ${age} days old (more than ${ATTESTATION_MAX_AGE_CEILING_DAYS}): check the evidence again`);
  }
  return problems;
}

/** Every problem of a declaration, one line each naming `provided.<service>`; unknown services too. */
export function providedBaselineProblems(p: unknown, now?: Date): string[] {
  if (p === undefined) return [];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return [`provided = ${JSON.stringify(p)}: expected an object keyed by ${Object.keys(PROVIDED_SERVICES).join(', ')}`];
  return Object.entries(p).flatMap(([key, e]) =>
    key in PROVIDED_SERVICES
      ? providedServiceProblems(e, now).map((x) => `provided.${key}: ${x}`)
      : [`provided.${key}: not a provided service; use one of ${Object.keys(PROVIDED_SERVICES).join(', ')}`],
  );
}

/** The declarations that can be trusted at `now`; the others are dropped (the gate reports them). */
export function trustedProvidedBaseline(p: ProvidedBaseline | undefined, now?: Date): ProvidedBaseline {
  const out: Record<string, ProvidedServiceEvidence> = {};
  for (const [key, e] of Object.entries(p ?? {})) {
    if (key in PROVIDED_SERVICES && providedServiceProblems(e, now).length === 0) out[key] = e as ProvidedServiceEvidence;
  }
  return out;
}
