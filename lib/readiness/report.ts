/**
 * Builds the readiness report of one scope from the rule results, waivers, attestations and
 * sections of a run, and renders it as Markdown for reviewers.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { StageConfig, StageName } from '../config/stage-config';
import { isFailure, RuleResult } from '../aspects/results';
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
export const STATUSES: readonly ControlStatus[] = ['ready', 'conditional', 'missing'];
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
  readonly config?: StageConfig;
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
}

/** Where a resource is: construct path, logical ID, the deployed stack name and its type. */
export function evidenceOf(construct: IConstruct, note?: string): EvidenceItem {
  if (!CfnResource.isCfnResource(construct)) return { constructPath: construct.node.path, ...(note ? { note } : {}) };
  const stack = Stack.of(construct);
  return {
    constructPath: construct.node.path,
    logicalId: stack.resolve(construct.logicalId),
    stackName: stack.stackName,
    // Stages span regions (DR, us-east-1 edge): `readiness verify` looks each stack up in its own region.
    ...(Token.isUnresolved(stack.region) ? {} : { region: stack.region }),
    resourceType: construct.cfnResourceType,
    ...(note ? { note } : {}),
  };
}

const RANK: Record<ControlStatus, number> = { ready: 0, conditional: 1, missing: 2 };
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

function controlReport(control: ReadinessControl, inputs: ReportInputs): ControlReport {
  const ruleIds = new Set(control.rules);
  const mine = inputs.results.filter((r) => ruleIds.has(r.ruleId));
  const failing = mine.filter((r) => isFailure(r) && !r.acknowledged);
  const waived = mine.filter((r) => isFailure(r) && r.acknowledged);
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
    } else if (compliant.length > 0) {
      parts.push({ status: 'ready', reason: `${compliant.length} check${compliant.length === 1 ? '' : 's'} passed (${control.rules.join(', ')}).` });
    } else if (enforced && !activeHere) {
      notApplicable = true;
      parts.push({ status: 'ready', reason: `Its rules do not run in ${inputs.stage}.` });
    } else if (control.verification === 'synth') {
      notApplicable = true;
      parts.push({ status: 'ready', reason: `Nothing to check: no resource in scope that ${control.rules.join(', ')} applies to.` });
    }
  }
  const attestation = inputs.config?.attestations?.[control.id];
  if (control.verification === 'attested') {
    if (!attestation) {
      parts.push({ status: 'missing', reason: `No attestation: add attestations["${control.id}"] (owner, evidenceUrl, date, status) to the stage config.` });
    } else {
      evidence.push({ constructPath: '', note: `Attested by ${attestation.owner} on ${attestation.date}: ${attestation.evidenceUrl}` });
      parts.push(
        attestation.status === 'ready'
          ? { status: 'ready', reason: `Attested ready by ${attestation.owner} on ${attestation.date}.` }
          : { status: 'conditional', reason: `Attested conditional by ${attestation.owner} on ${attestation.date}: ${attestation.reason ?? ''}` },
      );
    }
  }
  let result = parts.reduce(worst, { status: 'ready', reason: 'No checks apply.' });
  if (parts.length > 0 && result.status === 'ready' && parts.every((p) => p.status === 'ready')) {
    result = { status: 'ready', reason: parts.map((p) => p.reason).join(' ') };
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
    findings: [...failing, ...waived].map((r) => ({
      ruleId: r.findingId,
      constructPath: r.construct.node.path,
      message: r.acknowledged ? `(waived) ${r.message}` : r.message,
      level: r.level,
    })),
    tests: control.tests,
    waivers,
    sources: control.sources,
    ...(attestation && control.verification === 'attested' ? { attestation } : {}),
    ...(notApplicable ? { notApplicable } : {}),
    ...(live ? { live } : {}),
  };
}

export function buildReport(inputs: ReportInputs): ReadinessReport {
  const controls = inputs.controls.map((c) => controlReport(c, inputs));
  const byStatus = { ready: 0, conditional: 0, missing: 0 };
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, { ready: 0, conditional: 0, missing: 0 }])) as Record<Severity, Record<ControlStatus, number>>;
  for (const c of controls) {
    byStatus[c.status]++;
    bySeverity[c.severity][c.status]++;
  }
  const blocking = controls.filter((c) => c.severity === 'Critical' && c.status === 'missing').map((c) => c.id);
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

const STATUS_MARK: Record<ControlStatus, string> = { ready: 'ready', conditional: 'conditional', missing: '**missing**' };

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
    `Scope \`${report.scopePath || '(app)'}\`, generated ${report.generatedAt}. ` +
      `**${summary.byStatus.ready} ready, ${summary.byStatus.conditional} conditional, ${summary.byStatus.missing} missing** of ${summary.total} controls.`,
  );
  out.push('');
  out.push(table(['Severity', 'ready', 'conditional', 'missing'], SEVERITIES.map((s) => [s, ...STATUSES.map((st) => summary.bySeverity[s][st])])));
  out.push('');
  if (report.gate?.launch) {
    out.push(
      report.gate.passed
        ? 'Launch gate: **passed** (no Critical control is missing).'
        : `Launch gate: **blocked** by missing Critical controls: ${report.gate.blocking.join(', ')}.`,
    );
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
