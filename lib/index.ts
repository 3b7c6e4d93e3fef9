/**
 * Public API: import these into any CDK app.
 */
export * from './config/stage-config';
export * from './config/stages';
export * from './config/validate-config';
export * from './validation/rule-table';
export * from './stacks/readiness-stage';
export * from './stacks/network-stack';
export * from './stacks/data-stack';
export * from './stacks/alerting-stack';
export * from './constructs/observability';
export * from './constructs/cache';
export * from './constructs/database';
export * from './readiness/types';
export * from './aspects/rule';
export { READINESS_RULES } from './aspects/rules';
export { verifyReport, loadSynthReport, writeLiveReport, renderLiveMarkdown, sdkClients, VerifyError } from './verify';
export type { VerifyClients, VerifyOptions, LiveReadinessReport, LiveControlReport, LiveControlResult, LiveResourceResult, DriftAlarm } from './verify';
