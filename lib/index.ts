/**
 * Public API: import these into any CDK app. Not exported: the placeholder stage configs of this
 * repository's own app (lib/config/stages.ts), the rule caches of a gate run, and the
 * stateful-replacement guard (scripts/guard.ts).
 */
export * from './config/stage-config';
export * from './config/validate-config';
export * from './config/provided-baseline';
export {
  attestationProblems,
  attestationLapse,
  evidenceUrlProblems,
  DEFAULT_ATTESTATION_MAX_AGE_DAYS,
  WAIVER_HORIZON_DAYS,
} from './config/readiness-policy';
export * from './validation/rule-table';
export * from './stacks/readiness-stage';
export * from './stacks/network-stack';
export * from './stacks/data-stack';
export * from './stacks/alerting-stack';
export * from './stacks/observability-stack';
export * from './constructs/observability';
export * from './constructs/cache';
export * from './constructs/database';
export * from './constructs/backup';
export * from './constructs/chaos';
export * from './constructs/cost';
export * from './constructs/security';
export * from './constructs/secrets/redis-auth-rotation';
export * from './constructs/secrets/secret-access-policy';
export * from './stacks/security-stack';
export { StagedNistChecks, NIST_PACK_NAME } from './aspects/nist-800-53';
export type { StagedNistChecksProps } from './aspects/nist-800-53';
export { FIGURES, ALL_FIGURES, estimateRecovery, compareWithTargets, missedObjectives, coveringRules, generateRunbook, recoverySections } from './readiness/recovery';
export type { RecoveryFigure, RecoveryInputs, ComponentEstimate, ScopeEstimate, ScopeComparison, CoveringRule } from './readiness/recovery';
export * from './stacks/backup-stack';
export * from './stacks/dr-stack';
export * from './stacks/resilience-stack';
export * from './stacks/cost-monitor-stack';
export * from './constructs/service';
export * from './constructs/eks';
export * from './constructs/firewall';
export * from './constructs/edge';
export * from './constructs/worker';
export * from './stacks/service-stack';
export * from './stacks/edge-stack';
export * from './constructs/incident';
export * from './constructs/rollout';
export * from './constructs/delivery';
export * from './stacks/incident-stack';
export * from './stacks/rollout-stack';
export * from './stacks/delivery-pipeline-stack';
export * from './config/pipeline';
export { goNoGo, goNoGoSection, renderGoNoGoText } from './readiness/go-no-go';
export type { GoNoGo } from './readiness/go-no-go';
export * from './readiness/types';
export * from './aspects/rule';
export { READINESS_RULES } from './aspects/rules';
export { ReadinessChecks, ruleContextFor } from './aspects/readiness-checks';
export type { ReadinessChecksProps } from './aspects/readiness-checks';
export { StagedAwsSolutionsChecks } from './aspects/aws-solutions';
export type { StagedAwsSolutionsChecksProps } from './aspects/aws-solutions';
export {
  attribute,
  finding,
  isDeployed,
  isTrue,
  jsonOf,
  keepsData,
  KEEPS_DATA,
  logicalIdOf,
  numberOf,
  primitive,
  prop,
  rateToDays,
  referencedLogicalId,
  rendered,
  resourcesOfType,
  shown,
  stackResourcesOfType,
  stringOf,
  templateOf,
  verdict,
} from './aspects/rule-helpers';
export type { RenderedResource, Resolved, StackTemplate } from './aspects/rule-helpers';
export { evidenceOf } from './aspects/analysis/evidence';
export { CONTROLS, CONTROL_DEFINITIONS, buildCatalogue, controlById, controlOfRule } from './readiness/catalogue';
export type { ControlDefinition } from './readiness/catalogue';
export { enforceReadiness, evaluateReadiness, resolveReadinessOptions, ReadinessGate, writeReport } from './readiness/gate';
export { CONTROL_PROFILES, MARKETPLACE_CONTROL_IDS, definitionsOfProfiles, profileOf } from './readiness/profiles';
export type { ControlProfileName } from './readiness/profiles';
export { READINESS_DATA_FILE, loadReadinessData, readinessDataProblems, findReadinessData } from './readiness/data-file';
export type { ReadinessData, CustomControl, ReadinessTargets } from './readiness/data-file';
export { assertSingleAwsCdkLib, awsCdkLibCopyProblems } from './readiness/single-copy';
export { buildSarif, sourceFrameOf, SARIF_SCHEMA_URI } from './readiness/sarif';
export type { SarifInputs, SarifOptions, SourceFrame } from './readiness/sarif';
export { renderJunit } from './readiness/junit';
export type { EnforceReadinessOptions, ReadinessEvaluation } from './readiness/gate';
export { waive } from './readiness/waivers';
export { acknowledgeControlTower, ControlTowerChecks, CONTROL_TOWER_PLUGIN } from './aspects/control-tower';
export type { WaiverProps } from './readiness/waivers';
export { buildReport, renderMarkdown } from './readiness/report';
export { REPORT_SECTIONS } from './readiness/sections';
export type { ReportSection, ReportSectionContext, ReportSectionProvider } from './readiness/sections/section';
// From the verify files that need no AWS SDK; verifyReport and sdkClients load it on first call.
export { verifyReport, sdkClients } from './verify/on-demand';
export { loadSynthReport, writeLiveReport } from './verify/report-io';
export { renderLiveMarkdown } from './verify/render';
export { VerifyError } from './verify/errors';
export type { VerifyClients, VerifyOptions, LiveReadinessReport, LiveControlReport, LiveControlResult, LiveResourceResult, DriftAlarm } from './verify';
