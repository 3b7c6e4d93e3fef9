#!/usr/bin/env node
/**
 * The `readiness` CLI entry (`readiness verify --stage prod`). Run through bin/readiness-cli.js,
 * which picks the compiled build or the TypeScript source.
 */
// The SDK's Node-version notice would break the one-line error contract; engines already states the Node range.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { main } from '../lib/verify/cli';

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progress: Boolean(process.stderr.isTTY) && !process.env.CI,
  debug: Boolean(process.env.READINESS_DEBUG),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`readiness: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
