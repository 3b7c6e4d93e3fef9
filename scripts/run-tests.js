#!/usr/bin/env node
'use strict';
/**
 * `npm test`: the type check and the jest suite side by side, not one after the other. jest keeps both
 * cores busy except while it starts and at its tail, and tsc fills those gaps: on a 2-core machine this
 * saves most of the type check's time. Arguments go to jest (`npm test -- --json --outputFile=r.json`).
 * The type check's output is printed after jest's; the exit code is non-zero when either fails.
 */
const { spawn } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (pkg, file) => require.resolve(`${pkg}/${file}`, { paths: [root] });

function run(command, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [command, ...args], { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

(async () => {
  const typecheck = run(bin('typescript', 'bin/tsc'), ['--noEmit', '-p', '.'], true);
  const suite = run(bin('jest', 'bin/jest'), process.argv.slice(2), false);
  const [tsc, jest] = await Promise.all([typecheck, suite]);
  if (tsc.code !== 0) process.stderr.write(`\nType check (tsc --noEmit) failed:\n${tsc.output}`);
  else process.stderr.write('Type check (tsc --noEmit): no errors.\n');
  process.exitCode = tsc.code !== 0 ? tsc.code : jest.code;
})();
