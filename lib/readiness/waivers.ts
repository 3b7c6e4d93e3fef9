/**
 * Waivers that hold people accountable: each names a control (or one rule), an owner, a reason and
 * an expiry. `waive()` acknowledges the rules through CDK (`Validations.acknowledge`, plain rule IDs,
 * which both cdk-nag and CDK's report honour) and records the waiver for the gate and the report.
 * A Readiness rule acknowledged any other way (a plain `Validations.acknowledge`) has no owner and no
 * expiry: the gate fails on it in every stage (`checkAcknowledgments`).
 */
import { PolicyViolation, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
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
  /** Last day the waiver holds, `YYYY-MM-DD` (or a Date). After it, synth fails. */
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
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires))) {
    throw new Error(`waive(): expires "${expires}" is not a date; use YYYY-MM-DD`);
  }
  return expires;
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
 * Checks every waiver against the rule results of the run: expiry, a matching finding, reason length,
 * and no Critical control waived in prod. Each problem is an error in every stage.
 */
export function checkWaivers(
  waivers: readonly FoundWaiver[],
  results: readonly RuleResult[],
  stage: StageName,
  now: Date,
  controls: readonly ReadinessControl[] = CONTROLS,
): WaiverCheck {
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

/**
 * Finds Readiness rules acknowledged on `scope`, below it or on its ancestors (whose
 * acknowledgments reach into it) without a `waive()` record for that rule on the same construct: a
 * plain `Validations.of(c).acknowledge({ id: 'Readiness-...' })` silences a rule with no owner and
 * no expiry. Each is an error in every stage. AwsSolutions and NIST acknowledgments stay allowed
 * (cdk-nag's own mechanism). A waiver of a rule covers an acknowledgment of one of its findings
 * (`Readiness-X[finding]`).
 */
export function checkAcknowledgments(scope: IConstruct, controls: readonly ReadinessControl[] = CONTROLS): WaiverCheck {
  const constructs: IConstruct[] = [];
  for (let c = scope.node.scope; c; c = c.node.scope) constructs.push(c);
  constructs.push(...scope.node.findAll());
  const records: WaiverRecord[] = [];
  const violations: PolicyViolation[] = [];
  for (const c of constructs) {
    if (c.node.metadata.length === 0) continue;
    const acks = [...ownAcknowledgments(c).entries()].filter(([id]) => id.startsWith('Readiness-'));
    if (acks.length === 0) continue;
    const waived = ownWaivedRules(c);
    const path = c.node.path || '<app>';
    for (const [ruleId, reason] of acks) {
      const base = ruleId.replace(/\[.*\]$/, '');
      if (waived.has(ruleId) || waived.has(base)) continue;
      const problem = 'acknowledged without waive(): no owner, no expiry';
      records.push({ control: controlOfRule(base, controls)?.id ?? base, ruleId, constructPath: path, reason, owner: '', expires: '', problems: [problem] });
      violations.push({
        ruleName: ACK_WITHOUT_WAIVER_RULE,
        description:
          `${ruleId} acknowledged at ${path} without waive(): use waive(construct, { control, reason, owner, expires }) ` +
          'so the waiver has an owner and an expiry',
        fix: 'Replace Validations.of(construct).acknowledge({ id, reason }) for Readiness rules with waive(construct, { control, reason, owner, expires }), or fix the finding.',
        severity: 'error',
        violatingResources: [{ constructPath: reportPathOf(c), locations: ['Metadata'] }],
      });
    }
  }
  return { records, violations };
}
