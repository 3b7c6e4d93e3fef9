import { StageConfig } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';

describe('stage config: attestations', () => {
  const withAttestations = (attestations: StageConfig['attestations']): StageConfig => ({ ...PROD, attestations });

  test('the shipped attestations are valid', () => {
    expect(() => validateStageConfig(PROD)).not.toThrow();
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
});
