import { Token } from 'aws-cdk-lib';

/**
 * One row of a validation table: where the value is, how to read it, when it is acceptable,
 * and what to do when it is not. Config and construct props are both checked with these tables,
 * so every error reads the same way: field, bad value, fix.
 */
export interface ValidationRule<T> {
  /** Dotted path of the field, as the user writes it (`database.backupRetentionDays`). */
  readonly field: string;
  /** Reads the value from the subject. */
  readonly value: (subject: T) => unknown;
  /** True when the value is acceptable. Not called for unresolved tokens. */
  readonly check: (value: any, subject: T) => boolean;
  /** What a good value looks like; shown as the fix. */
  readonly fix: string;
  /** Only check when this is true (e.g. prod-only rules). */
  readonly when?: (subject: T) => boolean;
}

export interface ValidationProblem {
  readonly field: string;
  readonly value: unknown;
  readonly fix: string;
}

/** Thrown with every problem of one subject at once. */
export class ValidationError extends Error {
  public readonly problems: readonly ValidationProblem[];

  constructor(subject: string, problems: readonly ValidationProblem[]) {
    super(
      `${subject} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.field} = ${formatValue(p.value)}: ${p.fix}`).join('\n'),
    );
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export function collectProblems<T>(subject: T, rules: readonly ValidationRule<T>[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const rule of rules) {
    if (rule.when && !rule.when(subject)) continue;
    const value = rule.value(subject);
    if (isUnresolved(value)) continue;
    let ok: boolean;
    try {
      ok = rule.check(value, subject);
    } catch {
      ok = false;
    }
    if (!ok) problems.push({ field: rule.field, value, fix: rule.fix });
  }
  return problems;
}

/**
 * A construct's rows read from another subject (a stage config): each construct field named in
 * `fields` becomes that subject's field, so config and construct validate against one table.
 */
export function adaptRules<S, T>(rules: readonly ValidationRule<T>[], fields: Readonly<Record<string, string>>, toSubject: (subject: S) => T): ValidationRule<S>[] {
  return rules
    .filter((r) => fields[r.field] !== undefined)
    .map((r) => ({
      field: fields[r.field],
      value: (s: S) => r.value(toSubject(s)),
      check: (v: unknown, s: S) => r.check(v, toSubject(s)),
      fix: r.fix,
      ...(r.when ? { when: (s: S) => r.when!(toSubject(s)) } : {}),
    }));
}

/** Checks `subject` against `rules` and throws one error naming every bad field. */
export function assertValid<T>(label: string, subject: T, rules: readonly ValidationRule<T>[]): void {
  const problems = collectProblems(subject, rules);
  if (problems.length > 0) throw new ValidationError(label, problems);
}

function isUnresolved(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value);
  return false;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  return JSON.stringify(value);
}

/** Small predicates shared by the tables. */
export const is = {
  intBetween: (min: number, max: number) => (v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
  oneOf: (...allowed: readonly unknown[]) => (v: unknown) => allowed.includes(v),
  matching: (pattern: RegExp) => (v: unknown) => typeof v === 'string' && pattern.test(v),
  nonEmptyString: (v: unknown) => typeof v === 'string' && v.trim().length > 0,
  /** CloudWatch Logs accepts only these retention periods. */
  logRetentionDays: (v: unknown) => LOG_RETENTION_DAYS.includes(v as number),
};

export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
