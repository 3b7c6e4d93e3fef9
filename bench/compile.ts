/**
 * Compiles the library, the app and the benchmarks to plain JavaScript (esbuild, one file per source,
 * no bundling: the module layout and load cost of the published `dist/`) under
 * `node_modules/.cache/readiness-bench`, so that whole-process benchmarks run `node` on compiled code
 * the way a user's app loads the installed package, without a TypeScript loader in the measurement.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..');
export const COMPILED = path.join(ROOT, 'node_modules', '.cache', 'readiness-bench');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Compiles lib/, bin/ and bench/ and returns the output folder (the repo's layout below it). */
export function compile(): string {
  fs.rmSync(COMPILED, { recursive: true, force: true });
  buildSync({
    entryPoints: ['lib', 'bin', 'bench'].flatMap(sources).map((f) => path.join(ROOT, f)),
    outbase: ROOT,
    outdir: COMPILED,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(COMPILED, 'package.json'));
  return COMPILED;
}

if (require.main === module) console.log(compile());
