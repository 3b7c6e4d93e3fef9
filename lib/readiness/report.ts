/**
 * Builds the readiness report of one scope from the rule results, waivers, attestations and
 * sections of a run, and renders it as Markdown for reviewers.
 */
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { attestationLapse, attestationMaxAgeDays, attestationProblems } from '../config/readiness-policy';
import { StageConfig, StageName } from '../config/stage-config';
import { isFailure, RuleResult } from '../aspects/results';
import { ReadinessRule, ruleIdOf } from '../aspects/rule';
import { isClusterMember } from '../aspects/analysis/engines';
import { evidenceOf } from '../aspects/analysis/evidence';
import { isEnforced } from './catalogue';
import { cell, ReportSection, table } from './sections/section';
import {
  ControlArea,
  ControlReport,
  ControlStatus,
  EvidenceItem,
  ReadinessControl,
  ReadinessReport,
  REPORT_SCHEMA_VERSION,
  Severity,
  WaiverRecord,
} from './types';

export const SEVERITIES: readonly Severity[] = ['Critical', 'High', 'Medium', 'Low'];
export const STATUSES: readonly ControlStatus[] = ['ready', 'conditional', 'missing', 'not-applicable'];

/** A count per status, all zero. */
export function zeroCounts(): Record<ControlStatus, number> {
  return { 'ready': 0, 'conditional': 0, 'missing': 0, 'not-applicable': 0 };
}
const AREAS: readonly ControlArea[] = [
  'Infrastructure',
  'Security',
  'Performance & Scalability',
  'Reliability & Monitoring',
  'Compliance & Legal',
  'Feature Completion',
  'Testing',
  'Documentation',
  'Operational Readiness',
  'Business Readiness',
];

/** Resource types `readiness verify` looks up for each live check. */
export const LIVE_CHECK_TYPES: Readonly<Record<'alarms' | 'secret-rotation', readonly string[]>> = {
  alarms: ['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic'],
  'secret-rotation': ['AWS::SecretsManager::Secret', 'AWS::SecretsManager::RotationSchedule'],
};

export interface ReportInputs {
  readonly scope: IConstruct;
  readonly stage: StageName;
  /** What the report reads of the stage config: attestations, not-applicable declarations, attestation ages. */
  readonly config?: Partial<Pick<StageConfig, 'attestations' | 'notApplicable' | 'readiness'>>;
  readonly controls: readonly ReadinessControl[];
  readonly results: readonly RuleResult[];
  /** Readiness rule IDs that ran in this stage (a rule limited to other stages does not count). */
  readonly activeRules: ReadonlySet<string>;
  readonly waivers: readonly WaiverRecord[];
  readonly sections: readonly ReportSection[];
  /** Every CfnResource in scope. */
  readonly resources: readonly CfnResource[];
  readonly now: Date;
  readonly launchGate: boolean;
  /**
   * The Readiness rules of the run, for the resource types each control's rules read.
   * @default - the types are not named in the not-applicable reason
   */
  readonly rules?: readonly ReadinessRule[];
  /**
   * Controls met (in part) by services the organization declares it provides, with the `readiness verify`
   * check that proves them live (`security-baseline`, `cost`): written into each control's `live` field.
   */
  readonly providedLiveChecks?: Readonly<Record<string, 'security-baseline' | 'cost'>>;
}


// Not applicable outranks ready (nothing was proven) and yields to anything that needs work.
const RANK: Record<ControlStatus, number> = { 'ready': 0, 'not-applicable': 1, 'conditional': 2, 'missing': 3 };
const worst = (a: Part, b: Part): Part => (RANK[b.status] > RANK[a.status] ? b : a);
interface Part {
  readonly status: ControlStatus;
  readonly reason: string;
}

function listPaths(results: readonly RuleResult[], max = 3): string {
  const items = results.map((r) => `${r.findingId} at ${r.construct.node.path}`);
  return items.length > max ? `${items.slice(0, max).join('; ')}; and ${items.length - max} more` : items.join('; ');
}

