/** Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles (isolatedModules). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  testTimeout: 120000,
};
