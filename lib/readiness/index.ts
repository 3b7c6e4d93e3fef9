/**
 * The gate alone, for apps that only check their own resources: `enforceReadiness`, its options,
 * waivers, the catalogue and profiles, and the report writers. The package's main module also loads
 * every construct and stack of this library (about 0.7 s of CPU per process; the `readiness verify`
 * command's AWS SDK clients load on first use); this module loads the checks only (about 0.35-0.45 s,
 * most of it cdk-nag).
 * Installed as a package: `import { enforceReadiness } from 'readiness-stack/dist/lib/readiness'`.
 */
export { enforceReadiness, evaluateReadiness, resolveReadinessOptions, ReadinessGate, writeReport } from './gate';
export type { EnforceReadinessOptions, ReadinessEvaluation, ResolvedReadinessOptions } from './gate';
export { waive } from './waivers';
export type { WaiverProps } from './waivers';
export { CONTROLS, CONTROL_DEFINITIONS, buildCatalogue, controlById, controlOfRule } from './catalogue';
export type { ControlDefinition } from './catalogue';
export { CONTROL_PROFILES, MARKETPLACE_CONTROL_IDS, definitionsOfProfiles, profileOf } from './profiles';
export type { ControlProfileName } from './profiles';
export { READINESS_DATA_FILE, loadReadinessData, readinessDataProblems, findReadinessData } from './data-file';
export type { ReadinessData, CustomControl, ReadinessTargets } from './data-file';
export { buildSarif, SARIF_SCHEMA_URI } from './sarif';
export { renderJunit } from './junit';
export { buildReport, renderMarkdown } from './report';
export * from './types';