/** One item per resource: notes of several rules on the same resource are joined. */
function dedupeEvidence(items: EvidenceItem[]): void {
  const seen = new Map<string, number>();
  const out: EvidenceItem[] = [];
  for (const item of items) {
    const key = `${item.constructPath}|${item.logicalId ?? ''}`;
    const at = item.constructPath ? seen.get(key) : undefined;
    if (at === undefined) {
      if (item.constructPath) seen.set(key, out.length);
      out.push(item);
    } else if (item.note && !out[at].note?.includes(item.note)) {
      out[at] = { ...out[at], note: out[at].note ? `${out[at].note}; ${item.note}` : item.note };
    }
  }
  items.splice(0, items.length, ...out);
}

/** The resource types the control's Readiness rules read, and the ones it is about. */
function typesOf(control: ReadinessControl, inputs: ReportInputs): string[] {
  const ruleTypes = (inputs.rules ?? [])
    .filter((r) => r.kind === 'resource' && control.rules.includes(ruleIdOf(r)))
    .flatMap((r) => (r.kind === 'resource' ? r.resourceTypes : []));
  return [...new Set([...ruleTypes, ...(control.aboutTypes ?? [])])];
}

/**
 * Resources of a type the control is about that none of its Readiness rules evaluated (each rule
 * said "not applicable" or never ran on it): `<type> <path>`. An RDS instance in a DB cluster is
 * decided by its cluster. AwsSolutions and NIST results do not count: those packs may be off.
 */
function notUnderstoodResources(control: ReadinessControl, inputs: ReportInputs): string[] {
  if (!control.aboutTypes || control.aboutTypes.length === 0) return [];
  const about = new Set(control.aboutTypes);
  const readiness = new Set(control.rules.filter((r) => r.startsWith('Readiness-')));
  const evaluated = new Set<IConstruct>();
  for (const r of inputs.results) {
    if (readiness.has(r.ruleId) && r.compliance !== 'not-applicable') evaluated.add(r.construct);
  }
  return inputs.resources
    .filter((r) => about.has(r.cfnResourceType) && !evaluated.has(r))
    .filter((r) => !(r.cfnResourceType === 'AWS::RDS::DBInstance' && isClusterMember(r)))
    .map((r) => `${r.cfnResourceType} ${r.node.path}`);
}

