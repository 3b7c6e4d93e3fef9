/**
 * `npm run bench`: what the readiness gate costs on top of a plain synth.
 *
 * 1. The shipped prod stage, synthesized with and without `enforceReadiness`, several runs each.
 * 2. Generated apps of 10, 50 and 200 services (plain L1/L2 resources), to show how the checks grow.
 *
 * 3. `--whole-process`: instead, each generated app as a user's whole process (`node` on compiled code,
 *    bench/user-app.ts): plain `app.synth()`, with `enforceReadiness(app, { stage: 'prod', profiles: ['core'] })`
 *    (default packs) and with the Readiness pack alone; CPU is the child's own (node start, module
 *    loading, build, synth). `--ref <git ref>` adds the gated runs of that commit's lib/ (before/after).
 *
 * Prints medians of CPU time (what the process spent, robust to other load on the machine) and of
 * wall time, and their ratios. Options: `--runs N` (default 5), `--sizes 10,50,200`, `--skip-prod`,
 * `--whole-process`, `--ref REF`.
 * Bundling and CDK's built-in CloudFormation validation are off in both variants: they are the same
 * work with or without the gate.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stage } from 'aws-cdk-lib';
import { buildApp, enforceStages } from '../bin/app';
import { enforceReadiness, evaluateReadiness, writeReport } from '../lib/readiness/gate';
import { compile } from './compile';
import { addServices } from './generated-app';
import { median } from './stats';

interface Options {
  readonly runs: number;
  readonly sizes: number[];
  readonly skipProd: boolean;
  readonly wholeProcess: boolean;
  readonly ref?: string;
}

function parseArgs(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    runs: Number(get('--runs') ?? 5),
    sizes: (get('--sizes') ?? '10,50,200').split(',').map(Number),
    skipProd: argv.includes('--skip-prod'),
    wholeProcess: argv.includes('--whole-process'),
    ref: get('--ref'),
  };
}

// The exception carries the report instead of printing it: findings are expected here.
const CONTEXT = { 'aws:cdk:bundling-stacks': [] as string[], '@aws-cdk/core:appMode': 'inmemory' };

interface Timing {
  readonly cpu: number;
  readonly wall: number;
}

/** CPU and wall time of building and synthesizing one app, in ms. Findings fail synth after every check ran. */
function timeOnce(build: (app: App) => void): Timing {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-bench-'));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const app = new App({ outdir, context: CONTEXT });
  build(app);
  try {
    app.synth();
  } catch {
    // a failing gate still ran every check
  }
  const cpu = process.cpuUsage(cpuStart);
  const timing = { cpu: (cpu.user + cpu.system) / 1000, wall: Number(process.hrtime.bigint() - start) / 1e6 };
  fs.rmSync(outdir, { recursive: true, force: true });
  return timing;
}

/** Alternates plain and gated runs so that load on the machine hits both alike; one warm-up each. */
function compare(label: string, runs: number, plain: (app: App) => void, gated: (app: App) => void) {
  timeOnce(plain);
  timeOnce(gated);
  const a: Timing[] = [];
  const b: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(timeOnce(plain));
    b.push(timeOnce(gated));
  }
  const result = {
    label,
    plain: median(a.map((t) => t.cpu)),
    gated: median(b.map((t) => t.cpu)),
    plainWall: median(a.map((t) => t.wall)),
    gatedWall: median(b.map((t) => t.wall)),
  };
  console.log(
    `${label.padEnd(24)} CPU plain ${fmt(result.plain)}  gated ${fmt(result.gated)}  ratio ${(result.gated / result.plain).toFixed(2)} | ` +
      `wall plain ${fmt(result.plainWall)}  gated ${fmt(result.gatedWall)}  ratio ${(result.gatedWall / result.plainWall).toFixed(2)}`,
  );
  return result;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

/** A generated app (bench/generated-app.ts), gated on its stage or not. */
export function generatedApp(services: number, gate: boolean) {
  return (app: App) => {
    const stage = addServices(app, services);
    if (gate) enforceReadiness(stage, { stage: 'prod' });
  };
}

/** CPU time of the checks alone (no synth) on one stage: Readiness rules only, + AwsSolutions, + NIST. */
function breakdown(label: string, runs: number, build: (app: App) => Stage): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-bench-'));
  const app = new App({ outdir, context: CONTEXT });
  const stage = build(app);
  // As in the gate: the resources are read from the templates this synth wrote.
  const templatePaths = app.synth().stacksRecursively.map((s) => s.templateFullPath);
  const cpu = (fn: () => unknown) => {
    fn();
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.cpuUsage();
      fn();
      const used = process.cpuUsage(start);
      xs.push((used.user + used.system) / 1000);
    }
    return median(xs);
  };
  const readiness = cpu(() => evaluateReadiness(stage, { stage: 'prod', awsSolutions: false, nist: false }, { templatePaths }));
  const aws = cpu(() => evaluateReadiness(stage, { stage: 'prod', nist: false }, { templatePaths }));
  const all = cpu(() => evaluateReadiness(stage, { stage: 'prod' }, { templatePaths }));
  const evaluation = evaluateReadiness(stage, { stage: 'prod' }, { templatePaths });
  const report = cpu(() => writeReport(outdir, evaluation.report, { scope: stage, evaluation }));
  fs.rmSync(outdir, { recursive: true, force: true });
  console.log(
    `${label.padEnd(24)} checks only: Readiness rules + report data ${fmt(readiness)}, AwsSolutions ${fmt(aws - readiness)}, ` +
      `NIST 800-53 ${fmt(all - aws)}, writing the report files ${fmt(report)}`,
  );
}

