import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** The environment of a user's shell: CDK's built-in validation on (the test setup turns it off for unit tests). */
function realSynthEnv(): NodeJS.ProcessEnv {
  const { CDK_VALIDATION: _unitTestsOnly, ...env } = process.env;
  return { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true', FORCE_COLOR: '0' };
}

/**
 * The real CLI on a user's app: `cdk synth --app <fixture> -o <dir>` must exit non-zero, print each
 * rule ID, and still write the report into the assembly directory it was given.
 */
describe('cdk synth (CLI) of a user app with readiness gaps', () => {
  let outdir: string;
  let run: SpawnSyncReturns<string>;
  let output: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-cli-'));
    run = spawnSync(
      'npx',
      ['cdk', 'synth', '--app', 'npx ts-node --transpile-only test/fixtures/unready-app.ts', '-o', outdir, '--no-notices', '-q'],
      { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: realSynthEnv() },
    );
    output = `${run.stdout}\n${run.stderr}`;
  }, 300_000);

  test('exits non-zero', () => {
    expect(run.error).toBeUndefined();
    expect(run.status).not.toBe(0);
    expect(output).toMatch(/Synthesis finished with errors|Validation failed/);
  });

  test.each(['Readiness-DB-HA', 'Readiness-CACHE-HA', 'Readiness-SECRET-ROTATION'])('prints %s', (ruleId) => {
    expect(output).toContain(ruleId);
  });

  test('says how to waive() each finding of a control, not the CLI\'s acknowledge hint alone', () => {
    expect(output).toMatch(/Readiness-DB-HA .*\n\s+-> instead of acknowledging, waive\(<construct at [^>]+>, \{ control: 'DB-HA', reason, owner, expires: 'YYYY-MM-DD' \}\)/);
  });

  test('the report\'s gate outcome agrees with the failed synth', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8'));
    expect(report.gate).toMatchObject({ launch: false, passed: false, errors: expect.objectContaining({ 'Readiness-DB-HA': expect.any(Number) }) });
    expect(fs.readFileSync(path.join(outdir, 'readiness', 'prod.md'), 'utf8')).toMatch(/Gate: \*\*failed\*\*/);
  });

  test('writes the report into the -o directory', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8'));
    expect(report.controls.find((c: { id: string }) => c.id === 'CACHE-HA').status).toBe('missing');
    expect(fs.existsSync(path.join(outdir, 'readiness', 'prod.md'))).toBe(true);
  });
});
