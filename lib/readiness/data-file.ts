/**
 * The readiness data file: `readiness.json` next to `cdk.json`, validated against
 * `readiness.schema.json` (shipped with the package; point the file's `$schema` at it for editor help).
 * It picks the control profiles and adds the team's own controls, attestations, not-applicable
 * declarations and the account baseline the organization provides, without code. Errors name the file, the JSON path, the value and the fix.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AttestationConfig, FailureScope, NotApplicableDeclaration, RecoveryObjective, StageName } from '../config/stage-config';
import { PROVIDED_SERVICES, ProvidedBaseline } from '../config/provided-baseline';
import { ControlDefinition } from './catalogue';
import { CONTROL_PROFILES, ControlProfileName } from './profiles';
import { ControlArea, Severity } from './types';

/** The file name the gate looks for in the app's directory (where `cdk.json` is). */
export const READINESS_DATA_FILE = 'readiness.json';

/** A control of the team's own, declared in the data file or in code. */
export interface CustomControl {
  /** Upper-case ID, e.g. `PCI-SCOPE`; must not be a catalogue control's. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly area: ControlArea;
  readonly owner: string;
  /** What goes wrong without it. */
  readonly risk: string;
  /** `attested`: evidence in `attestations`; `synth`: decided by the rules below or by Readiness rules with this `controlId`. */
  readonly verification: 'synth' | 'attested';
  /** Rule IDs outside the Readiness pack that decide it (`AwsSolutions-S1`, `NIST.800.53.R5-...`). */
  readonly rules?: readonly string[];
  /** Where it comes from (a policy, a ticket). */
  readonly sources?: readonly string[];
}

/** The content of `readiness.json`. */
export interface ReadinessData {
  /** Control profiles to report on (default: every profile). */
  readonly profiles?: readonly ControlProfileName[];
  readonly controls?: readonly CustomControl[];
  readonly attestations?: Readonly<Record<string, AttestationConfig>>;
  /** Controls that do not apply, with the owner who answers for it and why (20+ characters). */
  readonly notApplicable?: Readonly<Record<string, NotApplicableDeclaration>>;
  /** Account baseline services the organization provides (auditTrail, threatDetection, securityHub, budgets), with evidence. */
  readonly provided?: ProvidedBaseline;
  /** Targets per stage (`dev`, `staging`, `prod`). */
  readonly targets?: Readonly<Partial<Record<StageName, ReadinessTargets>>>;
}

/** A stage's targets the rules measure against. */
export interface ReadinessTargets {
  /**
   * Concurrent users every user-facing ECS service must carry (Readiness-CAPACITY).
   * @default - a service's declared target, else 10,000 in prod and staging, 100 in dev
   */
  readonly targetConcurrentUsers?: number;
  /**
   * RPO / RTO in minutes per failure scope (Readiness-RTO-RPO); the stage config's `dr.targets` wins.
   * @default - DEFAULT_RECOVERY_TARGETS of the stage (prod: instance and AZ 0 / 5 min, region 60 / 240 min)
   */
  readonly recovery?: Readonly<Partial<Record<FailureScope, RecoveryObjective>>>;
  /**
   * GiB of data a regional recovery restores (the restore-time part of the region RTO).
   * @default 200
   */
  readonly dataSizeGiB?: number;
  /**
   * Measured minutes to deploy the stateless stacks in the DR region.
   * @default 60
   */
  readonly redeployMinutes?: number;
}

