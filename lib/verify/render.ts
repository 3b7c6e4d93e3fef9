import { LiveControlReport, LiveReadinessReport } from './types';

/** Markdown table cells: no pipes or line breaks from AWS state reasons. */
function cell(text: string | number | undefined): string {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function liveRows(report: LiveReadinessReport): LiveControlReport[] {
  return report.controls.filter((c) => c.liveResult !== undefined);
}

/** The summary table printed by the command: one row per live control. */
export function renderSummaryTable(report: LiveReadinessReport): string {
  const rows = liveRows(report).map((c) => {
    const r = c.liveResult!;
    const ready = r.resources.filter((x) => x.status === 'ready').length;
    // When synth decided the merged status, its reason is the one to act on.
    const reason = c.status !== r.status && r.status !== 'unknown' ? `synth: ${c.statusReason}` : r.statusReason;
    return `| ${cell(c.id)} | ${r.check} | ${c.synthStatus} | ${r.status} | ${c.status} | ${ready}/${r.resources.length} | ${cell(reason)} |`;
  });
  const s = report.live.byStatus;
  return [
    `Live readiness of ${report.stage} (${report.live.regions.join(', ') || 'no region'}) at ${report.live.verifiedAt}`,
    '',
    '| Control | Check | Synth | Live | Merged | Resources ready | Reason |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Live controls: ${s.ready} ready, ${s.conditional} conditional, ${s.missing} missing. ` +
      `Undeclared alarms on the on-call topic (drift): ${report.live.drift.length}.` +
      ((report.live.unknown ?? []).length > 0 ? ` Checks that could not run (unknown): ${report.live.unknown.join(', ')}.` : ''),
  ].join('\n');
}

/** The `<stage>.live.md` file: summary, each live control's resources, drift, notes, then every control. */
export function renderLiveMarkdown(report: LiveReadinessReport): string {
  const out: string[] = [`# Live readiness: ${report.stage}`, '', renderSummaryTable(report).split('\n').slice(2).join('\n'), ''];
  out.push(`Verified at ${report.live.verifiedAt} in ${report.live.regions.join(', ') || '(no region)'}; synth report of ${report.generatedAt}.`, '');
  for (const c of liveRows(report)) {
    const r = c.liveResult!;
    out.push(
      `## ${c.id}: ${c.title}`,
      '',
      `Declared (synth): **${c.synthStatus}**. Proven (live, check \`${r.check}\`): **${r.status}** (checked ${r.checkedAt}). ` +
        `Merged status **${c.status}**. Owner: ${c.owner}.`,
      '',
    );
    out.push('| Stack | Logical ID | Type | Physical ID | Status | Reason | Construct path | Evidence at |', '|---|---|---|---|---|---|---|---|');
    for (const x of r.resources) {
      out.push(
        `| ${cell(x.stackName)} | ${cell(x.logicalId)} | ${cell(x.resourceType)} | ${cell(x.physicalId ?? '-')} | ${x.status} | ${cell(x.reason)} | ` +
          `${cell(x.constructPath ?? '-')} | ${x.evidenceAt ?? '-'} |`,
      );
    }
    if (r.resources.length === 0) out.push(`| - | - | - | - | ${r.status} | ${cell(r.statusReason)} | - | - |`);
    out.push('');
  }
  out.push('## Drift', '');
  if (report.live.drift.length === 0) {
    out.push('No alarm in the account notifies the on-call topic without being declared in the templates.', '');
  } else {
    out.push('Alarms that notify the on-call topic but are not declared in the templates:', '');
    out.push('| Alarm | Region | State | Topic |', '|---|---|---|---|');
    for (const d of report.live.drift) out.push(`| ${cell(d.alarmName)} | ${d.region} | ${d.state ?? '-'} | ${cell(d.topicArn)} |`);
    out.push('');
  }
  if (report.live.notes.length > 0) {
    out.push('## Notes', '', ...report.live.notes.map((n) => `- ${n}`), '');
  }
  out.push('## All controls', '', '| Control | Severity | Verification | Status | Reason |', '|---|---|---|---|---|');
  for (const c of report.controls) {
    out.push(`| ${cell(c.id)} | ${c.severity} | ${c.verification} | ${c.status} | ${cell(c.statusReason)} |`);
  }
  return out.join('\n') + '\n';
}
