/**
 * Recovery targets and estimate inputs from public inputs: the stage config's `dr` when the app has
 * one (the shipped stages), else the stage's `targets` (`enforceReadiness({ targets })` or readiness.json
 * `targets.<stage>`, read from `settings.readinessTargets`) over the stage defaults below.
 */
import { FailureScope, RecoveryObjective, StageConfig, StageName } from '../../config/stage-config';
import { RecoveryInputs } from './estimate';

/**
 * Default RPO / RTO per failure scope and stage: the targets the shipped stages set (lib/config/stages.ts),
 * from the gap analysis (1.5): prod loses no committed write and serves again within 5 minutes when an
 * instance or an AZ fails, and within 4 hours with at most 1 hour of writes lost when a region fails;
 * staging and dev accept a day (dev) or half a day (staging) of regional loss.
 */
export const DEFAULT_RECOVERY_TARGETS: Readonly<Record<StageName, Readonly<Record<FailureScope, RecoveryObjective>>>> = {
  dev: { instance: { rpoMinutes: 0, rtoMinutes: 15 }, az: { rpoMinutes: 0, rtoMinutes: 30 }, region: { rpoMinutes: 1440, rtoMinutes: 1440 } },
  staging: { instance: { rpoMinutes: 0, rtoMinutes: 10 }, az: { rpoMinutes: 0, rtoMinutes: 15 }, region: { rpoMinutes: 720, rtoMinutes: 480 } },
  prod: { instance: { rpoMinutes: 0, rtoMinutes: 5 }, az: { rpoMinutes: 0, rtoMinutes: 5 }, region: { rpoMinutes: 60, rtoMinutes: 240 } },
};

/**
 * Estimate inputs when none are declared: 200 GiB of data to restore (the shipped prod stage's) and
 * 60 minutes to redeploy the stateless stacks in the DR region (the slowest shipped stage's). Declare
 * measured values: the regional RTO estimate depends on both.
 */
export const DEFAULT_RECOVERY_INPUTS: RecoveryInputs = { dataSizeGiB: 200, redeployMinutes: 60 };

export interface RecoveryPlan {
  readonly targets: Readonly<Record<FailureScope, RecoveryObjective>>;
  readonly inputs: RecoveryInputs;
  /** Where the targets and inputs come from, for the report. */
  readonly source: string;
}

/** The stage's recovery targets and estimate inputs, and where they come from. */
export function recoveryPlanOf(stage: StageName, config: StageConfig | undefined, settings: Readonly<Record<string, unknown>> | undefined): RecoveryPlan {
  if (config?.dr?.targets) return { targets: config.dr.targets, inputs: config.dr, source: 'the stage config (dr.targets, dr.dataSizeGiB, dr.redeployMinutes)' };
  const declared = (settings?.readinessTargets ?? {}) as { recovery?: Partial<Record<FailureScope, RecoveryObjective>>; dataSizeGiB?: number; redeployMinutes?: number };
  const defaults = DEFAULT_RECOVERY_TARGETS[stage];
  const targets = { instance: declared.recovery?.instance ?? defaults.instance, az: declared.recovery?.az ?? defaults.az, region: declared.recovery?.region ?? defaults.region };
  const inputs = { dataSizeGiB: declared.dataSizeGiB ?? DEFAULT_RECOVERY_INPUTS.dataSizeGiB, redeployMinutes: declared.redeployMinutes ?? DEFAULT_RECOVERY_INPUTS.redeployMinutes };
  const defaulted = [
    ...(['instance', 'az', 'region'] as const).filter((s) => !declared.recovery?.[s]).map((s) => `recovery.${s}`),
    ...(declared.dataSizeGiB === undefined ? [`dataSizeGiB (${DEFAULT_RECOVERY_INPUTS.dataSizeGiB})`] : []),
    ...(declared.redeployMinutes === undefined ? [`redeployMinutes (${DEFAULT_RECOVERY_INPUTS.redeployMinutes})`] : []),
  ];
  return {
    targets,
    inputs,
    source:
      `the stage targets (enforceReadiness targets, readiness.json targets.${stage})` +
      (defaulted.length > 0 ? `; ${stage} defaults for ${defaulted.join(', ')}: declare measured values in targets.${stage}` : ''),
  };
}
