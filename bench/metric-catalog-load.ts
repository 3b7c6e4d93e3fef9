/**
 * `npx ts-node --transpile-only bench/metric-catalog-load.ts`: how long Readiness-ALARM-METRIC-EXISTS
 * takes to load AWS's metric database (`@aws-cdk/aws-service-spec` db.json.gz) in a fresh process,
 * from the database itself and from the cache file the first load writes, and how long a second call
 * takes (the catalogue is kept per process).
 */
import { metricCacheFile, metricCatalog, metricDatabaseRows } from '../lib/aspects/analysis/metric-catalog';

const cpuMs = (fn: () => unknown) => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

const database = cpuMs(() => metricDatabaseRows(false));
const cache = cpuMs(() => metricDatabaseRows());
const first = metricCatalog();
const started = process.hrtime.bigint();
const second = metricCatalog();
const secondMillis = Number(process.hrtime.bigint() - started) / 1e6;
let metrics = 0;
for (const m of first.namespaces.values()) metrics += m.size;
console.log(`database rows from db.json.gz: ${database.toFixed(0)} ms CPU; from the cache file (${metricCacheFile() ?? 'none'}): ${cache.toFixed(0)} ms CPU`);
console.log(`first catalogue: ${first.loadMillis.toFixed(0)} ms (${first.namespaces.size} namespaces, ${metrics} metrics with the supplement)`);
console.log(`second call: ${secondMillis.toFixed(2)} ms (loadMillis ${second.loadMillis})`);