function controlReport(control: ReadinessControl, inputs: ReportInputs): ControlReport {
  const ruleIds = new Set(control.rules);
  const mine = inputs.results.filter((r) => ruleIds.has(r.ruleId));
  const failing = mine.filter((r) => isFailure(r) && !r.acknowledged && !r.allowedBy);
  const waived = mine.filter((r) => isFailure(r) && r.acknowledged);
  // Warnings the user's policy allows (AWS-managed keys under customerManagedKeys 'preferred'): named, not counted.
  const allowed = mine.filter((r) => isFailure(r) && !r.acknowledged && r.allowedBy);
  const compliant = mine.filter((r) => r.compliance === 'compliant');
  const waivers = inputs.waivers.filter((w) => w.control === control.id || ruleIds.has(w.ruleId));
  const evidence: EvidenceItem[] = compliant.flatMap((r) =>
    r.evidence && r.evidence.length > 0
      ? r.evidence
      : [evidenceOf(r.construct, r.notes && r.notes.length > 0 ? r.notes.join('; ') : `${r.ruleId}: compliant`)],
  );

  dedupeEvidence(evidence);
  const parts: Part[] = [];
  let notApplicable = false;
  const enforced = isEnforced(control);
  const activeHere = control.rules.some((r) => inputs.activeRules.has(r));
  const notUnderstood = control.verification === 'synth' ? notUnderstoodResources(control, inputs) : [];
  if (control.verification === 'synth' && !enforced) {
    parts.push({ status: 'missing', reason: 'Not yet enforced: no Readiness rule for this control is registered.' });
  } else if (enforced || control.rules.length > 0) {
    if (failing.length > 0) {
      parts.push({ status: 'missing', reason: `${failing.length} finding${failing.length === 1 ? '' : 's'}: ${listPaths(failing)}.` });
    } else if (waived.length > 0) {
      parts.push({ status: 'conditional', reason: `Waived: ${listPaths(waived)} (see waivers).` });
    } else if (compliant.some((r) => r.conditional)) {
      const reasons = [...new Set(compliant.filter((r) => r.conditional).map((r) => `${r.ruleId}: ${r.conditional}`))];
      parts.push({ status: 'conditional', reason: reasons.join(' ') });
    } else if (compliant.length > 0 || allowed.length > 0) {
      const passed = `${compliant.length} check${compliant.length === 1 ? '' : 's'} passed (${control.rules.join(', ')}).`;
      const policies = [...new Set(allowed.map((r) => r.allowedBy))].join(', ');
      parts.push({ status: 'ready', reason: allowed.length > 0 ? `${passed} Allowed by policy (${policies}): ${allowed.length} warning${allowed.length === 1 ? '' : 's'}: ${listPaths(allowed)}.` : passed });
    } else if (enforced && !activeHere) {
      notApplicable = true;
      parts.push({ status: 'not-applicable', reason: `Its rules do not run in ${inputs.stage}.` });
    } else if (control.verification === 'synth' && notUnderstood.length === 0) {
      notApplicable = true;
      const types = typesOf(control, inputs);
      const skipped = inputs.resources.filter((r) => types.includes(r.cfnResourceType)).map((r) => `${r.cfnResourceType} ${r.node.path}`);
      parts.push({
        status: 'not-applicable',
        reason:
          skipped.length > 0
            ? `Nothing to check: its rules apply to none of the ${skipped.length} resource${skipped.length === 1 ? '' : 's'} of their types in scope (${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? '; ...' : ''}).`
            : types.length > 0
              ? `No resource of type ${types.join(', ')} in scope.`
              : `No resource in scope that ${control.rules.join(', ')} applies to.`,
      });
    }
  }
  if (notUnderstood.length > 0) {
    const shown = notUnderstood.slice(0, 3).join('; ') + (notUnderstood.length > 3 ? `; and ${notUnderstood.length - 3} more` : '');
    parts.push({ status: 'missing', reason: `Not understood: ${shown} (no rule of ${control.id} reads it: check it by hand and waive, or replace it with a supported resource).` });
  }
  const attestation = inputs.config?.attestations?.[control.id];
  if (control.verification === 'attested' || control.attestedPart) {
    if (!attestation && inputs.config?.notApplicable?.[control.id]) {
      // An attested control someone answers for as not applicable needs no evidence (its reason follows).
      parts.push({ status: 'not-applicable', reason: 'No attestation needed:' });
    } else if (!attestation) {
      const what = control.attestedPart ? ` (the part no template proves: ${control.attestedPart})` : '';
      parts.push({ status: 'missing', reason: `No attestation${what}: add attestations["${control.id}"] (owner, evidenceUrl, date, status) to the stage config.` });
    } else {
      const problems = attestationProblems(attestation, inputs.now);
      const maxAge = attestationMaxAgeDays(inputs.config, control.id);
      const lapsed = problems.length === 0 ? attestationLapse(attestation, maxAge, inputs.now) : undefined;
      evidence.push({ constructPath: '', note: `Attested by ${attestation.owner} on ${attestation.date}: ${attestation.evidenceUrl}` });
      if (problems.length > 0) {
        parts.push({ status: 'missing', reason: `Attestation rejected: ${problems.join('; ')}.` });
      } else if (lapsed) {
        parts.push({ status: 'missing', reason: `Attestation by ${attestation.owner} of ${attestation.date} lapsed on ${lapsed} (older than ${maxAge} days): attest again.` });
      } else {
        parts.push(
          attestation.status === 'ready'
            ? { status: 'ready', reason: `Attested ready by ${attestation.owner} on ${attestation.date}.` }
            : { status: 'conditional', reason: `Attested conditional by ${attestation.owner} on ${attestation.date}: ${attestation.reason ?? ''}` },
        );
      }
    }
  }
  let result = parts.reduce(worst, { status: 'ready', reason: 'No checks apply.' });
  if (parts.length > 0 && result.status === 'ready' && parts.every((p) => p.status === 'ready')) {
    result = { status: 'ready', reason: parts.map((p) => p.reason).join(' ') };
  }
  if (parts.length === 0) {
    notApplicable = true;
    result = { status: 'not-applicable', reason: 'No check applies.' };
  }
  const declared = inputs.config?.notApplicable?.[control.id];
  if (result.status === 'not-applicable' && declared) {
    result = { status: 'not-applicable', reason: `${result.reason} Declared not applicable by ${declared.owner}: ${declared.reason}` };
  }
  let live: ControlReport['live'];
  if (control.liveCheck) {
    const types = LIVE_CHECK_TYPES[control.liveCheck];
    live = {
      check: control.liveCheck,
      resources: inputs.resources.filter((r) => types.includes(r.cfnResourceType)).map((r) => evidenceOf(r)),
    };
    if (result.status === 'ready') {
      result = { status: 'conditional', reason: `${result.reason} Awaiting live verification (readiness verify: ${control.liveCheck}).` };
    }
  } else if (inputs.providedLiveChecks?.[control.id]) {
    // Provided by the organization: nothing of it is in the templates; verify looks it up in the account and region.
    live = { check: inputs.providedLiveChecks[control.id], resources: [] };
    if (result.status === 'ready') {
      result = { status: 'conditional', reason: `${result.reason} Awaiting live verification (readiness verify: ${live.check}).` };
    }
  }
  return {
    id: control.id,
    title: control.title,
    severity: control.severity,
    area: control.area,
    owner: control.owner,
    risk: control.risk,
    verification: control.verification,
    status: result.status,
    statusReason: result.reason,
    evidence,
    findings: [...failing, ...waived, ...allowed].map((r) => ({
      ruleId: r.findingId,
      constructPath: r.construct.node.path,
      message: r.acknowledged ? `(waived) ${r.message}` : r.allowedBy ? `(allowed by ${r.allowedBy}) ${r.message}` : r.message,
      level: r.level,
    })),
    tests: control.tests,
    waivers,
    sources: control.sources,
    ...(attestation && (control.verification === 'attested' || control.attestedPart) ? { attestation } : {}),
    ...(notApplicable ? { notApplicable } : {}),
    ...(result.status === 'not-applicable' && declared ? { notApplicableDeclaration: { owner: declared.owner, reason: declared.reason } } : {}),
    ...(notUnderstood.length > 0 ? { notUnderstood } : {}),
    ...(live ? { live } : {}),
  };
}

