/**
 * Report sections: an area adds a table to the readiness report (capacity arithmetic, RTO/RPO,
 * DR runbook) by writing a provider that reads the scope and registering it in `sections/index.ts`.
 */
import { IConstruct } from 'constructs';
import { StageConfig, StageName } from '../../config/stage-config';
import { RuleResult } from '../../aspects/results';

export interface ReportSection {
  readonly title: string;
  /** Markdown body (tables, lists), rendered under `## <title>`. */
  readonly markdown: string;
  /** The same facts as data, for the JSON report. */
  readonly data?: unknown;
}

export interface ReportSectionContext {
  readonly stage: StageName;
  readonly config?: StageConfig;
  /** Every rule result of the run (Readiness and AwsSolutions). */
  readonly results: readonly RuleResult[];
  /** The settings the rules read (organization-provided baseline, stage targets). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Returns nothing when the scope has nothing for the section (e.g. no DR stack). */
export type ReportSectionProvider = (scope: IConstruct, context: ReportSectionContext) => ReportSection | readonly ReportSection[] | undefined;

/** Escapes a value for a Markdown table cell. */
export function cell(value: unknown): string {
  return String(value ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A Markdown table from a header row and data rows. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (r: readonly unknown[]) => `| ${r.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