/** Problems of one stage's targets (`at` names where they are). */
export function targetsProblems(at: string, t: unknown): string[] {
  if (t === undefined) return [];
  if (!isObject(t)) return [`${at} = ${show(t)}: expected an object. Fix: e.g. { "targetConcurrentUsers": 10000 }.`];
  const p: Problem[] = keysProblems(at, t, ['targetConcurrentUsers', 'recovery', 'dataSizeGiB', 'redeployMinutes']);
  const users = t.targetConcurrentUsers;
  if (users !== undefined && !(typeof users === 'number' && Number.isInteger(users) && users > 0)) p.push(`${at}.targetConcurrentUsers = ${show(users)}: not a positive integer. Fix: the concurrent users the stage must carry, e.g. 10000.`);
  const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  for (const key of ['dataSizeGiB', 'redeployMinutes'] as const) {
    if (t[key] !== undefined && !(nonNegative(t[key]) && (t[key] as number) > 0)) p.push(`${at}.${key} = ${show(t[key])}: not a positive number. Fix: the measured value, e.g. ${key === 'dataSizeGiB' ? '200' : '45'}.`);
  }
  if (t.recovery !== undefined) {
    if (!isObject(t.recovery)) p.push(`${at}.recovery = ${show(t.recovery)}: expected an object keyed by failure scope. Fix: e.g. { "region": { "rpoMinutes": 60, "rtoMinutes": 240 } }.`);
    else {
      p.push(...keysProblems(`${at}.recovery`, t.recovery, ['instance', 'az', 'region']));
      for (const scope of ['instance', 'az', 'region']) {
        const o = t.recovery[scope];
        if (o === undefined) continue;
        if (!isObject(o)) p.push(`${at}.recovery.${scope} = ${show(o)}: expected { "rpoMinutes": n, "rtoMinutes": n }.`);
        else {
          p.push(...keysProblems(`${at}.recovery.${scope}`, o, ['rpoMinutes', 'rtoMinutes']));
          for (const k of ['rpoMinutes', 'rtoMinutes']) if (!nonNegative(o[k])) p.push(`${at}.recovery.${scope}.${k} = ${show(o[k])}: not a number of minutes >= 0. Fix: e.g. ${k === 'rpoMinutes' ? 60 : 240}.`);
        }
      }
    }
  }
  return p;
}

export const SEVERITY_VALUES: readonly Severity[] = ['Critical', 'High', 'Medium', 'Low'];
export const AREA_VALUES: readonly ControlArea[] = [
  'Infrastructure', 'Security', 'Performance & Scalability', 'Reliability & Monitoring', 'Compliance & Legal',
  'Feature Completion', 'Testing', 'Documentation', 'Operational Readiness', 'Business Readiness',
];
const CONTROL_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Problem = string;
const show = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');

function keysProblems(at: string, value: Record<string, unknown>, allowed: readonly string[]): Problem[] {
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => `${at}.${k} = ${show(value[k])}: unknown field. Fix: remove it (allowed: ${allowed.join(', ')}).`);
}

function text(at: string, v: unknown, fix: string): Problem[] {
  return typeof v === 'string' && v.trim().length > 0 ? [] : [`${at} = ${show(v)}: expected a non-empty string. Fix: ${fix}.`];
}

function controlProblems(at: string, c: unknown): Problem[] {
  if (!isObject(c)) return [`${at} = ${show(c)}: expected an object. Fix: give id, title, severity, area, owner, risk and verification.`];
  const p: Problem[] = keysProblems(at, c, ['id', 'title', 'severity', 'area', 'owner', 'risk', 'verification', 'rules', 'sources']);
  if (typeof c.id !== 'string' || !CONTROL_ID.test(c.id)) p.push(`${at}.id = ${show(c.id)}: not a control ID. Fix: upper-case letters, digits and single dashes, e.g. "PCI-SCOPE".`);
  p.push(...text(`${at}.title`, c.title, 'say what the control is'));
  if (!SEVERITY_VALUES.includes(c.severity as Severity)) p.push(`${at}.severity = ${show(c.severity)}: not a severity. Fix: use one of ${oneOf(SEVERITY_VALUES)}.`);
  if (!AREA_VALUES.includes(c.area as ControlArea)) p.push(`${at}.area = ${show(c.area)}: not a report area. Fix: use one of ${oneOf(AREA_VALUES)}.`);
  p.push(...text(`${at}.owner`, c.owner, 'name the team that answers for it'));
  p.push(...text(`${at}.risk`, c.risk, 'say what goes wrong without it'));
  if (c.verification !== 'synth' && c.verification !== 'attested') p.push(`${at}.verification = ${show(c.verification)}: not a verification. Fix: use "attested" (evidence in attestations) or "synth" (decided by rules).`);
  for (const key of ['rules', 'sources'] as const) {
    const list = c[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x.length === 0)) p.push(`${at}.${key} = ${show(list)}: expected a list of non-empty strings. Fix: e.g. ${key === 'rules' ? '["AwsSolutions-S1"]' : '["security policy 4.2"]'}.`);
  }
  return p;
}

