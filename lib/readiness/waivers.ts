/**
 * Waivers that hold people accountable: each names a control (or one rule), an owner, a reason and
 * an expiry. `waive()` acknowledges the rules through CDK (`Validations.acknowledge`, plain rule IDs,
 * which both cdk-nag and CDK's report honour) and records the waiver for the gate and the report.
 * A Readiness rule acknowledged any other way (a plain `Validations.acknowledge`) has no owner and no
 * expiry: the gate fails on it in every stage (`checkAcknowledgments`).
 */
import { App, PolicyViolation, Stack, Stage, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { addDays, isCalendarDate, WAIVER_HORIZON_DAYS } from '../config/readiness-policy';
import { StageName } from '../config/stage-config';
import { ownAcknowledgments } from '../aspects/acknowledgments';
import { isFailure, RuleResult } from '../aspects/results';
import { controlById, controlOfRule, CONTROLS } from './catalogue';
import { ReadinessControl, WaiverRecord } from './types';

export interface WaiverProps {
  /** Catalogue control ID (`DB-HA`: waives all its rules) or one rule ID (`Readiness-DB-HA`, `AwsSolutions-RDS3`). */
  readonly control: string;
  /** Why the finding is accepted: at least 20 characters a reviewer can judge. */
  readonly reason: string;
  /** Who answers for the waiver (a team or a person). */
  readonly owner: string;
  /**
   * Last day the waiver holds, `YYYY-MM-DD` (or a Date). After it, synth fails. At most 90 days ahead
   * in prod and 180 elsewhere (`readiness.waiverHorizonDays` in the stage config can shorten it).
   */
  readonly expires: string | Date;
}

export const WAIVER_METADATA_TYPE = 'readiness:waiver';
export const MIN_WAIVER_REASON_LENGTH = 20;

interface StoredWaiver {
  readonly control: string;
  readonly ruleIds: readonly string[];
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
}

const RULE_ID = /^[A-Za-z0-9.]+-[A-Za-z0-9-]+(\[.*\])?$/;

function toIsoDate(expires: string | Date): string {
  if (expires instanceof Date) {
    if (Number.isNaN(expires.getTime())) throw new Error('waive(): expires is an invalid Date');
    return expires.toISOString().slice(0, 10);
  }
  if (!isCalendarDate(expires)) {
    throw new Error(`waive(): expires "${expires}" is not a calendar date; use YYYY-MM-DD`);
  }
  return expires;
}

/** Why a waiver may not sit on `construct` (App, Stage or Stack: it would cover every resource below), or undefined. */
function rootProblem(construct: IConstruct): string | undefined {
  if (App.isApp(construct)) return 'on the App';
  if (Stage.isStage(construct)) return `on the Stage ${construct.node.path}`;
  if (Stack.isStack(construct)) return `on the whole stack ${construct.node.path}`;
  return undefined;
}

/** The control and rule IDs a waiver's `control` names. */
export function resolveWaiverTarget(target: string, controls: readonly ReadinessControl[] = CONTROLS): { control: string; ruleIds: string[] } {
  const control = controlById(target, controls);
  if (control) {
    if (control.rules.length === 0) {
      throw new Error(`waive(): control ${target} has no rules to waive; ${control.verification === 'attested' ? 'attest it in the stage config (attestations)' : 'it is not yet enforced'}`);
    }
    return { control: control.id, ruleIds: [...control.rules] };
  }
  if (RULE_ID.test(target) && /^(Readiness|AwsSolutions|NIST\.800\.53\.R5)-/.test(target)) {
    return { control: controlOfRule(target, controls)?.id ?? target, ruleIds: [target] };
  }
  throw new Error(`waive(): "${target}" is neither a catalogue control ID nor a Readiness-/AwsSolutions- rule ID`);
}

/**
 * Waives a control (or one rule) on `construct` and everything under it. The gate fails synth
 * when the waiver has expired, matches no finding, has a reason under 20 characters, or waives a
 * Critical control in prod.
 */
export function waive(construct: IConstruct, props: WaiverProps): void {
  const root = rootProblem(construct);
  if (root) {
    throw new Error(`waive(): a waiver ${root} would cover every resource below it; waive the construct inside a stack that has the finding (e.g. the database)`);
  }
  const { control, ruleIds } = resolveWaiverTarget(props.control);
  const expires = toIsoDate(props.expires);
  const reason = String(props.reason ?? '');
  const owner = String(props.owner ?? '');
  for (const id of ruleIds) {
    Validations.of(construct).acknowledge({ id, reason: `${reason} [owner: ${owner}; expires: ${expires}]` });
  }
  const stored: StoredWaiver = { control, ruleIds, reason, owner, expires };
  construct.node.addMetadata(WAIVER_METADATA_TYPE, stored);
}

export interface FoundWaiver extends StoredWaiver {
  readonly construct: IConstruct;
}

/** Every waiver recorded on `scope` or below. */
export function collectWaivers(scope: IConstruct): FoundWaiver[] {
  const found: FoundWaiver[] = [];
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === WAIVER_METADATA_TYPE && entry.data) found.push({ ...(entry.data as StoredWaiver), construct: c });
    }
  }
  return found;
}

