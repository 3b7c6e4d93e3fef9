/**
 * Runs before every test file.
 * - The AWS SDK warns once per process that its releases after January 2027 need Node.js 22; the
 *   warning says nothing about the code under test, so the suite turns it off.
 * - CDK's built-in CloudFormation validation (a WASM engine, started once per test file) runs on every
 *   `app.synth()` and costs about 7 s of CPU on the prod stage, more than building it. Its findings are
 *   warnings that no unit test reads; test/stacks/cloudformation-validation.test.ts keeps it on for the
 *   shipped stages, and nothing turns it off for the real `cdk synth` (CI, test/readiness/cli-synth.e2e.test.ts).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_VALIDATION = 'false';
