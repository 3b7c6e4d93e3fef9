import { DEV, PROD, STAGING } from '../../lib/config/stages';
import { StageConfig } from '../../lib/config/stage-config';
import { validateStageConfig } from '../../lib/config/validate-config';

const withSecurity = (base: StageConfig, security: Partial<StageConfig['security']>): StageConfig => ({
  ...base,
  security: { ...base.security, ...security },
});

describe('security config', () => {
  test.each([DEV, STAGING, PROD].map((c) => [c.stage, c] as const))('shipped %s security section is valid', (_stage, config) => {
    expect(() => validateStageConfig(config)).not.toThrow();
  });

  test('defaults keep audit logs a year and rotate secrets at most every 30 days in prod', () => {
    expect(PROD.security.auditRetentionDays).toBe(365);
    expect(PROD.security.auditLockMode).toBe('COMPLIANCE');
    expect(PROD.security.secretRotationDays).toBeLessThanOrEqual(30);
  });

  test('every bad security value is reported at once with its fix', () => {
    const bad = withSecurity(DEV, {
      auditRetentionDays: 0,
      auditArchiveAfterDays: 500,
      auditLockMode: 'NONE' as never,
      auditLogGroupRetentionDays: 42,
      customerDataBuckets: ['Bad_Bucket'],
      guardDutyFeatures: ['S3_DATA_EVENTS', 'S3_DATA_EVENTS'],
      secretRotationDays: 400,
      unusedAccessAgeDays: 0,
    });
    let message = '';
    try {
      validateStageConfig(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/security\.auditRetentionDays = 0: keep audit logs 1 to 3650 days/);
    expect(message).toMatch(/security\.auditArchiveAfterDays = 500: .*before security\.auditRetentionDays/);
    expect(message).toMatch(/security\.auditLockMode = "NONE"/);
    expect(message).toMatch(/security\.auditLogGroupRetentionDays = 42/);
    expect(message).toMatch(/security\.customerDataBuckets = \["Bad_Bucket"\]/);
    expect(message).toMatch(/security\.guardDutyFeatures = \["S3_DATA_EVENTS","S3_DATA_EVENTS"\]: .*each once/);
    expect(message).toMatch(/security\.secretRotationDays = 400/);
    expect(message).toMatch(/security\.unusedAccessAgeDays = 0/);
  });

  test('prod-only rules: compliance lock, 30-day rotation, one year of audit logs, the fitting GuardDuty features', () => {
    const bad = withSecurity(PROD, {
      auditRetentionDays: 180,
      auditLockMode: 'GOVERNANCE',
      secretRotationDays: 60,
      guardDutyFeatures: ['S3_DATA_EVENTS'],
    });
    expect(() => validateStageConfig(bad)).toThrow(/security\.auditRetentionDays = 180: prod keeps audit logs at least 365 days/);
    expect(() => validateStageConfig(bad)).toThrow(/security\.auditLockMode = "GOVERNANCE": prod locks audit logs in "COMPLIANCE" mode/);
    expect(() => validateStageConfig(bad)).toThrow(/security\.secretRotationDays = 60: prod rotates secrets at least every 30 days/);
    expect(() => validateStageConfig(bad)).toThrow(/security\.guardDutyFeatures = \["S3_DATA_EVENTS"\]: prod enables/);
    // The same values are acceptable outside prod.
    expect(() => validateStageConfig({ ...bad, stage: 'staging' })).not.toThrow();
  });
  test('each shipped stage has its own account, so account singletons cannot collide between stages', () => {
    expect(new Set([DEV, STAGING, PROD].map((c) => `${c.account}/${c.region}`)).size).toBe(3);
    expect([DEV, STAGING, PROD].map((c) => c.account)).toEqual(['111111111111', '222222222222', '333333333333']);
  });

  test('a provided baseline names who provides it and the evidence URL; "create" needs neither', () => {
    const provided = (baseline: unknown) => withSecurity(PROD, { baseline: baseline as StageConfig['security']['baseline'] });
    expect(() => validateStageConfig(provided({ mode: 'create' }))).not.toThrow();
    expect(() => validateStageConfig(provided({ mode: 'provided', providedBy: 'AWS Control Tower', evidenceUrl: 'https://lz.example.com' }))).not.toThrow();
    expect(() => validateStageConfig(provided({ mode: 'provided', providedBy: '', evidenceUrl: 'wiki' }))).toThrow(
      /security\.baseline\.providedBy = "": name who runs the baseline[\s\S]*security\.baseline\.evidenceUrl = "wiki": give the https:\/\/ URL/,
    );
    expect(() => validateStageConfig(provided({ mode: 'organization' }))).toThrow(/security\.baseline\.mode = "organization": use "create"/);
  });
});
