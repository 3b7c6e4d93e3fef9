#!/usr/bin/env node
import { App, Stage } from 'aws-cdk-lib';
import { COMPUTE_PLATFORMS, ComputePlatform, stageConstructId, StageName, STAGE_NAMES } from '../lib/config/stage-config';
import { STAGES } from '../lib/config/stages';
import { enforceReadiness } from '../lib/readiness/gate';
import { ValidationError } from '../lib/validation/rule-table';
import { ReadinessStage } from '../lib/stacks/readiness-stage';
import { PIPELINE } from '../lib/config/pipeline';
import { DeliveryPipelineStack } from '../lib/stacks/delivery-pipeline-stack';
import { ProdDeployApproved } from '../lib/aspects/rules/delivery/prod-deploy-approved';
import { ProdDeployAfterReadinessGate } from '../lib/aspects/rules/delivery/prod-deploy-after-readiness-gate';

/** The rules the pipeline's own gate runs. */
const DELIVERY_RULES = [ProdDeployApproved, ProdDeployAfterReadinessGate];

/** Which stages to build: `-c stage=prod` picks one; no context builds all three. */
export function selectStages(requested: unknown): StageName[] {
  if (requested === undefined || requested === '') return [...STAGE_NAMES];
  if (typeof requested === 'string' && (STAGE_NAMES as readonly string[]).includes(requested)) {
    return [requested as StageName];
  }
  throw new Error(`Unknown stage ${JSON.stringify(requested)} (context "stage"). Valid stages: ${STAGE_NAMES.join(', ')}.`);
}

/** `-c compute=eks` runs the stages' services on EKS; no context: each stage's `compute` (Fargate by default). */
export function selectCompute(requested: unknown): ComputePlatform | undefined {
  if (requested === undefined || requested === '') return undefined;
  if (typeof requested === 'string' && (COMPUTE_PLATFORMS as readonly string[]).includes(requested)) return requested as ComputePlatform;
  throw new ValidationError('Context "compute"', [
    { field: 'compute', value: requested, fix: `use one of ${COMPUTE_PLATFORMS.join(', ')} (-c compute=eks), or leave it unset for each stage's config (Fargate by default)` },
  ]);
}

export function buildApp(app: App): ReadinessStage[] {
  const compute = selectCompute(app.node.tryGetContext('compute'));
  return selectStages(app.node.tryGetContext('stage')).map(
    (stage) => new ReadinessStage(app, stageConstructId(stage), { config: compute ? { ...STAGES[stage], compute } : STAGES[stage] }),
  );
}

/** `-c gate=launch` also fails synth when a Critical control is missing; no context: findings only. */
export function selectGate(requested: unknown): 'launch' | undefined {
  if (requested === undefined || requested === '') return undefined;
  if (requested === 'launch') return 'launch';
  throw new Error(`Unknown gate ${JSON.stringify(requested)} (context "gate"). Valid gates: launch.`);
}

/**
 * The readiness gate on every stage: its own levels (prod: errors) and report (`<outdir>/readiness/<stage>.md`).
 * Prod also runs AWS Control Tower's proactive controls (cfn-guard).
 */
export function enforceStages(stages: readonly ReadinessStage[], gate?: 'launch'): void {
  for (const stage of stages) {
    enforceReadiness(stage, { stage: stage.config.stage, config: stage.config, gate, controlTower: stage.config.stage === 'prod' });
  }
}

/**
 * The delivery pipeline (its own stack and account), when every stage is built and no launch gate is
 * asked for: it deploys dev, staging, then prod. Built after the gates are attached, because CDK
 * Pipelines synthesizes each stage when it is added (the gates run then).
 */
export function buildPipeline(app: App, stages: readonly ReadinessStage[], gate?: 'launch'): DeliveryPipelineStack | undefined {
  if (gate || stages.length !== STAGE_NAMES.length) return undefined;
  const ordered = STAGE_NAMES.map((name) => stages.find((s) => s.config.stage === name)!);
  // Its own Stage, so that its own gate checks it: the pipeline rules at prod levels (errors), nothing else
  // (the stages' reports stay the stage reports; the pipeline account's other resources are CDK Pipelines' own).
  const delivery = new Stage(app, 'Delivery', { env: { account: PIPELINE.account, region: PIPELINE.region } });
  const stack = new DeliveryPipelineStack(delivery, 'Pipeline', { config: PIPELINE, stages: ordered });
  enforceReadiness(delivery, { stage: 'prod', rules: DELIVERY_RULES, awsSolutions: false, nist: false, writeReport: false });
  return stack;
}

/**
 * Builds the app; a bad stage, gate or stage config prints its message (every field, value and fix)
 * and exits 1, without a stack trace. Returns the app, or undefined when it could not be built.
 */
export function main(app: App = new App(), report: (message: string) => void = (m) => process.stderr.write(m)): App | undefined {
  try {
    const gate = selectGate(app.node.tryGetContext('gate'));
    const stages = buildApp(app);
    enforceStages(stages, gate);
    buildPipeline(app, stages, gate);
  } catch (e) {
    // A config or context mistake is the user's to fix: the message says how. Anything else is a bug: keep its trace.
    const message = (e as Error)?.message ?? String(e);
    if (!(e instanceof ValidationError) && !/^Unknown (stage|gate) /.test(message)) throw e;
    report(`${message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  return app;
}

if (require.main === module) {
  main()?.synth();
}
