/**
 * A user's app as one process, for the whole-process benchmark (bench/synth-overhead.ts, compiled by
 * bench/compile.ts and run with plain `node`): `node user-app.js <services> <mode> <outdir> [main|gate]`.
 *
 * Modes: `plain` (`app.synth()`), `gated` (`enforceReadiness(app, { stage: 'prod', profiles: ['core'] })`,
 * default packs: Readiness, AwsSolutions, NIST 800-53 in prod, report written), `readiness` (the same
 * with `awsSolutions: false, nist: false`). The gate is loaded from the package's main module (`main`,
 * the default) or from the gate's own module (`gate`: lib/readiness/index.ts). Prints one JSON line: this process's CPU time (node start included) at each phase, in ms.
 */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const startedAt = cpuMs();

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { addServices } = require('./generated-app') as typeof import('./generated-app');

function main(): void {
  const [services, mode, outdir, entry] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5] ?? 'main'];
  if (!['plain', 'gated', 'readiness'].includes(mode) || !(services > 0) || !outdir) {
    throw new Error(`usage: node user-app.js <services> plain|gated|readiness <outdir> (got ${process.argv.slice(2).join(' ')})`);
  }
  const cdkLoaded = cpuMs();
  const app = new App({ outdir, context: { '@aws-cdk/core:appMode': 'inmemory' } });
  addServices(app, services);
  const built = cpuMs();
  let gateLoaded = built;
  if (mode !== 'plain') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { enforceReadiness } = (entry === 'gate' ? require('../lib/readiness') : require('../lib')) as typeof import('../lib/readiness');
    gateLoaded = cpuMs();
    enforceReadiness(app, { stage: 'prod', profiles: ['core'], ...(mode === 'readiness' ? { awsSolutions: false, nist: false } : {}) });
  }
  let failed = false;
  try {
    app.synth();
  } catch {
    // findings fail synth after every check ran
    failed = true;
  }
  const done = cpuMs();
  process.stdout.write(
    `${JSON.stringify({ mode, services, failed, start: startedAt, cdkLoaded, built, gateLoaded, total: done })}\n`,
  );
}

main();
