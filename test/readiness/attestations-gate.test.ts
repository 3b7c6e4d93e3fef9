import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AttestationConfig, StageConfig } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { attestationLapse, attestationProblems, evidenceUrlProblems, isCalendarDate } from '../../lib/config/readiness-policy';
import { evaluateReadiness, ReadinessEvaluation } from '../../lib/readiness/gate';
import { NO_BUNDLING } from '../helpers/synth';

const NOW = new Date('2026-06-01T00:00:00Z');
const GOOD: AttestationConfig = { owner: 'Operations / Legal', evidenceUrl: 'https://docs.marketplace-ops.net/legal', date: '2026-05-01', status: 'ready' };

/** The gate on a tiny app, with `attestations` passed straight to enforceReadiness (no config validation). */
function withAttestation(attestation: Partial<AttestationConfig>, readiness?: StageConfig['readiness']): ReadinessEvaluation {
  const app = new App({ context: NO_BUNDLING });
  new sns.Topic(new Stack(app, 'Ops'), 'Events');
  const config: StageConfig = { ...PROD, attestations: { 'LEGAL-PAGES': { ...GOOD, ...attestation } as AttestationConfig }, ...(readiness ? { readiness } : {}) };
  return evaluateReadiness(app, { stage: 'prod', config, rules: [], awsSolutions: false, nist: false, now: NOW });
}
const legal = (e: ReadinessEvaluation) => e.report.controls.find((c) => c.id === 'LEGAL-PAGES')!;

describe('attestations passed to enforceReadiness are checked like the config', () => {
  test('a complete, recent attestation with real evidence makes the control ready', () => {
    const e = withAttestation({});
    expect(legal(e)).toMatchObject({ status: 'ready', statusReason: 'Attested ready by Operations / Legal on 2026-05-01.' });
    expect(e.scopeRules.violations).toEqual([]);
  });

  test.each([
    ['an empty owner', { owner: ' ' }, /owner: name who answers/],
    ['a placeholder evidence host', { evidenceUrl: 'https://readiness.example.com/legal' }, /placeholder host \(readiness\.example\.com\)/],
    ['an http URL', { evidenceUrl: 'http://docs.marketplace-ops.net/legal' }, /not an https URL/],
    ['a date that is not a calendar date', { date: '2026-02-30' }, /date "2026-02-30" is not a calendar date/],
    ['a date in the future', { date: '2026-06-02' }, /date 2026-06-02 is in the future/],
    ['a date years old', { date: '2023-01-10' }, /date 2023-01-10 is \d+ days old/],
  ])('%s makes the control missing and is an error', (_label, bad, problem) => {
    const e = withAttestation(bad);
    expect(legal(e)).toMatchObject({ status: 'missing', statusReason: expect.stringMatching(problem) });
    expect(e.scopeRules.violations).toEqual([
      expect.objectContaining({ ruleName: 'Readiness-ATTESTATION-INVALID', severity: 'error', description: expect.stringMatching(problem) }),
    ]);
    expect(e.summary.violations).toHaveLength(1);
    expect(e.report.gate!.passed).toBe(false);
  });

  test('an attestation older than its maximum age (180 days) lapses: missing, with the day it lapsed', () => {
    const e = withAttestation({ date: '2025-11-20' });
    expect(legal(e)).toMatchObject({ status: 'missing', statusReason: expect.stringMatching(/of 2025-11-20 lapsed on 2026-05-19 \(older than 180 days\): attest again/) });
  });

  test('a per-control maximum age keeps the same attestation ready', () => {
    expect(legal(withAttestation({ date: '2025-11-20' }, { attestationMaxAgeDaysByControl: { 'LEGAL-PAGES': 365 } })).status).toBe('ready');
    expect(legal(withAttestation({ date: '2026-04-01' }, { attestationMaxAgeDays: 30 })).statusReason).toMatch(/lapsed on 2026-05-01/);
  });
});

describe('the attestation checks', () => {
  test('calendar dates', () => {
    expect(['2026-02-28', '2028-02-29'].every(isCalendarDate)).toBe(true);
    expect(['2026-02-29', '2026-02-30', '2026-13-01', '2026-4-1', '01/02/2026', ''].some(isCalendarDate)).toBe(false);
  });

  test.each([
    'https://example.com/x',
    'https://www.example.org/x',
    'https://readiness.example/x',
    'https://evidence.invalid/x',
    'https://wiki.test/x',
    'https://localhost/x',
    'https://127.0.0.1/x',
    'https://[::1]/x',
    'https://intranet/x',
  ])('%s is not evidence', (url) => {
    expect(evidenceUrlProblems(url)).not.toEqual([]);
  });

  test('a real https host is', () => {
    expect(evidenceUrlProblems('https://docs.marketplace-ops.net/legal#pages')).toEqual([]);
    expect(attestationProblems(GOOD, NOW)).toEqual([]);
  });

  test('lapse: the day after the last day it holds is missing', () => {
    expect(attestationLapse({ date: '2026-01-01' }, 151, NOW)).toBeUndefined(); // holds through 2026-06-01
    expect(attestationLapse({ date: '2026-01-01' }, 150, NOW)).toBe('2026-05-31');
  });
});
