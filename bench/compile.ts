/**
 * Compiles the library, the app and the benchmarks to plain JavaScript (esbuild, one file per source,
 * no bundling: the module layout and load cost of the published `dist/`) under
 * `node_modules/.cache/readiness-bench`, so that whole-process benchmarks run `node` on compiled code
 * the way a user's app loads the installed package, without a TypeScript loader in the measurement.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..');
export const COMPILED = path.join(ROOT, 'node_modules', '.cache', 'readiness-bench');

function sources(root: string, dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(root, rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/**
 * Compiles lib/, bin/ and bench/ and returns the output folder (the repo's layout below it). With a git
 * `ref`, lib/ and bin/ are that commit's (the benchmarks stay the current ones), for before/after runs.
 */
export function compile(ref?: string): string {
  const out = ref ? `${COMPILED}-${ref.replace(/[^A-Za-z0-9._-]/g, '_')}` : COMPILED;
  let root = ROOT;
  if (ref) {
    root = `${out}-src`;
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${JSON.stringify(ref)} lib bin | tar -x -C ${JSON.stringify(root)}`], { cwd: ROOT, stdio: 'inherit' });
    fs.cpSync(path.join(ROOT, 'bench'), path.join(root, 'bench'), { recursive: true });
  }
  fs.rmSync(out, { recursive: true, force: true });
  buildSync({
    entryPoints: ['lib', 'bin', 'bench'].flatMap((d) => sources(root, d)).map((f) => path.join(root, f)),
    outbase: root,
    outdir: out,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  return out;
}

if (require.main === module) console.log(compile(process.argv[2]));
