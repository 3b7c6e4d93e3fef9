/**
 * `npx ts-node --transpile-only bench/cpuprofile-summary.ts <file.cpuprofile> [top]`: the functions with
 * the most self time and the most total time (inclusive, each function counted once per sample) in a
 * V8 CPU profile written by `node --cpu-prof`. A third argument keeps only the samples under a function
 * whose name starts with it (`evaluateReadiness`, `validateScope`).
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** `under`: count only samples with a frame whose name starts with it (e.g. `evaluateReadiness`). */
export function summarize(file: string, top = 25, under?: string): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => {
    const f = n.callFrame;
    const url = f.url.replace(/^file:\/\//, '');
    const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : path.relative(process.cwd(), url) || url;
    return `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    let node = byId.get(id);
    if (!node) return;
    if (under) {
      let n: ProfileNode | undefined = node;
      while (n && !n.callFrame.functionName.startsWith(under)) n = parent.has(n.id) ? byId.get(parent.get(n.id)!) : undefined;
      if (!n) return;
    }
    all += dt;
    self.set(name(node), (self.get(name(node)) ?? 0) + dt);
    const seen = new Set<string>();
    while (node) {
      const key = name(node);
      if (!seen.has(key)) {
        seen.add(key);
        total.set(key, (total.get(key) ?? 0) + dt);
      }
      const p = parent.get(node.id);
      node = p === undefined ? undefined : byId.get(p);
    }
  });
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${v.toFixed(0).padStart(7)} ms ${((100 * v) / all).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `profile ${all.toFixed(0)} ms\nself time:\n${rows(self)}\ntotal time:\n${rows(total)}\n`;
}

if (require.main === module) process.stdout.write(summarize(process.argv[2], Number(process.argv[3] ?? 25), process.argv[4]));
