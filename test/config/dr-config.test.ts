import { StageConfig } from '../../lib/config/stage-config';
import { DEV, PROD, STAGING } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';

const withDr = (base: StageConfig, dr: Partial<StageConfig['dr']>): StageConfig => ({ ...base, dr: { ...base.dr, ...dr } });

describe('dr config validation', () => {
  test.each([DEV, STAGING, PROD])('the shipped $stage config is valid', (config) => {
    expect(() => validateStageConfig(config)).not.toThrow();
  });

  test('lists every bad dr value with its fix in one error', () => {
    const bad = withDr(PROD, {
      mode: 'active-active' as never,
      targets: { ...PROD.dr.targets, region: { rpoMinutes: -1, rtoMinutes: 0 } },
      pitrRetentionDays: 40,
      copyFrequencyHours: 5,
      restoreTestSchedule: 'weekly',
      drAvailabilityZones: ['eu-west-1a'],
      costAlertEmails: ['not-an-address'],
    });
    expect(() => validateStageConfig(bad)).toThrow(
      new RegExp(
        [
          'dr\\.mode = "active-active": use "backup-copy" or "global-database"',
          'dr\\.targets\\.region\\.rpoMinutes = -1',
          'dr\\.targets\\.region\\.rtoMinutes = 0',
          'dr\\.pitrRetentionDays = 40: .*35',
          'dr\\.copyFrequencyHours = 5',
          'dr\\.restoreTestSchedule = "weekly"',
          'dr\\.drAvailabilityZones = \\["eu-west-1a"\\]',
          'dr\\.costAlertEmails = \\["not-an-address"\\]',
        ].join('[\\s\\S]*'),
      ),
    );
  });

  test('requires the cost allocation tags stage, service and owner', () => {
    expect(() => validateStageConfig({ ...PROD, tags: { stage: 'production', service: 'marketplace' } })).toThrow(
      /tags = \{"stage":"production","service":"marketplace"\}: tag every resource with the cost allocation tags stage/,
    );
  });

  test('prod locks its vaults and stops at most half of the tasks; dev may do either', () => {
    const risky = { vaultLock: false, drillTaskStopPercent: 80 };
    expect(() => validateStageConfig(withDr(PROD, risky))).toThrow(/dr\.vaultLock = false: prod locks[\s\S]*dr\.drillTaskStopPercent = 80: prod drills stop at most half/);
    expect(() => validateStageConfig(withDr(DEV, risky))).not.toThrow();
  });
});
