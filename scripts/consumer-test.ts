/**
 * Consumer test: installs this project the way a team with its own CDK app would, and checks the gate
 * works there. Packs the project (`npm pack`: `prepack` builds dist/), installs the tarball into a new
 * app in a temporary folder outside the repository together with aws-cdk-lib, constructs and cdk-nag
 * (peer dependencies: one copy of each) from the npm cache, type-checks and synthesizes a small
 * TypeScript app that calls `enforceReadiness(app, { stage: 'prod', profiles: ['core'] })` and reads a
 * readiness.json, then asserts findings from each pack (Readiness, AwsSolutions) in the written report
 * and SARIF, and that the tarball holds no tests, baselines or CI files.
 *
 * Run: `npm run test:consumer` (CI runs it from .ci/run). `KEEP=1` keeps the temporary folder.
 * Exit code 0: every check passed; 1: a check failed (each failure is printed).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const timings: [string, number][] = [];
const failures: string[] = [];

function step<T>(name: string, fn: () => T): T {
  const start = Date.now();
  process.stdout.write(`consumer-test: ${name} ...\n`);
  try {
    return fn();
  } finally {
    timings.push([name, (Date.now() - start) / 1000]);
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
}

function check(ok: boolean, what: string): void {
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
  if (!ok) failures.push(what);
}

// A plain CDK app as `cdk init` writes it: run under the CLI (CDK_OUTDIR set) it synthesizes on exit.
const APP_TS = `import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { enforceReadiness, ReadinessGate } from 'readiness-stack';

const app = new App();
const stack = new Stack(app, 'Orders');
new sqs.Queue(stack, 'Queue');
new s3.Bucket(stack, 'Uploads');
const gate: ReadinessGate = enforceReadiness(app, { stage: 'prod', profiles: ['core'] });
console.log('gate on ' + gate.options.stage);
`;

const READINESS_JSON = {
  $schema: './node_modules/readiness-stack/readiness.schema.json',
  profiles: ['marketplace'],
  controls: [
    { id: 'ORDERS-RUNBOOK', title: 'Orders on-call runbook', severity: 'Medium', area: 'Documentation', owner: 'Orders team', risk: 'On-call cannot act on an orders incident.', verification: 'attested' },
  ],
  notApplicable: { 'SECURITY-TESTING': { owner: 'Security', reason: 'Penetration tests run for the whole group every year' } },
};

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-consumer-'));
  const appDir = path.join(work, 'app');
  fs.mkdirSync(appDir);
  try {
    const packOut = step('npm pack (prepack builds dist/)', () => run('npm', ['pack', '--json', '--pack-destination', work], ROOT));
    const packed = JSON.parse(packOut.slice(packOut.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const tarball = path.join(work, packed[0].filename);
    const files = packed[0].files.map((f) => f.path);
    check(files.includes('dist/lib/index.js') && files.includes('dist/lib/index.d.ts'), 'the tarball has dist/lib/index.js and index.d.ts');
    check(files.includes('readiness.schema.json'), 'the tarball has readiness.schema.json');
    const stray = files.filter((f) => /^(test|baseline|bench|scripts|\.ci|cdk\.out)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /^cdk\.json$/.test(f));
    check(stray.length === 0, `no tests, baselines, CI files or TypeScript sources in the tarball${stray.length ? `: ${stray.slice(0, 5).join(', ')}` : ''}`);

    fs.writeFileSync(
      path.join(appDir, 'package.json'),
      JSON.stringify(
        {
          name: 'orders-app',
          private: true,
          version: '1.0.0',
          dependencies: {
            'readiness-stack': `file:${tarball}`,
            'aws-cdk-lib': rootPkg.devDependencies['aws-cdk-lib'],
            constructs: rootPkg.devDependencies.constructs,
            'cdk-nag': rootPkg.devDependencies['cdk-nag'],
          },
          devDependencies: { typescript: rootPkg.devDependencies.typescript, '@types/node': rootPkg.devDependencies['@types/node'] },
        },
        undefined,
        2,
      ),
    );
    fs.writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: 'node --enable-source-maps app.js' }, undefined, 2));
    fs.writeFileSync(path.join(appDir, 'readiness.json'), JSON.stringify(READINESS_JSON, undefined, 2));
    fs.writeFileSync(path.join(appDir, 'app.ts'), APP_TS);
    fs.writeFileSync(
      path.join(appDir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, sourceMap: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] }, files: ['app.ts'] }, undefined, 2),
    );

    step('npm install --prefer-offline (tarball + peers from the cache)', () =>
      run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], appDir),
    );
    const copies = run('npm', ['ls', 'aws-cdk-lib', '--all', '--parseable'], appDir).split('\n').filter((l) => l.trim().length > 0);
    const unique = [...new Set(copies)];
    check(unique.length === 1, `one copy of aws-cdk-lib in the app (${unique.map((u) => path.relative(appDir, u) || '.').join(', ')})`);
    check(!fs.existsSync(path.join(appDir, 'node_modules', 'readiness-stack', 'node_modules', 'aws-cdk-lib')), 'readiness-stack brings no aws-cdk-lib of its own');

    step('tsc (the app type-checks against the shipped .d.ts)', () => run(path.join(appDir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], appDir));
    const synth = step('synth (node app.js with CDK_OUTDIR, as `cdk synth` runs it)', () =>
      spawnSync('node', ['--enable-source-maps', 'app.js'], { cwd: appDir, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: path.join(appDir, 'cdk.out') }, maxBuffer: 64 * 1024 * 1024 }),
    );
    check(synth.status !== 0 && /Validation failed/.test(synth.stderr + synth.stdout), `synth fails with the findings (exit ${synth.status}; the queue has no dead-letter queue)`);

    const bin = spawnSync(path.join(appDir, 'node_modules', '.bin', 'readiness'), ['verify', '--help'], { cwd: appDir, encoding: 'utf8' });
    check(bin.status === 0 && /verify/.test(bin.stdout + bin.stderr), `the readiness bin runs from the compiled dist/ (exit ${bin.status})`);

    // The main module leaves the verify command's AWS SDK clients unloaded until verifyReport/sdkClients run.
    const probe = spawnSync(
      'node',
      ['-e', "const m = require('readiness-stack'); const sdk = () => Object.keys(require.cache).filter((f) => f.includes('@aws-sdk/client-')).length; const before = sdk(); m.sdkClients({ region: 'eu-west-1' }); console.log(before + ' ' + (sdk() > 0))"],
      { cwd: appDir, encoding: 'utf8' },
    );
    check(probe.status === 0 && probe.stdout.trim() === '0 true', `importing the main module loads no AWS SDK client; sdkClients() loads them on demand (${probe.stdout.trim() || probe.stderr.split('\n')[0]})`);

    const dir = path.join(appDir, 'cdk.out', 'readiness');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'prod.json'), 'utf8')) as {
      profiles: string[];
      controls: { id: string; status: string; findings: { ruleId: string }[]; notApplicableDeclaration?: unknown }[];
      gate: { passed: boolean };
    };
    const ids = report.controls.map((c) => c.id);
    check(JSON.stringify(report.profiles) === '["core"]', `the report covers the core profile only (code overrides readiness.json): ${JSON.stringify(report.profiles)}`);
    check(ids.includes('DB-HA') && !ids.includes('CONTRACT-AUDIT') && !ids.includes('MULTISIG-WALLETS'), 'core controls only: no smart contract audit, no multi-sig wallets');
    check(ids.includes('ORDERS-RUNBOOK'), 'the custom control from readiness.json is reported');
    check(report.controls.find((c) => c.id === 'SECURITY-TESTING')?.status === 'not-applicable', 'SECURITY-TESTING is declared not applicable in readiness.json');
    const queue = report.controls.find((c) => c.id === 'ASYNC-QUEUE');
    check(queue?.status === 'missing' && queue.findings.some((f) => f.ruleId.startsWith('Readiness-ASYNC-QUEUE')), 'Readiness finding: ASYNC-QUEUE missing for the queue');
    check(report.gate.passed === false, 'the report says the gate failed');
    check(fs.existsSync(path.join(dir, 'prod.md')) && fs.existsSync(path.join(dir, 'prod.junit.xml')), 'prod.md and prod.junit.xml are written');

    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'prod.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const results = sarif.runs[0].results;
    const aws = results.filter((r) => r.ruleId.startsWith('AwsSolutions-'));
    const readiness = results.filter((r) => r.ruleId.startsWith('Readiness-'));
    check(aws.length > 0, `AwsSolutions findings in the SARIF: ${[...new Set(aws.map((r) => r.ruleId))].slice(0, 6).join(', ')}`);
    check(readiness.length > 0, `Readiness findings in the SARIF: ${[...new Set(readiness.map((r) => r.ruleId))].slice(0, 6).join(', ')}`);
    const located = results.find((r) => r.ruleId === 'Readiness-ASYNC-QUEUE');
    const where = located?.locations[0].physicalLocation;
    check(where?.artifactLocation.uri === 'app.ts' && where.region.startLine === APP_TS.split('\n').findIndex((l) => l.includes("new sqs.Queue")) + 1, `the queue's finding points at its line in app.ts (${where?.artifactLocation.uri}:${where?.region.startLine})`);
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    failures.push(`step failed: ${err.message.split('\n')[0]}`);
    process.stdout.write(`FAIL ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}\n`);
  } finally {
    const total = timings.reduce((a, [, t]) => a + t, 0);
    process.stdout.write(`consumer-test timings: ${timings.map(([n, t]) => `${n.split(' (')[0]} ${t.toFixed(1)} s`).join(', ')}; total ${total.toFixed(1)} s\n`);
    if (process.env.KEEP) process.stdout.write(`consumer-test: kept ${work}\n`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    process.stdout.write(`consumer-test: ${failures.length} check(s) failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('consumer-test: passed\n');
  }
}

main();
