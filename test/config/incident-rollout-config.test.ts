import { DEV, PROD, STAGING } from '../../lib/config/stages';
import { PIPELINE, validatePipelineConfig } from '../../lib/config/pipeline';
import { validateStageConfig } from '../../lib/config/validate-config';

describe('incident, rollout and pipeline config', () => {
  test('the shipped stages are valid: Incident Manager in prod, a rollout in every stage', () => {
    for (const c of [DEV, STAGING, PROD]) expect(() => validateStageConfig(c)).not.toThrow();
    expect(PROD.incident?.tool).toBe('incident-manager');
    expect([DEV, STAGING, PROD].every((c) => c.rollout !== undefined)).toBe(true);
    expect(() => validatePipelineConfig(PIPELINE)).not.toThrow();
  });

  test('bad incident and rollout values: one error naming each field, value and fix', () => {
    const incident = { ...PROD.incident!, commander: 'nobody', escalation: { primaryMinutes: 0, secondaryMinutes: 45 }, levels: { ...PROD.incident!.levels, SEV1: { ...PROD.incident!.levels.SEV1, runbookUrl: 'wiki/sev1' } } };
    expect(() => validateStageConfig({ ...PROD, incident, rollout: { ...PROD.rollout!, growthPercent: 0 } })).toThrow(
      /incident\.commander = "nobody": name an alias[\s\S]*incident\.escalation\.primaryMinutes = 0[\s\S]*incident\.escalation\.secondaryMinutes = 45[\s\S]*incident\.levels\.SEV1\.runbookUrl = "wiki\/sev1"[\s\S]*rollout\.growthPercent = 0/,
    );
  });

  test('another incident tool needs no contacts', () => {
    expect(() => validateStageConfig({ ...PROD, incident: { ...PROD.incident!, tool: 'opsgenie', contacts: [] } })).not.toThrow();
  });
});
