import { AttestationConfig, StageConfig } from '../../lib/config/stage-config';
import { DEV, PROD, STAGING } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';
import { ValidationError } from '../../lib/validation/rule-table';

const NOW = new Date('2026-06-01T00:00:00Z');
const GOOD: AttestationConfig = { owner: 'Operations / Legal', evidenceUrl: 'https://docs.marketplace-ops.net/legal', date: '2026-05-01', status: 'ready' };

function messageOf(config: StageConfig): string {
  try {
    validateStageConfig(config, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  return '';
}

describe('stage config: attestations', () => {
  const withAttestations = (attestations: StageConfig['attestations']): StageConfig => ({ ...PROD, attestations });

  test('the shipped attestations are valid', () => {
    expect(() => validateStageConfig(PROD)).not.toThrow();
  });

  test('the shipped stages claim no attestation with placeholder evidence: those controls are missing, not ready', () => {
    for (const config of [DEV, STAGING, PROD]) {
      for (const a of Object.values(config.attestations)) expect(a.evidenceUrl).not.toMatch(/example\.(com|org|net)|\.example\b|\.invalid|\.test\b|localhost/);
    }
  });

  test('every bad value is named with its fix, in one error', () => {
    const bad = withAttestations({
      'legal-pages': { owner: 'Legal', evidenceUrl: 'https://x.example/legal', date: '2026-01-01', status: 'ready' },
      INSURANCE: { owner: ' ', evidenceUrl: 'ftp://broker/policy.pdf', date: '01/02/2026', status: 'conditional', reason: 'pending' },
    });
    let message = '';
    try {
      validateStageConfig(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/attestations = \["legal-pages"\]: key attestations by catalogue control ID/);
    expect(message).toMatch(/attestations\.\*\.owner = .*INSURANCE/);
    expect(message).toMatch(/attestations\.\*\.evidenceUrl = .*ftp:\/\/broker.*https URL/);
    expect(message).toMatch(/attestations\.\*\.date = .*01\/02\/2026.*YYYY-MM-DD/);
    expect(message).toMatch(/attestations\.\*\.reason = .*pending.*at least 20 characters/);
  });

  test.each([
    ['a placeholder host', { evidenceUrl: 'https://readiness.example.com/legal' }, /attestations\.\*\.evidenceUrl = .*readiness\.example\.com.*real host/],
    ['an IP literal', { evidenceUrl: 'https://10.0.0.8/legal' }, /attestations\.\*\.evidenceUrl = .*10\.0\.0\.8/],
    ['localhost', { evidenceUrl: 'https://localhost:8443/legal' }, /attestations\.\*\.evidenceUrl = .*localhost/],
    ['a day that does not exist', { date: '2026-02-30' }, /attestations\.\*\.date = .*2026-02-30.*calendar date/],
    ['a date in the future', { date: '2026-07-01' }, /attestations\.\*\.date = .*2026-07-01.*not in the future/],
    ['a date years old', { date: '2024-01-15' }, /attestations\.\*\.date = .*2024-01-15.*at most 365 days old/],
  ])('%s is rejected', (_label, bad, expected) => {
    expect(messageOf(withAttestations({ 'LEGAL-PAGES': { ...GOOD, ...bad } }))).toMatch(expected);
  });

  test('the compliant twin passes', () => {
    expect(messageOf(withAttestations({ 'LEGAL-PAGES': GOOD }))).toBe('');
  });
});

describe('stage config: not-applicable declarations and readiness limits', () => {
  test('a declaration needs an owner and a reason of 20 characters', () => {
    expect(messageOf({ ...PROD, notApplicable: { WAF: { owner: '', reason: 'n/a' } } })).toMatch(/notApplicable\.\* = .*WAF.*owner.*20 characters/);
    expect(messageOf({ ...PROD, notApplicable: { WAF: { owner: 'Security', reason: 'No public HTTP entry point in this stage.' } } })).toBe('');
  });

  test('the waiver horizon is at most 90 days in prod and 180 elsewhere', () => {
    expect(messageOf({ ...PROD, readiness: { waiverHorizonDays: 120 } })).toMatch(/readiness\.waiverHorizonDays = 120/);
    expect(messageOf({ ...PROD, readiness: { waiverHorizonDays: 60 } })).toBe('');
    expect(messageOf({ ...STAGING, readiness: { waiverHorizonDays: 180 } })).toBe('');
  });

  test('attestation maximum ages are 1 to 365 days', () => {
    expect(messageOf({ ...PROD, readiness: { attestationMaxAgeDays: 400 } })).toMatch(/readiness\.attestationMaxAgeDays = 400/);
    expect(messageOf({ ...PROD, readiness: { attestationMaxAgeDaysByControl: { INSURANCE: 0 } } })).toMatch(/readiness\.attestationMaxAgeDaysByControl = .*INSURANCE/);
  });
});