function isUnder(construct: IConstruct, ancestor: IConstruct): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) if (c === ancestor) return true;
  return false;
}

/** True when a `waive()` record on the result's construct or an ancestor covers its rule. */
export function isCoveredByWaiver(result: RuleResult, waivers: readonly FoundWaiver[]): boolean {
  return waivers.some((w) => w.ruleIds.includes(result.ruleId) && isUnder(result.construct, w.construct));
}

export interface WaiverCheck {
  readonly records: WaiverRecord[];
  readonly violations: PolicyViolation[];
}

/**
 * Checks every waiver against the rule results of the run: a calendar expiry date that has not
 * passed and lies within the stage's horizon, a construct inside a stack (not an App, Stage or Stack),
 * a matching finding, reason length, an owner, and no Critical control waived in prod. Each problem
 * is an error in every stage.
 */
export function checkWaivers(
  waivers: readonly FoundWaiver[],
  results: readonly RuleResult[],
  stage: StageName,
  now: Date,
  controls: readonly ReadinessControl[] = CONTROLS,
  horizonDays: number = WAIVER_HORIZON_DAYS[stage],
): WaiverCheck {
  const latest = addDays(now.toISOString().slice(0, 10), horizonDays);
  const today = now.toISOString().slice(0, 10);
  const records: WaiverRecord[] = [];
  const byProblem = new Map<string, { description: string; paths: string[] }>();
  const flag = (ruleName: string, description: string, path: string) => {
    const entry = byProblem.get(ruleName) ?? { description, paths: [] };
    entry.paths.push(path);
    byProblem.set(ruleName, entry);
  };
  for (const w of waivers) {
    const path = w.construct.node.path;
    const problems: string[] = [];
    if (!isCalendarDate(w.expires)) {
      problems.push(`expires "${w.expires}" is not a calendar date`);
      flag('Readiness-WAIVER-DATE', 'The waiver\'s expiry is not a calendar date (YYYY-MM-DD): give the last day it holds.', path);
    } else if (w.expires > latest) {
      problems.push(`expires ${w.expires}, more than ${horizonDays} days ahead (latest ${latest})`);
      flag(
        'Readiness-WAIVER-HORIZON',
        `The waiver expires more than ${horizonDays} days ahead (${stage}: the latest allowed is ${latest}): set an earlier expiry and review it then.`,
        path,
      );
    }
    const root = rootProblem(w.construct);
    if (root) {
      problems.push(`placed ${root}`);
      flag('Readiness-WAIVER-SCOPE', 'The waiver sits on an App, Stage or Stack and covers every resource below it: waive the construct inside a stack that has the finding.', path);
    }
    if (w.expires < today) {
      problems.push(`expired on ${w.expires}`);
      flag('Readiness-WAIVER-EXPIRED', 'The waiver has expired: fix the finding or renew the waiver with a new date and reason.', path);
    }
    const matched = results.some((r) => isFailure(r) && w.ruleIds.includes(r.ruleId) && isUnder(r.construct, w.construct));
    if (!matched) {
      problems.push('matches no finding');
      flag('Readiness-WAIVER-UNMATCHED', 'The waiver matches no finding of its rules on this construct or below: remove it (stale waivers hide future regressions).', path);
    }
    if (w.reason.trim().length < MIN_WAIVER_REASON_LENGTH) {
      problems.push(`reason under ${MIN_WAIVER_REASON_LENGTH} characters`);
      flag('Readiness-WAIVER-REASON', `The waiver reason is under ${MIN_WAIVER_REASON_LENGTH} characters: say why the risk is accepted.`, path);
    }
    if (w.owner.trim().length === 0) {
      problems.push('no owner');
      flag('Readiness-WAIVER-OWNER', 'The waiver names no owner: name who answers for it.', path);
    }
    const control = controlById(w.control, controls);
    if (stage === 'prod' && control?.severity === 'Critical') {
      problems.push('Critical controls cannot be waived in prod');
      flag('Readiness-WAIVER-CRITICAL', 'Critical controls cannot be waived in prod: fix the finding.', path);
    }
    for (const ruleId of w.ruleIds) {
      records.push({ control: w.control, ruleId, constructPath: path, reason: w.reason, owner: w.owner, expires: w.expires, problems });
    }
  }
  const violations: PolicyViolation[] = [...byProblem.entries()].map(([ruleName, v]) => ({
    ruleName,
    description: v.description,
    severity: 'error',
    violatingResources: v.paths.map((constructPath) => ({ constructPath, locations: ['Metadata'] })),
  }));
  return { records, violations };
}

