/**
 * `npm run bench:tests`: how long `npm test` takes, the way CI runs it: the type check, then the whole
 * suite with a cold jest cache (a fresh cache directory). Prints the wall time of each step and the total.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function timed(label: string, command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? 'true' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const tail = run.stderr.split('\n').filter((l) => /^(Tests|Test Suites|Time):/.test(l)).join('; ');
  console.log(`${label.padEnd(24)} ${seconds.toFixed(1).padStart(7)} s  exit ${run.status}${tail ? `  (${tail})` : ''}`);
  return seconds;
}

const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-cold-'));
console.log(`cores: ${os.cpus().length}, load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const typecheck = timed('tsc --noEmit', 'npx', ['tsc', '--noEmit', '-p', '.']);
const suite = timed('jest (cold cache)', 'npx', ['jest', '--cacheDirectory', cache]);
console.log(`${'npm test'.padEnd(24)} ${(typecheck + suite).toFixed(1).padStart(7)} s`);
fs.rmSync(cache, { recursive: true, force: true });
