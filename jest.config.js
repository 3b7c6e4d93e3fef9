/**
 * Type checking runs once in `npm test` (tsc --noEmit); jest only strips types. The transform is esbuild
 *   (test/helpers/esbuild-transform.js, inline source maps): ts-jest with isolatedModules also only
 *   transpiles, but loads the TypeScript compiler in every worker and is slower per file. Files that
 *   call jest.mock still go through ts-jest, which hoists the mocks above the imports.
 * - maxWorkers: jest's default is cores - 1, one worker on a 2-core machine; the main process only
 *   schedules, so two workers use both cores.
 * - testSequencer: slowest files first on a cold cache (test/helpers/slow-first-sequencer.js).
 * - silent: a passing run prints jest's summary and failures only, not the CloudFormation validation
 *   warnings that test fixtures trigger on purpose; `npx jest --silent=false <file>` shows them.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': '<rootDir>/test/helpers/esbuild-transform.js' },
  setupFiles: ['<rootDir>/test/helpers/quiet-env.ts'],
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/helpers/slow-first-sequencer.js',
  silent: true,
  testTimeout: 120000,
};
