import { StageConfig } from '../../lib/config/stage-config';
import { DEV, PROD, STAGING } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';
import { ValidationError } from '../../lib/validation/rule-table';

function problemsOf(config: StageConfig): string[] {
  try {
    validateStageConfig(config);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems.map((p) => p.field);
  }
}

describe('stage config validation', () => {
  test.each([DEV, STAGING, PROD])('the shipped $stage config is valid', (config) => {
    expect(() => validateStageConfig(config)).not.toThrow();
  });

  test('a malformed account ID names the field, the value and the fix', () => {
    expect(() => validateStageConfig({ ...PROD, account: '1234' })).toThrow(/account = "1234": use the 12-digit AWS account ID/);
  });

  test('prod with fewer than 3 AZs is rejected; fewer than 2 anywhere', () => {
    expect(() => validateStageConfig({ ...PROD, availabilityZones: ['eu-west-1a', 'eu-west-1b'], network: { ...PROD.network, natGateways: 2 } })).toThrow(
      /availabilityZones = \["eu-west-1a","eu-west-1b"\]: prod needs 3 zones/,
    );
    expect(() => validateStageConfig({ ...DEV, availabilityZones: ['eu-west-1a'] })).toThrow(/availabilityZones.*at least 2 zones/);
  });

  test('backup retention outside 1-35 days is rejected', () => {
    expect(() => validateStageConfig({ ...PROD, database: { ...PROD.database, backupRetentionDays: 40 } })).toThrow(
      /database\.backupRetentionDays = 40: keep backups 1 to 35 days/,
    );
    expect(() => validateStageConfig({ ...DEV, database: { ...DEV.database, backupRetentionDays: 0 } })).toThrow(/database\.backupRetentionDays = 0/);
  });

  test('zones of another region are rejected', () => {
    expect(() => validateStageConfig({ ...DEV, availabilityZones: ['us-east-1a', 'us-east-1b'] })).toThrow(/availabilityZones.*zones of the primary region/);
  });

  test('every bad field is reported together in one error', () => {
    const bad: StageConfig = {
      ...PROD,
      account: 'abc',
      region: 'Europe',
      database: { ...PROD.database, backupRetentionDays: 99, port: 5432, credentialRotationDays: 90 },
      cache: { ...PROD.cache, replicasPerShard: 0, snapshotWindow: '3am' },
    };
    expect(problemsOf(bad)).toEqual(
      expect.arrayContaining([
        'account',
        'region',
        'database.backupRetentionDays',
        'database.port',
        'database.credentialRotationDays',
        'cache.replicasPerShard',
        'cache.snapshotWindow',
      ]),
    );
  });

  test('log retention must be a CloudWatch Logs period', () => {
    expect(() => validateStageConfig({ ...PROD, database: { ...PROD.database, logRetentionDays: 100 } })).toThrow(
      /database\.logRetentionDays = 100: keep database logs for a CloudWatch Logs period/,
    );
  });
});

describe('stage config validation: structure and zones', () => {
  test('a missing section is a field error, not a TypeError', () => {
    const { dr: _dr, observability: _obs, ...rest } = PROD;
    const run = () => validateStageConfig(rest as unknown as StageConfig);
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(/observability = \(missing\): add the "observability" section/);
    expect(run).toThrow(/dr = \(missing\): add the "dr" section/);
    expect(run).not.toThrow(/Cannot read properties/);
  });

  test('a missing nested object is a field error too', () => {
    const config = { ...PROD, observability: { ...PROD.observability, slo: undefined } } as unknown as StageConfig;
    expect(() => validateStageConfig(config)).toThrow(/observability\.slo\.availabilityPercent = \(missing\)/);
  });

  test.each([['eu-west-1zz'], ['eu-west-1-a'], ['eu-west-1'], ['eu-west-10a']])('zone %s is not a zone of eu-west-1', (az) => {
    expect(problemsOf({ ...PROD, availabilityZones: ['eu-west-1a', 'eu-west-1b', az] })).toContain('availabilityZones');
  });

  test('DR zones follow the DR region\'s naming pattern', () => {
    expect(problemsOf({ ...PROD, dr: { ...PROD.dr, drAvailabilityZones: ['eu-central-1a', 'eu-central-1bb'] } })).toContain('dr.drAvailabilityZones');
  });
});
