/**
 * Validation rows of the optional `incident` and `rollout` sections of a stage config (checked only
 * when the section is present), in the config's own field names.
 */
import { INCIDENT_LEVELS, StageConfig } from './stage-config';
import { ValidationRule } from '../validation/rule-table';

const hasIncident = (c: StageConfig) => c.incident !== undefined;
const imOnly = (c: StageConfig) => c.incident?.tool === 'incident-manager';
const aliases = (c: StageConfig) => (c.incident?.contacts ?? []).map((p) => p.alias);
const minutes = (lo: number, hi: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

export const INCIDENT_ROLLOUT_RULES: readonly ValidationRule<StageConfig>[] = [
  { field: 'incident.tool', value: (c) => c.incident?.tool, when: hasIncident, check: (v) => ['incident-manager', 'pagerduty', 'opsgenie'].includes(v), fix: 'use incident-manager, pagerduty or opsgenie' },
  { field: 'incident.replicationSet', value: (c) => c.incident?.replicationSet, when: imOnly, check: (v) => v === 'create' || v === 'provided', fix: 'use create (once per account) or provided' },
  { field: 'incident.contacts', value: (c) => aliases(c), when: imOnly, check: (v: string[]) => v.length > 0 && v.every((a) => /^[a-z0-9_-]{1,40}$/.test(a)) && new Set(v).size === v.length, fix: 'list at least one contact; aliases unique, lowercase a-z 0-9 _ - (at most 40)' },
  { field: 'incident.primaryRotation', value: (c) => c.incident?.primaryRotation, when: imOnly, check: (v: string[], c) => Array.isArray(v) && v.length > 0 && v.every((a) => aliases(c).includes(a)), fix: 'list aliases of incident.contacts' },
  { field: 'incident.secondaryRotation', value: (c) => c.incident?.secondaryRotation, when: imOnly, check: (v: string[], c) => Array.isArray(v) && v.length > 0 && v.every((a) => aliases(c).includes(a)), fix: 'list aliases of incident.contacts' },
  { field: 'incident.commander', value: (c) => c.incident?.commander, when: imOnly, check: (v, c) => aliases(c).includes(v), fix: 'name an alias of incident.contacts' },
  { field: 'incident.escalation.primaryMinutes', value: (c) => c.incident?.escalation?.primaryMinutes, when: imOnly, check: minutes(1, 30), fix: 'wait 1 to 30 minutes before engaging the secondary' },
  { field: 'incident.escalation.secondaryMinutes', value: (c) => c.incident?.escalation?.secondaryMinutes, when: imOnly, check: minutes(1, 30), fix: 'wait 1 to 30 minutes before engaging the commander' },
  ...INCIDENT_LEVELS.map((l): ValidationRule<StageConfig> => ({
    field: `incident.levels.${l}.runbookUrl`, value: (c) => c.incident?.levels?.[l]?.runbookUrl, when: hasIncident, check: (v) => typeof v === 'string' && /^https:\/\/\S+$/.test(v), fix: 'link the runbook with an https URL',
  })),
  ...INCIDENT_LEVELS.map((l): ValidationRule<StageConfig> => ({
    field: `incident.levels.${l}.impact`, value: (c) => c.incident?.levels?.[l]?.impact, when: hasIncident, check: minutes(1, 5), fix: 'use an impact from 1 (critical) to 5 (no impact)',
  })),
  { field: 'rollout.strategy', value: (c) => c.rollout?.strategy, when: (c) => c.rollout !== undefined, check: (v) => v === 'linear' || v === 'canary', fix: 'use linear or canary' },
  { field: 'rollout.deploymentMinutes', value: (c) => c.rollout?.deploymentMinutes, when: (c) => c.rollout !== undefined, check: minutes(0, 1440), fix: 'use 0 to 1440 minutes' },
  { field: 'rollout.growthPercent', value: (c) => c.rollout?.growthPercent, when: (c) => c.rollout !== undefined, check: (v) => typeof v === 'number' && v >= 1 && v <= 100, fix: 'use 1 to 100 percent' },
  { field: 'rollout.bakeMinutes', value: (c) => c.rollout?.bakeMinutes, when: (c) => c.rollout !== undefined, check: minutes(0, 1440), fix: 'use 0 to 1440 minutes' },
];