export function buildReport(inputs: ReportInputs): ReadinessReport {
  const controls = inputs.controls.map((c) => controlReport(c, inputs));
  const byStatus = zeroCounts();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, zeroCounts()])) as Record<Severity, Record<ControlStatus, number>>;
  for (const c of controls) {
    byStatus[c.status]++;
    bySeverity[c.severity][c.status]++;
  }
  // A Critical control blocks launch when missing, or when nothing proved it and no one declared it not applicable.
  const blocking = controls
    .filter((c) => c.severity === 'Critical' && (c.status === 'missing' || (c.status === 'not-applicable' && !c.notApplicableDeclaration)))
    .map((c) => c.id);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    stage: inputs.stage,
    scopePath: inputs.scope.node.path,
    generatedAt: inputs.now.toISOString(),
    summary: { total: controls.length, byStatus, bySeverity },
    controls,
    sections: inputs.sections,
    waivers: inputs.waivers,
    gate: { launch: inputs.launchGate, passed: !inputs.launchGate || blocking.length === 0, blocking },
  };
}

const STATUS_MARK: Record<ControlStatus, string> = { 'ready': 'ready', 'conditional': 'conditional', 'missing': '**missing**', 'not-applicable': 'not applicable' };

function evidenceCell(c: ControlReport): string {
  const items = c.evidence.map((e) => (e.logicalId ? `${e.constructPath} (${e.logicalId})` : e.note ?? e.constructPath));
  const shown = items.slice(0, 4).join('; ');
  return items.length > 4 ? `${shown}; and ${items.length - 4} more` : shown;
}

