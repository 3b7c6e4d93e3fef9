/**
 * Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles (isolatedModules).
 * - maxWorkers: jest's default is cores - 1, one worker on a 2-core machine; the main process only
 *   schedules, so two workers use both cores.
 * - silent: a passing run prints jest's summary and failures only, not the CloudFormation validation
 *   warnings that test fixtures trigger on purpose; `npx jest --silent=false <file>` shows them.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/helpers/quiet-env.ts'],
  maxWorkers: 2,
  silent: true,
  testTimeout: 120000,
};