/** The gate's finding for a Readiness rule acknowledged without `waive()`. */
export const ACK_WITHOUT_WAIVER_RULE = 'Readiness-ACK-WITHOUT-WAIVER';

/** Rule IDs that `waive()` recorded on the construct itself (not its ancestors). */
function ownWaivedRules(construct: IConstruct): Set<string> {
  const ids = new Set<string>();
  for (const entry of construct.node.metadata) {
    if (entry.type === WAIVER_METADATA_TYPE && entry.data) for (const id of (entry.data as StoredWaiver).ruleIds ?? []) ids.add(id);
  }
  return ids;
}

/** The construct's path for a report (CDK's report needs one; the root app's is empty). */
function reportPathOf(construct: IConstruct): string {
  return construct.node.path || construct.node.children.find((c) => c.node.children.length > 0)?.node.path || '/';
}

/** Rule IDs that decide a control (its Readiness rules and its AwsSolutions/NIST extra rules). */
export function controlRuleIds(controls: readonly ReadinessControl[] = CONTROLS): Set<string> {
  return new Set(controls.flatMap((c) => c.rules));
}

/** True when `ruleId` (or its base rule) must be waived with `waive()`, not acknowledged. */
export function needsWaiver(ruleId: string, controls: readonly ReadinessControl[] = CONTROLS): boolean {
  const base = ruleId.replace(/\[.*\]$/, '');
  if (base.startsWith('Readiness-')) return true;
  return controlRuleIds(controls).has(base);
}

/**
 * Finds rules acknowledged on `scope`, below it or on its ancestors (whose acknowledgments reach
 * into it) without a `waive()` record for that rule on the same construct: a plain
 * `Validations.of(c).acknowledge({ id })` silences a rule with no owner and no expiry.
 * - A Readiness rule: an error in every stage.
 * - An AwsSolutions or NIST rule that decides a control (the catalogue's extra rules, such as
 *   `AwsSolutions-RDS3` for DB-HA): an error in prod, a warning elsewhere.
 * Other AwsSolutions and NIST acknowledgments stay allowed (cdk-nag's own mechanism). A waiver of a
 * rule covers an acknowledgment of one of its findings (`Readiness-X[finding]`).
 */
export function checkAcknowledgments(scope: IConstruct, controls: readonly ReadinessControl[] = CONTROLS, stage: StageName = 'prod'): WaiverCheck {
  const extra = new Set([...controlRuleIds(controls)].filter((id) => !id.startsWith('Readiness-')));
  const constructs: IConstruct[] = [];
  for (let c = scope.node.scope; c; c = c.node.scope) constructs.push(c);
  constructs.push(...scope.node.findAll());
  const records: WaiverRecord[] = [];
  const violations: PolicyViolation[] = [];
  for (const c of constructs) {
    if (c.node.metadata.length === 0) continue;
    const acks = [...ownAcknowledgments(c).entries()].filter(([id]) => id.startsWith('Readiness-') || extra.has(id.replace(/\[.*\]$/, '')));
    if (acks.length === 0) continue;
    const waived = ownWaivedRules(c);
    const path = c.node.path || '<app>';
    for (const [ruleId, reason] of acks) {
      const base = ruleId.replace(/\[.*\]$/, '');
      if (waived.has(ruleId) || waived.has(base)) continue;
      const problem = 'acknowledged without waive(): no owner, no expiry';
      const control = controlOfRule(base, controls)?.id ?? base;
      records.push({ control, ruleId, constructPath: path, reason, owner: '', expires: '', problems: [problem] });
      const readinessRule = base.startsWith('Readiness-');
      violations.push({
        ruleName: ACK_WITHOUT_WAIVER_RULE,
        description:
          `${ruleId} acknowledged at ${path} without waive(): use waive(construct, { control, reason, owner, expires }) ` +
          `so the waiver has an owner and an expiry${readinessRule ? '' : ` (${base} decides control ${control})`}`,
        fix: 'Replace Validations.of(construct).acknowledge({ id, reason }) for the rules of a control with waive(construct, { control, reason, owner, expires }), or fix the finding.',
        severity: readinessRule || stage === 'prod' ? 'error' : 'warning',
        violatingResources: [{ constructPath: reportPathOf(c), locations: ['Metadata'] }],
      });
    }
  }
  return { records, violations };
}