/** The report as Markdown: a summary, one table per area, waivers, then the areas' sections. */
export function renderMarkdown(report: ReadinessReport): string {
  const { summary } = report;
  const out: string[] = [];
  out.push(`# Readiness report: ${report.stage}`);
  out.push('');
  out.push(
    `Scope \`${report.scopePath || '(app)'}\`, ${report.profiles ? `profiles ${report.profiles.join(', ')}, ` : ''}generated ${report.generatedAt}. ` +
      `**${summary.byStatus.ready} ready, ${summary.byStatus.conditional} conditional, ${summary.byStatus.missing} missing, ` +
      `${summary.byStatus['not-applicable'] ?? 0} not applicable** of ${summary.total} controls (not applicable is never counted as ready).`,
  );
  out.push('');
  out.push(
    table(
      ['Severity', 'ready', 'conditional', 'missing', 'not applicable'],
      SEVERITIES.map((s) => [s, ...STATUSES.map((st) => summary.bySeverity[s][st] ?? 0)]),
    ),
  );
  out.push('');
  if (report.gate) {
    const errors = Object.entries(report.gate.errors ?? {});
    out.push(
      report.gate.passed
        ? `Gate: **passed** (synth succeeds${report.gate.launch ? ', launch gate on' : ''}).`
        : `Gate: **failed** (synth fails${errors.length > 0 ? `: ${errors.map(([id, n]) => `${id} x${n}`).join(', ')}` : ''}).`,
    );
    if (report.gate.launch) {
      out.push('');
      out.push(
        report.gate.blocking.length === 0
          ? 'Launch gate: **passed** (no Critical control is missing or undeclared not applicable).'
          : `Launch gate: **blocked** by Critical controls that are missing or not applicable without a declaration: ${report.gate.blocking.join(', ')}.`,
      );
    }
    out.push('');
  }
  for (const area of AREAS) {
    const rows = report.controls.filter((c) => c.area === area);
    if (rows.length === 0) continue;
    out.push(`## ${area}`);
    out.push('');
    out.push(
      table(
        ['Control', 'Severity', 'Owner', 'Status', 'Why', 'Evidence', 'Tests', 'Risk if missing'],
        rows.map((c) => [
          `${c.id}: ${c.title}`,
          c.severity,
          c.owner,
          STATUS_MARK[c.status],
          c.statusReason,
          evidenceCell(c),
          c.tests.join(', '),
          c.risk,
        ]),
      ),
    );
    out.push('');
  }
  const waivers = report.waivers ?? [];
  out.push('## Waivers');
  out.push('');
  out.push(
    waivers.length === 0
      ? 'No waivers.'
      : table(
          ['Control', 'Rule', 'Construct', 'Owner', 'Expires', 'Reason', 'Problems'],
          waivers.map((w) => [w.control, w.ruleId, w.constructPath, w.owner, w.expires, w.reason, w.problems.join('; ') || 'none']),
        ),
  );
  out.push('');
  for (const section of report.sections) {
    out.push(`## ${cell(section.title)}`);
    out.push('');
    out.push(section.markdown);
    out.push('');
  }
  return out.join('\n');
}
