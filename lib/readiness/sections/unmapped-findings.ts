import { isFailure } from '../../aspects/results';
import { controlOfRule } from '../catalogue';
import { ReportSectionProvider, table } from './section';

/** Findings of rules no control cites (most AwsSolutions rules), so the report hides nothing. */
export const unmappedFindings: ReportSectionProvider = (_scope, { results }) => {
  const rows = results
    .filter((r) => isFailure(r) && !controlOfRule(r.ruleId))
    .map((r) => [r.findingId, r.acknowledged ? 'acknowledged' : r.level, r.construct.node.path, r.message]);
  if (rows.length === 0) return undefined;
  return {
    title: 'Findings outside the catalogue',
    markdown: table(['Rule', 'Level', 'Construct', 'Finding'], rows),
    data: rows.map(([ruleId, level, constructPath, message]) => ({ ruleId, level, constructPath, message })),
  };
};
