/**
 * The rule tests of lib/aspects/rules/dr/, one `*.spec.ts` per rule file, run in one test file: jest gives
 * every test file its own module registry, and loading cdk-nag and aws-cdk-lib again for each rule's tests
 * cost about 0.35 s of CPU per file. One rule's tests: `npx jest test/aspects/rules/dr.test.ts -t '<rule ID>'`.
 */
import { runSpecs } from './run-specs';

runSpecs('dr');
