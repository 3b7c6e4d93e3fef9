/** Live verification of a deployed stage (`readiness verify`). */
export * from './types';
export * from './errors';
export * from './alarms';
export * from './secrets';
export * from './stack-resources';
export * from './verify';
export * from './render';
export * from './report-io';
export { main, runVerify, parseVerifyArgs, sdkClients, USAGE } from './cli';
export type { CliIo, CliDeps, VerifyArgs } from './cli';