function attestationProblemsOf(at: string, a: unknown): Problem[] {
  if (!isObject(a)) return [`${at} = ${show(a)}: expected an object. Fix: give owner, evidenceUrl, date and status.`];
  const p: Problem[] = keysProblems(at, a, ['owner', 'evidenceUrl', 'date', 'status', 'reason']);
  p.push(...text(`${at}.owner`, a.owner, 'name who answers for the evidence'));
  if (typeof a.evidenceUrl !== 'string' || !/^https:\/\/\S+$/.test(a.evidenceUrl)) p.push(`${at}.evidenceUrl = ${show(a.evidenceUrl)}: not an https URL. Fix: the https address where a reviewer finds the evidence.`);
  if (typeof a.date !== 'string' || !DATE.test(a.date)) p.push(`${at}.date = ${show(a.date)}: not a date. Fix: the day it was attested, YYYY-MM-DD.`);
  if (a.status !== 'ready' && a.status !== 'conditional') p.push(`${at}.status = ${show(a.status)}: not an attestation status. Fix: "ready", or "conditional" with a reason.`);
  if (a.reason !== undefined) p.push(...text(`${at}.reason`, a.reason, 'say what is outstanding'));
  if (a.status === 'conditional' && a.reason === undefined) p.push(`${at}.reason = missing: a conditional attestation needs one. Fix: say what is outstanding.`);
  return p;
}

function notApplicableProblems(at: string, d: unknown): Problem[] {
  if (!isObject(d)) return [`${at} = ${show(d)}: expected an object. Fix: give owner and reason.`];
  const p: Problem[] = keysProblems(at, d, ['owner', 'reason']);
  p.push(...text(`${at}.owner`, d.owner, 'name who answers for the declaration'));
  if (typeof d.reason !== 'string' || d.reason.trim().length < 20) p.push(`${at}.reason = ${show(d.reason)}: too short to review. Fix: at least 20 characters saying why the control does not apply.`);
  return p;
}

function mapProblems(at: string, v: unknown, each: (at: string, v: unknown) => Problem[]): Problem[] {
  if (v === undefined) return [];
  if (!isObject(v)) return [`${at} = ${show(v)}: expected an object keyed by control ID.`];
  return Object.entries(v).flatMap(([id, item]) => [
    ...(CONTROL_ID.test(id) ? [] : [`${at}.${id}: not a control ID. Fix: the upper-case ID of a control, e.g. "RUNBOOKS".`]),
    ...each(`${at}.${id}`, item),
  ]);
}

function providedProblemsOf(at: string, v: unknown): Problem[] {
  if (v === undefined) return [];
  if (!isObject(v)) return [`${at} = ${show(v)}: expected an object keyed by service. Fix: e.g. { "auditTrail": { "providedBy": ..., "evidenceUrl": ..., "date": ... } }.`];
  const p: Problem[] = keysProblems(at, v, Object.keys(PROVIDED_SERVICES));
  for (const [key, e] of Object.entries(v)) {
    if (!(key in PROVIDED_SERVICES)) continue;
    const here = `${at}.${key}`;
    if (!isObject(e)) {
      p.push(`${here} = ${show(e)}: expected an object. Fix: give providedBy, evidenceUrl and date.`);
      continue;
    }
    p.push(...keysProblems(here, e, ['providedBy', 'evidenceUrl', 'date']));
    p.push(...text(`${here}.providedBy`, e.providedBy, 'name who runs it, e.g. "AWS Control Tower (audit account 111122223333)"'));
    if (typeof e.evidenceUrl !== 'string' || !/^https:\/\/\S+$/.test(e.evidenceUrl)) p.push(`${here}.evidenceUrl = ${show(e.evidenceUrl)}: not an https URL. Fix: the https address where a reviewer finds the evidence.`);
    if (typeof e.date !== 'string' || !DATE.test(e.date)) p.push(`${here}.date = ${show(e.date)}: not a date. Fix: the day the evidence was checked, YYYY-MM-DD.`);
  }
  return p;
}

