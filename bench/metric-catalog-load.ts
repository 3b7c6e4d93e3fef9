/**
 * `npx ts-node --transpile-only bench/metric-catalog-load.ts`: how long Readiness-ALARM-METRIC-EXISTS
 * takes to load AWS's metric database (`@aws-cdk/aws-service-spec` db.json.gz) in a fresh process,
 * and how long a second call takes (it is loaded once per process).
 */
import { metricCatalog } from '../lib/aspects/analysis/metric-catalog';

const first = metricCatalog();
const started = process.hrtime.bigint();
const second = metricCatalog();
const secondMillis = Number(process.hrtime.bigint() - started) / 1e6;
let metrics = 0;
for (const m of first.namespaces.values()) metrics += m.size;
console.log(`first load: ${first.loadMillis.toFixed(0)} ms (${first.namespaces.size} namespaces, ${metrics} metrics with the supplement)`);
console.log(`second call: ${secondMillis.toFixed(2)} ms (loadMillis ${second.loadMillis})`);
