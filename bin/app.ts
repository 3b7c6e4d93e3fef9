#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { stageConstructId, StageName, STAGE_NAMES } from '../lib/config/stage-config';
import { STAGES } from '../lib/config/stages';
import { ReadinessStage } from '../lib/stacks/readiness-stage';

/** Which stages to build: `-c stage=prod` picks one; no context builds all three. */
export function selectStages(requested: unknown): StageName[] {
  if (requested === undefined || requested === '') return [...STAGE_NAMES];
  if (typeof requested === 'string' && (STAGE_NAMES as readonly string[]).includes(requested)) {
    return [requested as StageName];
  }
  throw new Error(`Unknown stage ${JSON.stringify(requested)} (context "stage"). Valid stages: ${STAGE_NAMES.join(', ')}.`);
}

export function buildApp(app: App): ReadinessStage[] {
  return selectStages(app.node.tryGetContext('stage')).map(
    (stage) => new ReadinessStage(app, stageConstructId(stage), { config: STAGES[stage] }),
  );
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
