/**
 * `npm run bench:control-tower`: what the Control Tower pack (cfn-guard with the Control Tower
 * proactive-control rules) adds to a synth of the shipped prod stage with the readiness gate.
 *
 * Alternates gated runs without and with `controlTower: true` (one warm-up each) and prints medians of
 * wall time, of this process's CPU time and of the CPU time of child processes (cfn-guard runs as one),
 * and the differences. Bundling is off in both variants. Options: `--runs N` (default 5). Not a test.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../bin/app';
import { enforceReadiness } from '../lib/readiness/gate';
import { median } from './stats';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5) || 5;
// The app as the CLI runs it: cdk.json's feature flags (they decide, e.g., how S3 access logs are delivered).
const CDK_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
const CONTEXT = { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [] as string[], stage: 'prod' };

/** CPU time (ms) of reaped child processes, from /proc (Linux): cutime + cstime. */
function childCpuMs(): number {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ", field 3 is state; cutime and cstime are fields 16 and 17 of the full line.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

interface Timing {
  readonly wall: number;
  readonly cpu: number;
  readonly childCpu: number;
  readonly templates: number;
}

function timeOnce(controlTower: boolean): Timing {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-ct-bench-'));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const childStart = childCpuMs();
  const app = new App({ outdir, context: CONTEXT });
  for (const stage of buildApp(app)) enforceReadiness(stage, { stage: stage.config.stage, config: stage.config, controlTower, writeReport: false });
  let templates = 0;
  try {
    templates = app.synth().stacksRecursively.length;
  } catch (e) {
    process.stderr.write(`synth failed (${controlTower ? 'with' : 'without'} Control Tower): ${String((e as Error).message).slice(0, 400)}\n`);
  }
  const cpu = process.cpuUsage(cpuStart);
  const timing = { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (cpu.user + cpu.system) / 1000, childCpu: childCpuMs() - childStart, templates };
  fs.rmSync(outdir, { recursive: true, force: true });
  return timing;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

timeOnce(false);
timeOnce(true);
const off: Timing[] = [];
const on: Timing[] = [];
for (let i = 0; i < runs; i++) {
  off.push(timeOnce(false));
  on.push(timeOnce(true));
}
const m = (xs: Timing[], k: keyof Timing) => median(xs.map((x) => x[k]));
console.log(`Prod stage synth with the readiness gate, ${runs} runs each (medians; ${off[0]?.templates ?? 0}/${on[0]?.templates ?? 0} templates synthesized without/with; node ${process.version}, ${os.cpus().length} CPUs)`);
console.log(`                       without CT   with CT     added`);
for (const [label, key] of [['wall', 'wall'], ['CPU (this process)', 'cpu'], ['CPU (cfn-guard)', 'childCpu']] as const) {
  console.log(`${label.padEnd(22)} ${fmt(m(off, key)).padStart(10)} ${fmt(m(on, key)).padStart(10)} ${fmt(m(on, key) - m(off, key)).padStart(10)}`);
}
const total = (xs: Timing[]) => median(xs.map((x) => x.cpu + x.childCpu));
console.log(`CPU total              ${fmt(total(off)).padStart(10)} ${fmt(total(on)).padStart(10)} ${fmt(total(on) - total(off)).padStart(10)}  (x${(total(on) / total(off)).toFixed(2)})`);
