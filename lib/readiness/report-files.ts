/**
 * What a run leaves behind: the report files (`<outdir>/readiness/<stage>.json`, `.md`, `.junit.xml`,
 * `.sarif`) and, for a terminal, the list of errors with how to waive a control's finding.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { waiverHorizonDays } from '../config/readiness-policy';
import { StageConfig, StageName } from '../config/stage-config';
import { buildCatalogue } from './catalogue';
import type { ReadinessEvaluation } from './evaluation';
import { renderJunit } from './junit';
import { renderMarkdown } from './report';
import { buildSarif, SarifInputs, SarifOptions } from './sarif';
import { ReadinessReport } from './types';

/**
 * Writes `<outdir>/readiness/<stage>.json`, `.md` and `.junit.xml`, and with the run that produced the
 * report also `<stage>.sarif` (SARIF 2.1.0, every finding at its source line); returns the paths.
 */
export function writeReport(
  outdir: string,
  readinessReport: ReadinessReport,
  run?: { readonly scope: IConstruct; readonly evaluation: SarifInputs; readonly sarif?: SarifOptions },
): { json: string; markdown: string; junit: string; sarif?: string } {
  const dir = path.join(outdir, 'readiness');
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${readinessReport.stage}.json`);
  const markdown = path.join(dir, `${readinessReport.stage}.md`);
  const junit = path.join(dir, `${readinessReport.stage}.junit.xml`);
  fs.writeFileSync(json, JSON.stringify(readinessReport, undefined, 2) + '\n');
  fs.writeFileSync(markdown, renderMarkdown(readinessReport) + '\n');
  fs.writeFileSync(junit, renderJunit(readinessReport));
  if (!run) return { json, markdown, junit };
  const sarif = path.join(dir, `${readinessReport.stage}.sarif`);
  fs.writeFileSync(sarif, JSON.stringify(buildSarif(run.scope, run.evaluation, run.sarif), undefined, 2) + '\n');
  return { json, markdown, junit, sarif };
}

/**
 * How to waive a finding of a control's rule: the CLI suggests `Acknowledge with 'Readiness::...'`,
 * which the gate rejects (no owner, no expiry). Undefined for rules no control is decided by.
 */
export function waiveHint(ruleName: string, constructPath: string, stage: StageName, config?: StageConfig, controls = buildCatalogue()): string | undefined {
  const base = ruleName.replace(/\[.*\]$/, '');
  const control = controls.find((c) => c.rules.includes(base));
  if (!control) return undefined;
  const days = waiverHorizonDays(stage, config);
  const critical = stage === 'prod' && control.severity === 'Critical';
  return critical
    ? `fix it: ${control.id} is Critical and cannot be waived in prod`
    : `instead of acknowledging, waive(<construct at ${constructPath}>, { control: '${control.id}', reason, owner, expires: 'YYYY-MM-DD' }) ` +
        `(import { waive } from the readiness library; expires within ${days} days)`;
}

/** Every unacknowledged error of a run, one line each, for a terminal, with how to waive a control's finding. */
export function errorListing(scope: IConstruct, stage: StageName, evaluation: ReadinessEvaluation, reportPath?: string, config?: StageConfig): string {
  const lines: string[] = [];
  let count = 0;
  for (const r of [evaluation.awsSolutions, evaluation.nist, evaluation.readiness, evaluation.scopeRules, evaluation.waivers, evaluation.launch]) {
    for (const v of r.violations) {
      if (v.severity !== 'error') continue;
      for (const res of v.violatingResources) {
        count++;
        lines.push(`  ${v.ruleName}  ${res.constructPath ?? ''}  ${v.description}`);
        const hint = res.constructPath ? waiveHint(v.ruleName, res.constructPath, stage, config) : undefined;
        if (hint) lines.push(`      -> ${hint}`);
      }
    }
  }
  const where = scope.node.path ? `'${scope.node.path}/**'` : `'**'`;
  return (
    `\nReadiness gate (${stage}, scope ${scope.node.path || 'app'}): ${count} unacknowledged error${count === 1 ? '' : 's'}\n` +
    `${lines.join('\n')}\n` +
    (reportPath ? `Report: ${reportPath}\n` : '') +
    `Details per finding: cdk synth ${where}\n`
  );
}

