/**
 * `node --cpu-prof bench/profile-gate.js <services> [packs]` (compiled by bench/compile.ts): builds the
 * generated app, synthesizes it once without the gate (warm), then evaluates the gate on its stage
 * (`evaluateReadiness`, no synth) so that a CPU profile shows the checks alone. `packs`: `readiness`
 * (default: the Readiness pack, its scope rules and the report) or `all` (with AwsSolutions and NIST);
 * `templates` as a third argument evaluates as the gate does in a synth, reading the written templates.
 * Summarize with bench/cpuprofile-summary.ts `<file> 40 evaluateReadiness`.
 */
import { App } from 'aws-cdk-lib';
import { evaluateReadiness } from '../lib/readiness/gate';
import { addServices } from './generated-app';

const services = Number(process.argv[2] ?? 200);
const all = process.argv[3] === 'all';
const templates = process.argv[4] === 'templates';
const app = new App();
const stage = addServices(app, services);
const assembly = app.synth();
const templatePaths = templates ? assembly.stacksRecursively.map((s) => s.templateFullPath) : undefined;
const start = process.cpuUsage();
evaluateReadiness(stage, { stage: 'prod', profiles: ['core'], writeReport: false, ...(all ? {} : { awsSolutions: false, nist: false }) }, { templatePaths });
const used = process.cpuUsage(start);
console.log(
  `evaluateReadiness on ${services} services (${all ? 'all packs' : 'Readiness'}${templates ? ', written templates' : ''}): ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
);
