/**
 * The verify entry points the library's main module exports, loaded on first call: `verifyReport` and
 * `sdkClients` pull in the AWS SDK clients (about 0.5 s of CPU), which an app that only synthesizes with
 * the gate never needs. Same signatures as lib/verify/verify.ts and lib/verify/cli.ts.
 */
import type * as cli from './cli';
import type * as verify from './verify';

/* eslint-disable @typescript-eslint/no-require-imports */
export const verifyReport: typeof verify.verifyReport = (...args) => (require('./verify') as typeof verify).verifyReport(...args);
export const sdkClients: typeof cli.sdkClients = (...args) => (require('./cli') as typeof cli).sdkClients(...args);
