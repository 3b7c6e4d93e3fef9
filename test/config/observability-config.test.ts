import { StageConfig } from '../../lib/config/stage-config';
import { DEV, PROD } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';

const withObs = (base: StageConfig, obs: Partial<StageConfig['observability']>): StageConfig => ({ ...base, observability: { ...base.observability, ...obs } });

describe('observability config validation', () => {
  test('prod must page a human through a pager integration', () => {
    expect(() => validateStageConfig(withObs(PROD, { pagerUrlSecretName: undefined }))).toThrow(
      /observability\.pagerUrlSecretName = \(missing\): prod pages a human/,
    );
  });

  test('a plain http pager URL and a URL kept both in config and in a secret are rejected', () => {
    expect(() => validateStageConfig(withObs(DEV, { pagerUrl: 'http://events.example.com/x' }))).toThrow(/observability\.pagerUrl = "http:\/\/events\.example\.com\/x": use the https:\/\//);
    expect(() => validateStageConfig(withObs(DEV, { pagerUrl: 'https://events.example.com/x', pagerUrlSecretName: 'dev/pager' }))).toThrow(/observability\.pagerUrl.*not both/);
  });

  test('critical alarms must go somewhere, and addresses must be e-mail addresses', () => {
    expect(() => validateStageConfig(withObs(DEV, { criticalEmails: [] }))).toThrow(/observability\.criticalEmails = \[\]: route critical alarms somewhere/);
    expect(() => validateStageConfig(withObs(DEV, { warningEmails: ['ops'] }))).toThrow(/observability\.warningEmails = \["ops"\]: list e-mail addresses/);
  });

  test('prod promises 99.9% and checks the public endpoint every minute', () => {
    expect(() => validateStageConfig(withObs(PROD, { slo: { ...PROD.observability.slo, availabilityPercent: 99.5 } }))).toThrow(
      /observability\.slo\.availabilityPercent = 99\.5: prod promises 99\.9% availability/,
    );
    expect(() => validateStageConfig(withObs(PROD, { canary: { ...PROD.observability.canary, intervalMinutes: 5 } }))).toThrow(
      /observability\.canary\.intervalMinutes = 5: prod checks the public endpoint every minute/,
    );
  });

  test('an objective too low for the 14.4x page and out-of-range thresholds are all reported at once', () => {
    try {
      validateStageConfig(
        withObs(DEV, {
          slo: { availabilityPercent: 90, latencyThresholdMs: 0, latencyPercent: 100 },
          canary: { healthPath: 'health', intervalMinutes: 0, baseUrl: 'http://x' },
          database: { ...DEV.observability.database, cpuPercent: 120 },
          cache: { ...DEV.observability.cache, connections: 70000 },
          service: { ...DEV.observability.service, queueOldestMessageSeconds: 10 },
        }),
      );
      throw new Error('expected a validation error');
    } catch (e) {
      const message = (e as Error).message;
      for (const field of [
        'observability.slo.availabilityPercent = 90',
        'observability.slo.latencyThresholdMs = 0',
        'observability.slo.latencyPercent = 100',
        'observability.canary.baseUrl = "http://x"',
        'observability.canary.healthPath = "health"',
        'observability.canary.intervalMinutes = 0',
        'observability.database.cpuPercent = 120',
        'observability.cache.connections = 70000',
        'observability.service.queueOldestMessageSeconds = 10',
      ]) {
        expect(message).toContain(field);
      }
    }
  });
});
