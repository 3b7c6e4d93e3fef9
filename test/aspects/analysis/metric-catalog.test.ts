import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { metricCacheFile, metricCatalog, metricDatabaseRows, readMetricCache } from '../../../lib/aspects/analysis/metric-catalog';

describe('metric catalogue cache', () => {
  const fromDatabase = metricDatabaseRows(false);

  test('the cache file holds exactly what the database gives, and is named after the installed database', () => {
    const file = metricCacheFile();
    expect(file).toMatch(/node_modules[\\/]\.cache[\\/]readiness-stack[\\/]metric-catalog-[\w.-]+\.json$/);
    // The first call writes the cache when it is missing; the second reads it.
    metricDatabaseRows();
    expect(readMetricCache(file)).toEqual(fromDatabase);
    expect(metricDatabaseRows()).toEqual(fromDatabase);
    expect(fromDatabase.length).toBeGreaterThan(1000);
  });

  test('a malformed, truncated or missing cache file is ignored', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metric-cache-'));
    const bad = path.join(dir, 'bad.json');
    for (const content of ['{', '[]', '{"rows":1}', '[["AWS/SQS","ApproximateAgeOfOldestMessage",["QueueName"]]]', '[["AWS/SQS","X",[1],{}]]']) {
      fs.writeFileSync(bad, content);
      expect(readMetricCache(bad)).toBeUndefined();
    }
    expect(readMetricCache(path.join(dir, 'missing.json'))).toBeUndefined();
    expect(readMetricCache(undefined)).toBeUndefined();
    fs.writeFileSync(bad, JSON.stringify([['AWS/SQS', 'ApproximateAgeOfOldestMessage', ['QueueName'], {}]]));
    expect(readMetricCache(bad)).toEqual([['AWS/SQS', 'ApproximateAgeOfOldestMessage', ['QueueName'], {}]]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the catalogue built from the cache has the database metrics and the supplement', () => {
    const catalog = metricCatalog().namespaces;
    expect(catalog.get('AWS/SQS')?.get('ApproximateAgeOfOldestMessage')?.dimensionSets).toContainEqual(['QueueName']);
    expect(catalog.get('AWS/RDS')?.has('AuroraReplicaLag')).toBe(true);
    const [namespace, metric, names] = fromDatabase[0];
    expect(catalog.get(namespace)?.get(metric)?.dimensionSets).toContainEqual([...names].sort());
  });
});
