import * as fs from 'fs';
import * as path from 'path';

/** Loads every `*.spec.ts` of one rule area (a folder beside this file), in name order, into the calling test file. */
export function runSpecs(area: string): void {
  const dir = path.join(__dirname, area);
  const specs = fs.readdirSync(dir).filter((f) => f.endsWith('.spec.ts')).sort();
  if (specs.length === 0) throw new Error(`no *.spec.ts in ${dir}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const spec of specs) require(path.join(dir, spec));
}
