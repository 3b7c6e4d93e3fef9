#!/usr/bin/env node
'use strict';
// The `readiness` bin. A published package runs the compiled dist/bin/readiness.js; a fresh clone after
// `npm ci` has no dist/ (nothing builds it on install), so it runs the TypeScript source through ts-node,
// a dev dependency. A dist/ older than the sources is ignored when the sources can be run.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'bin', 'readiness.js');
const source = path.join(root, 'bin', 'readiness.ts');

function newestSourceMtime() {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else if (p.endsWith('.ts')) newest = Math.max(newest, stat.mtimeMs);
  };
  [source, path.join(root, 'lib', 'verify'), path.join(root, 'lib', 'readiness', 'types.ts')].forEach(visit);
  return newest;
}

function canTranspile() {
  if (!fs.existsSync(source)) return false;
  try {
    require.resolve('ts-node', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

const haveCompiled = fs.existsSync(compiled);
if (haveCompiled && (!canTranspile() || fs.statSync(compiled).mtimeMs >= newestSourceMtime())) {
  require(compiled);
} else if (canTranspile()) {
  require(require.resolve('ts-node', { paths: [root] })).register({
    transpileOnly: true,
    project: path.join(root, 'tsconfig.json'),
    compilerOptions: { module: 'commonjs', inlineSourceMap: false, sourceMap: false },
  });
  require(source);
} else {
  process.stderr.write('readiness: not built: run `npm run build` (or install the dev dependencies).\n');
  process.exitCode = 2;
}