/** Every problem of a parsed data file, each naming the JSON path, the value and the fix. Empty: valid. */
export function readinessDataProblems(data: unknown): string[] {
  if (!isObject(data)) return [`$ = ${show(data)}: expected an object. Fix: { "profiles": ["core"] } at least.`];
  const p: Problem[] = keysProblems('$', data, ['$schema', 'profiles', 'controls', 'attestations', 'notApplicable', 'provided', 'targets']);
  if (data.profiles !== undefined) {
    if (!Array.isArray(data.profiles) || data.profiles.length === 0) {
      p.push(`$.profiles = ${show(data.profiles)}: expected a non-empty list. Fix: e.g. ["core"]; the profiles are ${oneOf(CONTROL_PROFILES)}.`);
    } else {
      data.profiles.forEach((x, i) => {
        if (!(CONTROL_PROFILES as readonly unknown[]).includes(x)) p.push(`$.profiles[${i}] = ${show(x)}: not a control profile. Fix: use one of ${oneOf(CONTROL_PROFILES)}.`);
      });
    }
  }
  if (data.controls !== undefined) {
    if (!Array.isArray(data.controls)) p.push(`$.controls = ${show(data.controls)}: expected a list of controls.`);
    else data.controls.forEach((c, i) => p.push(...controlProblems(`$.controls[${i}]`, c)));
  }
  p.push(...mapProblems('$.attestations', data.attestations, attestationProblemsOf));
  p.push(...mapProblems('$.notApplicable', data.notApplicable, notApplicableProblems));
  p.push(...providedProblemsOf('$.provided', data.provided));
  if (data.targets !== undefined) {
    if (!isObject(data.targets)) p.push(`$.targets = ${show(data.targets)}: expected an object keyed by stage. Fix: e.g. { "prod": { "targetConcurrentUsers": 10000 } }.`);
    else {
      p.push(...keysProblems('$.targets', data.targets, ['dev', 'staging', 'prod']));
      for (const stage of ['dev', 'staging', 'prod']) p.push(...targetsProblems(`$.targets.${stage}`, data.targets[stage]));
    }
  }
  return p;
}

/** Reads and validates a data file; throws one error naming the file and every problem. */
export function loadReadinessData(file: string): ReadinessData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read it as JSON: ${(e as Error).message}. Fix: make it a JSON object as described by readiness.schema.json.`);
  }
  const problems = readinessDataProblems(parsed);
  if (problems.length > 0) {
    throw new Error(`${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}; schema: readiness.schema.json):\n${problems.map((x) => `  ${x}`).join('\n')}`);
  }
  return parsed as ReadinessData;
}

/**
 * The data file the gate reads: `file` when given (false: none), else `readiness.json` in the current
 * directory (where `cdk synth` runs, next to `cdk.json`) when it exists.
 */
export function findReadinessData(file?: string | false): { file: string; data: ReadinessData } | undefined {
  if (file === false) return undefined;
  const target = file ?? path.join(process.cwd(), READINESS_DATA_FILE);
  if (file === undefined && !fs.existsSync(target)) return undefined;
  return { file: target, data: loadReadinessData(target) };
}

/** A custom control as a catalogue definition. */
export function definitionOfCustomControl(c: CustomControl): ControlDefinition {
  return {
    id: c.id,
    title: c.title,
    severity: c.severity,
    area: c.area,
    owner: c.owner,
    risk: c.risk,
    verification: c.verification,
    sources: c.sources ?? [],
    ...(c.rules ? { extraRules: c.rules } : {}),
  };
}
