#!/usr/bin/env node
/**
 * `npm run guard`: fails when a synthesized stateful resource would be replaced or removed compared
 * with the committed baseline (baseline/<stage>/<stack>.template.json: the stateful resources of each
 * stack that has any, nothing else).
 *
 *   npm run guard                              synthesize every stage and compare
 *   npm run guard -- --assembly cdk.out        compare an existing cloud assembly (CI, after cdk synth)
 *   npm run guard -- --accept                  write the synthesized templates as the new baseline
 *   --baseline <dir>                           baseline folder (default: baseline)
 *   -c stage=prod                              synthesize one stage only
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { findStatefulRisks, GuardFinding, statefulView } from '../lib/readiness/recovery/stateful-guard';

interface Options {
  readonly accept: boolean;
  readonly assembly?: string;
  readonly baseline: string;
  readonly stage?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const context = argv.flatMap((a, i) => (a === '-c' || a === '--context' ? [argv[i + 1]] : []));
  const stage = context.find((c) => c?.startsWith('stage='))?.slice('stage='.length);
  return { accept: argv.includes('--accept'), assembly: value('--assembly'), baseline: value('--baseline') ?? 'baseline', stage };
}

/** Stage folder of a stack: its top-level construct (the stage), lowercased; `app` for stacks outside a stage. */
function stageOf(artifact: cxapi.CloudFormationStackArtifact): string {
  const first = artifact.hierarchicalId.split('/')[0];
  return artifact.hierarchicalId.includes('/') ? first.toLowerCase() : 'app';
}

function synthesize(stage: string | undefined): cxapi.CloudAssembly {
  // Deferred so that `--assembly` does not load the app.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp } = require('../bin/app') as typeof import('../bin/app');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true, ...(stage ? { stage } : {}) } });
  buildApp(app);
  return app.synth();
}

/** Every stack template of the assembly, keyed by `<stage>/<stackName>`. */
export function templatesOf(assembly: cxapi.CloudAssembly): Map<string, any> {
  const out = new Map<string, any>();
  for (const artifact of assembly.stacksRecursively) out.set(`${stageOf(artifact)}/${artifact.stackName}`, artifact.template);
  return out;
}

function readBaseline(dir: string, stages: ReadonlySet<string>): Map<string, any> {
  const out = new Map<string, any>();
  for (const stage of stages) {
    const folder = path.join(dir, stage);
    if (!fs.existsSync(folder)) continue;
    for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.template.json'))) {
      out.set(`${stage}/${file.replace(/\.template\.json$/, '')}`, JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')));
    }
  }
  return out;
}

export function runGuard(argv: readonly string[]): number {
  const options = parseArgs(argv);
  const assembly = options.assembly ? new cxapi.CloudAssembly(options.assembly) : synthesize(options.stage);
  const current = templatesOf(assembly);
  const stages = new Set([...current.keys()].map((k) => k.split('/')[0]));

  if (options.accept) {
    for (const stage of stages) {
      const folder = path.join(options.baseline, stage);
      fs.rmSync(folder, { recursive: true, force: true });
      fs.mkdirSync(folder, { recursive: true });
    }
    let written = 0;
    for (const [key, template] of current) {
      const view = statefulView(template);
      if (Object.keys(view.Resources ?? {}).length === 0) continue;
      fs.writeFileSync(path.join(options.baseline, `${key}.template.json`), JSON.stringify(view, undefined, 1) + '\n');
      written++;
    }
    console.log(`guard: baseline updated for ${[...stages].join(', ')} (${written} of ${current.size} stacks hold stateful resources) in ${options.baseline}/`);
    return 0;
  }

  const baseline = readBaseline(options.baseline, stages);
  if (baseline.size === 0) {
    console.error(`guard: no baseline in ${options.baseline}/ for ${[...stages].join(', ')}; run \`npm run guard -- --accept\` and commit it.`);
    return 1;
  }
  const findings: GuardFinding[] = [];
  for (const [key, old] of baseline) findings.push(...findStatefulRisks(key, old, current.get(key) ?? { Resources: {} }));
  const added = [...current.keys()].filter((k) => !baseline.has(k) && Object.keys(statefulView(current.get(k)).Resources ?? {}).length > 0);
  if (added.length > 0) console.log(`guard: stacks with stateful resources but no baseline (not checked): ${added.join(', ')}`);

  if (findings.length === 0) {
    console.log(`guard: no stateful resource is replaced or removed (${baseline.size} stacks compared with ${options.baseline}/).`);
    return 0;
  }
  console.error(`guard: ${findings.length} stateful resource(s) would be replaced or removed:`);
  for (const f of findings) console.error(`  - ${f.message}`);
  console.error('If this is intended (data migrated or disposable), run `npm run guard -- --accept` and commit the new baseline.');
  return 1;
}

if (require.main === module) {
  process.exitCode = runGuard(process.argv.slice(2));
}
