/**
 * Report sections of the DR area: the RTO/RPO table (per failure scope: target, estimate, resources
 * relied on, arithmetic), the figures it used with their sources, and the generated DR runbook.
 */
import { ReportSection, ReportSectionProvider, table } from '../sections/section';
import { compareWithTargets, estimateRecovery, fmt } from '../../aspects/analysis/estimate';
import { generateRunbook } from './runbook';
import { recoveryPlanOf } from '../../aspects/analysis/targets';

export const recoverySections: ReportSectionProvider = (scope, { stage, config, settings }) => {
  const plan = recoveryPlanOf(stage, config, settings);
  const comparisons = compareWithTargets(estimateRecovery(scope, plan.inputs), plan.targets);
  if (!config?.dr && comparisons.every((c) => c.components.length === 0)) return undefined;
  const rows = comparisons.map((c) => [
    c.scope,
    `${fmt(c.target.rpoMinutes)} / ${fmt(c.target.rtoMinutes)}`,
    `${fmt(c.rpoMinutes)} / ${fmt(c.rtoMinutes)}`,
    c.rpoMet && c.rtoMet ? 'met' : `MISSED (${[!c.rpoMet && 'RPO', !c.rtoMet && 'RTO'].filter(Boolean).join(', ')})`,
    c.components.map((x) => `${x.resource.stackName}/${x.resource.logicalId}`).join(', '),
    c.components.map((x) => x.arithmetic).join('\n'),
  ]);
  const used = new Map(comparisons.flatMap((c) => c.components.flatMap((x) => x.figures)).map((f) => [f.id, f]));
  const figures = table(
    ['Figure', 'Value', 'Kind', 'What', 'Source'],
    [...used.values()].map((f) => [f.id, f.unit ? `${f.minutes} ${f.unit}` : fmt(f.minutes), f.kind, f.what, f.source]),
  );
  const rtoRpo: ReportSection = {
    title: 'Recovery objectives (RTO/RPO)',
    markdown: [
      `${config?.dr ? `Mode \`${config.dr.mode}\`. ` : ''}Estimated at synth from the synthesized resources; target and estimate are RPO / RTO. Targets and inputs from ${plan.source}.`,
      '',
      table(['Failure scope', 'Target', 'Estimate', 'Result', 'Relies on', 'Arithmetic'], rows),
      '',
      'Figures used:',
      '',
      figures,
    ].join('\n'),
    data: comparisons.map((c) => ({
      scope: c.scope,
      target: c.target,
      estimate: { rpoMinutes: c.rpoMinutes, rtoMinutes: c.rtoMinutes },
      met: c.rpoMet && c.rtoMet,
      reliesOn: c.components.map((x) => x.resource),
      arithmetic: c.components.map((x) => x.arithmetic),
    })),
  };
  if (!config?.dr) return [rtoRpo];
  const runbook: ReportSection = { title: 'DR runbook', markdown: generateRunbook(scope, config) };
  return [rtoRpo, runbook];
};