type ChildMode = 'plain' | 'gated' | 'readiness';

/** One whole process of bench/user-app.js: its own CPU time (ms, from the child) and the wall time seen here. */
function childOnce(dir: string, services: number, mode: ChildMode, entry: 'main' | 'gate'): Timing {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-bench-'));
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [path.join(dir, 'bench', 'user-app.js'), String(services), mode, outdir, entry], {
    encoding: 'utf8',
    env: { ...process.env, CDK_VALIDATION: 'false' },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`user-app ${services} ${mode} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return { cpu: (JSON.parse(line) as { total: number }).total, wall };
}

/** Whole-process runs per size: plain, gated and Readiness-only (and the same of `--ref`), alternating, medians. */
function wholeProcess(options: Options): void {
  const variants: Array<{ label: string; dir: string; mode: ChildMode; entry: 'main' | 'gate' }> = [];
  const current = compile();
  variants.push({ label: 'plain synth', dir: current, mode: 'plain', entry: 'main' });
  if (options.ref) {
    const before = compile(options.ref);
    variants.push(
      { label: `gate, main (${options.ref})`, dir: before, mode: 'gated', entry: 'main' },
      { label: `Readiness only, main (${options.ref})`, dir: before, mode: 'readiness', entry: 'main' },
    );
  }
  variants.push(
    { label: 'gate, main module', dir: current, mode: 'gated', entry: 'main' },
    { label: 'gate, gate module', dir: current, mode: 'gated', entry: 'gate' },
    { label: 'Readiness only, gate module', dir: current, mode: 'readiness', entry: 'gate' },
  );
  console.log(`Whole process per app (node start, module loading, build and synth; CDK_VALIDATION=false in all; median of ${options.runs} runs after one warm-up)`);
  for (const n of options.sizes) {
    const samples = variants.map(() => [] as Timing[]);
    variants.forEach((v) => childOnce(v.dir, n, v.mode, v.entry));
    for (let i = 0; i < options.runs; i++) variants.forEach((v, j) => samples[j].push(childOnce(v.dir, n, v.mode, v.entry)));
    const cpu = samples.map((xs) => median(xs.map((t) => t.cpu)));
    const wall = samples.map((xs) => median(xs.map((t) => t.wall)));
    console.log(`generated ${n} services`);
    variants.forEach((v, j) =>
      console.log(
        `  ${v.label.padEnd(38)} CPU ${fmt(cpu[j])} (x${(cpu[j] / cpu[0]).toFixed(2)})  wall ${fmt(wall[j])} (x${(wall[j] / wall[0]).toFixed(2)})`,
      ),
    );
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options.wholeProcess) return wholeProcess(options);
  process.env.CDK_VALIDATION = 'false';
  console.log(`Readiness gate overhead (median of ${options.runs} runs each, after one warm-up; node ${process.version}, ${os.cpus().length} CPUs)`);
  if (!options.skipProd) {
    compare(
      'shipped prod stage',
      options.runs,
      (app) => {
        app.node.setContext('stage', 'prod');
        buildApp(app);
      },
      (app) => {
        app.node.setContext('stage', 'prod');
        enforceStages(buildApp(app));
      },
    );
  }
  console.log('\nWhere the time goes (CPU, median, evaluateReadiness without synth):');
  if (!options.skipProd) {
    breakdown('shipped prod stage', options.runs, (app) => {
      app.node.setContext('stage', 'prod');
      return buildApp(app)[0];
    });
  }
  for (const n of options.sizes) breakdown(`generated ${n} services`, n >= 200 ? Math.min(options.runs, 3) : options.runs, (app) => {
    generatedApp(n, false)(app);
    return app.node.findChild('Prod') as Stage;
  });
  console.log('');
  const rows = options.sizes.map((n) => ({ n, ...compare(`generated ${n} services`, n >= 200 ? Math.min(options.runs, 3) : options.runs, generatedApp(n, false), generatedApp(n, true)) }));
  console.log('\nGrowth of the checks with the app (CPU time the gate adds per service):');
  for (const r of rows) console.log(`  ${String(r.n).padStart(4)} services: ${((r.gated - r.plain) / r.n).toFixed(1)} ms/service, ratio ${(r.gated / r.plain).toFixed(2)}`);
}

if (require.main === module) main();
