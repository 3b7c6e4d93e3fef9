import { App } from 'aws-cdk-lib';
import { StageConfig, stageConstructId } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';

/**
 * Context that skips asset bundling: unit tests read templates, they do not need Lambda bundles.
 * Build once per `describe` (in `beforeAll`): a stage synth costs seconds.
 */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export function newTestApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...NO_BUNDLING, ...context } });
}

/** Builds one shipped stage (default prod) in a fresh app, without the readiness gate. */
export function buildStage(config: StageConfig = PROD, context: Record<string, unknown> = {}): { app: App; stage: ReadinessStage } {
  const app = newTestApp(context);
  const stage = new ReadinessStage(app, stageConstructId(config.stage), { config });
  return { app, stage };
}
