import * as fs from 'fs';
import * as path from 'path';
import { StageName } from '../config/stage-config';
import { ReadinessReport, REPORT_SCHEMA_VERSION } from '../readiness/types';
import { VerifyError } from './errors';
import { renderLiveMarkdown } from './render';
import { LiveReadinessReport } from './types';

/** Where `cdk synth` writes the stage's report: `<assembly>/readiness/<stage>.json`. */
export function synthReportPath(assemblyDir: string, stage: StageName): string {
  return path.join(assemblyDir, 'readiness', `${stage}.json`);
}

/** Reads and checks the synth report; every failure is one actionable line. */
export function loadSynthReport(assemblyDir: string, stage: StageName): ReadinessReport {
  const file = synthReportPath(assemblyDir, stage);
  const synthHint = `synthesize first: npx cdk synth -c stage=${stage}${assemblyDir === 'cdk.out' ? '' : ` -o ${assemblyDir}`}`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VerifyError('report', `No readiness report at ${file}: ${synthHint}.`);
    throw new VerifyError('report', `Cannot read the readiness report ${file} (${code ?? 'error'}).`);
  }
  let report: Partial<ReadinessReport>;
  try {
    report = JSON.parse(text) as Partial<ReadinessReport>;
  } catch {
    throw new VerifyError('report', `The readiness report ${file} is not valid JSON: ${synthHint}.`);
  }
  if (typeof report !== 'object' || report === null || report.schemaVersion === undefined) {
    throw new VerifyError('report', `${file} is not a readiness report (no schemaVersion): ${synthHint}.`);
  }
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new VerifyError(
      'report',
      `${file} has report schema version ${JSON.stringify(report.schemaVersion)}, this command reads version ${REPORT_SCHEMA_VERSION}: ` +
        `synthesize again with this version of the package (npx cdk synth -c stage=${stage}).`,
    );
  }
  if (report.stage !== stage) {
    throw new VerifyError('report', `${file} is the report of stage ${JSON.stringify(report.stage)}, not ${stage}: ${synthHint}.`);
  }
  if (!Array.isArray(report.controls)) {
    throw new VerifyError('report', `${file} has no controls list: ${synthHint}.`);
  }
  return report as ReadinessReport;
}

/** Writes `<stage>.live.json` and `<stage>.live.md` into `outDir`; returns their paths. */
export function writeLiveReport(outDir: string, report: LiveReadinessReport): { json: string; markdown: string } {
  const json = path.join(outDir, `${report.stage}.live.json`);
  const markdown = path.join(outDir, `${report.stage}.live.md`);
  try {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(markdown, renderLiveMarkdown(report));
  } catch (err) {
    throw new VerifyError('usage', `Cannot write the live report to ${outDir} (${(err as NodeJS.ErrnoException).code ?? 'error'}): pass a writable --out.`);
  }
  return { json, markdown };
}
