/**
 * Jest transform: TypeScript to CommonJS with esbuild, with an inline source map so that stack traces
 * point at the .ts lines. It only strips types, like ts-jest with `isolatedModules`: type checking is
 * `tsc --noEmit` in `npm test`. esbuild's transform API needs no native binary beyond the one it ships.
 */
const crypto = require('crypto');
const { transformSync } = require('esbuild');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  sourcemap: 'inline',
  sourcesContent: true,
  // Matches tsconfig: experimentalDecorators, and class fields defined like tsc does for ES2022.
  tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
};
const VERSION = `${require('esbuild/package.json').version}:${JSON.stringify(OPTIONS)}`;

/**
 * esbuild does not hoist `jest.mock(...)` above the imports the way ts-jest does: a file that mocks a
 * module goes through ts-jest (loaded only then), so its mocks apply whatever the order of its imports.
 */
const MOCKS = /\bjest\s*\.\s*(mock|unmock|enableAutomock|disableAutomock)\s*\(/;
let tsJest;

module.exports = {
  process(source, filename, options) {
    if (MOCKS.test(source)) {
      tsJest ??= require('ts-jest').default.createTransformer();
      return tsJest.process(source, filename, options);
    }
    const { code } = transformSync(source, { ...OPTIONS, sourcefile: filename, loader: filename.endsWith('.tsx') ? 'tsx' : 'ts' });
    return { code };
  },
  getCacheKey(source, filename, options) {
    if (MOCKS.test(source)) {
      tsJest ??= require('ts-jest').default.createTransformer();
      return `ts-jest:${tsJest.getCacheKey(source, filename, options)}`;
    }
    return crypto.createHash('sha1').update(VERSION).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
