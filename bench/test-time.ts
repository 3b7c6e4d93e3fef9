/**
 * `npm run bench:tests`: how long `npm test` takes, the way CI runs it: scripts/run-tests.js, the type
 * check beside the whole suite, with a cold jest cache (a fresh cache directory). Prints wall and CPU
 * time; CPU time (user + system of every process) is what other load on the machine does not inflate.
 *
 * `--record` also writes each test file's duration to test/helpers/test-durations.json, which the test
 * sequencer reads to start the slowest files first on a cold cache.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const DURATIONS = path.join(ROOT, 'test', 'helpers', 'test-durations.json');

/** Runs a command under bash so that `times` reports the CPU of all its child processes. */
function timed(label: string, command: string): void {
  const started = process.hrtime.bigint();
  const script = `${command}; code=$?; times >&2; exit $code`;
  const run = spawnSync('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? 'true' } });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = run.stderr.trim().split('\n');
  const seconds = (s: string) => [...s.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  const cpu = seconds(lines[lines.length - 1] ?? '');
  const tail = lines.filter((l) => /^(Tests|Test Suites):/.test(l)).join('; ');
  console.log(`${label.padEnd(24)} ${wall.toFixed(1).padStart(7)} s wall ${cpu.toFixed(1).padStart(7)} s CPU  exit ${run.status}${tail ? `  (${tail})` : ''}`);
}

const record = process.argv.includes('--record');
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-cold-'));
const results = path.join(cache, 'results.json');
console.log(`cores: ${os.cpus().length}, load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
timed('npm test (cold cache)', `node scripts/run-tests.js --cacheDirectory ${cache} --json --outputFile ${results}`);

if (record && fs.existsSync(results)) {
  const json = JSON.parse(fs.readFileSync(results, 'utf8')) as { testResults: { name: string; startTime: number; endTime: number }[] };
  const durations = Object.fromEntries(
    json.testResults
      .map((t) => [path.relative(ROOT, t.name).split(path.sep).join('/'), Math.round((t.endTime - t.startTime) / 100) / 10] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  fs.writeFileSync(DURATIONS, `${JSON.stringify(durations, null, 1)}\n`);
  console.log(`recorded ${Object.keys(durations).length} file durations in ${path.relative(ROOT, DURATIONS)}`);
}
fs.rmSync(cache, { recursive: true, force: true });
