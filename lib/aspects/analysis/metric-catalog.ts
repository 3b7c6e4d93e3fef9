/**
 * Which metrics AWS publishes, in which namespace, with which dimension sets: AWS's own metric
 * database from `@aws-cdk/aws-service-spec` (db.json.gz, the data the CDK's code generation uses),
 * loaded once per process on first use, plus a small supplement for what that data set lacks
 * (Aurora cluster and RDS Proxy metrics, AWS WAF) and the dimension values AWS enumerates.
 *
 * Loading the database costs about 0.6-0.8 s of CPU (gunzip, JSON, the database's indexes) in every
 * process that checks an alarm. What the catalogue takes from it (namespace, metric, dimension names,
 * pinned values) is therefore also kept in `node_modules/.cache/readiness-stack/`, next to the package,
 * under a name made of the package's version and the database file's size and modification time:
 * a later process reads that small file instead (a few ms). A missing, unreadable or malformed cache
 * file is ignored (the database is loaded); a cache that cannot be written is skipped silently.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Dimension sets of one metric: each a sorted list of dimension names, plus values the data set pins. */
export interface MetricSpec {
  readonly dimensionSets: readonly (readonly string[])[];
  /** Values a dimension must take in every set that names it, e.g. CloudFront `Region=Global`. */
  readonly pinnedValues: Readonly<Record<string, readonly string[]>>;
}

export interface MetricCatalog {
  /** namespace -> metric name -> its dimension sets. */
  readonly namespaces: ReadonlyMap<string, ReadonlyMap<string, MetricSpec>>;
  /** Milliseconds spent reading the database (0 when it was already loaded). */
  readonly loadMillis: number;
}

interface Supplement {
  readonly namespace: string;
  readonly metrics: readonly string[];
  readonly dimensionSets: readonly (readonly string[])[];
  /** Where AWS documents it. */
  readonly source: string;
}

const AURORA_DIMENSIONS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html';
const AURORA_METRICS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html';
const PROXY_METRICS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.monitoring.html';
const WAF_METRICS = 'https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html';

/** Aurora's cluster- and instance-level dimension sets, for every AWS/RDS metric the data set lists too. */
const AURORA_SETS = [['DBClusterIdentifier'], ['DBClusterIdentifier', 'Role'], ['DBInstanceIdentifier'], ['DatabaseClass'], ['EngineName'], []];

/**
 * What `@aws-cdk/aws-service-spec` lacks (it lists 11 AWS/RDS metrics, no RDS Proxy metric and no
 * AWS/WAFV2 namespace), from the AWS documentation named in `source`. Kept small on purpose.
 */
export const METRIC_SUPPLEMENT: readonly Supplement[] = [
  {
    namespace: 'AWS/RDS',
    metrics: [
      'AuroraReplicaLag', 'AuroraReplicaLagMaximum', 'AuroraReplicaLagMinimum', 'BufferCacheHitRatio', 'CommitLatency', 'CommitThroughput',
      'Deadlocks', 'DiskQueueDepth', 'EngineUptime', 'FreeLocalStorage', 'MaximumUsedTransactionIDs', 'NetworkThroughput', 'ReplicationSlotDiskUsage',
      'SwapUsage', 'TransactionLogsDiskUsage', 'VolumeBytesUsed', 'ACUUtilization', 'ServerlessDatabaseCapacity', 'DBLoad', 'DBLoadCPU', 'DBLoadNonCPU',
    ],
    dimensionSets: AURORA_SETS,
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // Aurora Global Database: per cluster, optionally split by the primary's Region.
    metrics: ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag', 'AuroraGlobalDBProgressLag', 'AuroraGlobalDBReplicatedWriteIO', 'AuroraGlobalDBDataTransferBytes'],
    dimensionSets: [['DBClusterIdentifier'], ['DBClusterIdentifier', 'SourceRegion'], ['SourceRegion']],
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // Client-side proxy metrics: dimension sets 1 (ProxyName) and 2 (ProxyName, EndpointName).
    metrics: [
      'ClientConnections', 'ClientConnectionsClosed', 'ClientConnectionsNoTLS', 'ClientConnectionsReceived', 'ClientConnectionsSetupFailedAuth',
      'ClientConnectionsSetupSucceeded', 'ClientConnectionsTLS', 'QueryRequests', 'QueryRequestsNoTLS', 'QueryRequestsTLS', 'QueryResponseLatency',
    ],
    dimensionSets: [['ProxyName'], ['EndpointName', 'ProxyName']],
    source: PROXY_METRICS,
  },
  {
    namespace: 'AWS/RDS',
    // Database-side proxy metrics: sets 1, 3 (ProxyName, TargetGroup, Target) and 4 (ProxyName, TargetGroup, TargetRole).
    metrics: [
      'DatabaseConnectionRequests', 'DatabaseConnectionRequestsWithTLS', 'DatabaseConnections', 'DatabaseConnectionsBorrowLatency',
      'DatabaseConnectionsCurrentlyBorrowed', 'DatabaseConnectionsCurrentlyInTransaction', 'DatabaseConnectionsCurrentlySessionPinned',
      'DatabaseConnectionsSetupFailed', 'DatabaseConnectionsSetupSucceeded', 'DatabaseConnectionsWithTLS', 'MaxDatabaseConnectionsAllowed', 'QueryDatabaseResponseLatency',
    ],
    dimensionSets: [['ProxyName'], ['ProxyName', 'Target', 'TargetGroup'], ['ProxyName', 'TargetGroup', 'TargetRole']],
    source: PROXY_METRICS,
  },
  {
    namespace: 'AWS/RDS',
    metrics: ['AvailabilityPercentage'],
    dimensionSets: [['ProxyName', 'Target', 'TargetGroup'], ['ProxyName', 'TargetGroup', 'TargetRole']],
    source: PROXY_METRICS,
  },
  {
    namespace: 'AWS/WAFV2',
    metrics: ['AllowedRequests', 'BlockedRequests', 'CountedRequests', 'PassedRequests', 'CaptchaRequests', 'ChallengeRequests', 'RequestsWithValidCaptchaToken', 'RequestsWithValidChallengeToken'],
    // Region is given for regional web ACLs and left out for CloudFront's.
    dimensionSets: [['Region', 'Rule', 'WebACL'], ['Rule', 'WebACL'], ['Region', 'Rule', 'RuleGroup'], ['Rule', 'RuleGroup']],
    source: WAF_METRICS,
  },
];

/**
 * Dimension values AWS enumerates. A literal value outside the list names a metric that never has
 * data. (RDS Proxy publishes `READWRITE`, not the API's `READ_WRITE`; it has one target group, `default`.)
 */
export const ENUMERATED_VALUES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'AWS/RDS': { Role: ['WRITER', 'READER'], TargetRole: ['READWRITE', 'READ_ONLY'], TargetGroup: ['default'] },
  'AWS/CloudFront': { Region: ['Global'] },
};

/** Dimension values that must match a pattern (a region code, not a name or an ARN). */
export const PATTERNED_VALUES: Readonly<Record<string, Readonly<Record<string, RegExp>>>> = {
  'AWS/WAFV2': { Region: /^[a-z]{2}(-[a-z]+)+-\d$/ },
};

let catalog: { namespaces: Map<string, Map<string, { sets: Map<string, string[]>; pinned: Record<string, Set<string>> }>> } | undefined;
let lastLoadMillis = 0;

function addSet(ns: Map<string, Map<string, { sets: Map<string, string[]>; pinned: Record<string, Set<string>> }>>, namespace: string, metric: string, names: readonly string[], pinned: Record<string, string> = {}) {
  const metrics = ns.get(namespace) ?? new Map();
  ns.set(namespace, metrics);
  const spec = metrics.get(metric) ?? { sets: new Map<string, string[]>(), pinned: {} };
  metrics.set(metric, spec);
  const sorted = [...names].sort();
  spec.sets.set(sorted.join(','), sorted);
  for (const [name, value] of Object.entries(pinned)) (spec.pinned[name] ??= new Set()).add(value);
}

/** One metric's dimension set from the database: namespace, metric name, dimension names, pinned values. */
export type MetricDatabaseRow = [string, string, string[], Record<string, string>];

/** Bumped when the cache file's content changes shape. */
const CACHE_FORMAT = 1;

function isRow(x: unknown): x is MetricDatabaseRow {
  return (
    Array.isArray(x) && x.length === 4 && typeof x[0] === 'string' && typeof x[1] === 'string' &&
    Array.isArray(x[2]) && x[2].every((n) => typeof n === 'string') &&
    !!x[3] && typeof x[3] === 'object' && !Array.isArray(x[3]) && Object.values(x[3]).every((v) => typeof v === 'string')
  );
}

/** The cache file for the installed database, or undefined when it is not in a node_modules folder. */
export function metricCacheFile(): string | undefined {
  try {
    const pkg = require.resolve('@aws-cdk/aws-service-spec/package.json');
    const dir = path.dirname(pkg);
    const modules = path.resolve(dir, '..', '..');
    if (path.basename(modules) !== 'node_modules') return undefined;
    const version = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
    const db = fs.statSync(path.join(dir, 'db.json.gz'));
    const key = `${version}-${db.size}-${Math.round(db.mtimeMs)}-f${CACHE_FORMAT}`.replace(/[^A-Za-z0-9._-]/g, '_');
    return path.join(modules, '.cache', 'readiness-stack', `metric-catalog-${key}.json`);
  } catch {
    return undefined;
  }
}

/** The rows of a cache file; undefined when it is missing, unreadable or malformed. */
export function readMetricCache(file: string | undefined): MetricDatabaseRow[] | undefined {
  if (!file) return undefined;
  try {
    const rows = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(rows) && rows.length > 0 && rows.every(isRow) ? rows : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string | undefined, rows: MetricDatabaseRow[]): void {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed, so that a concurrent process never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify(rows));
    fs.renameSync(partial, file);
  } catch {
    // a read-only node_modules: every process loads the database
  }
}

/** Every (metric, dimension set) of the database, from the cache file when it has them (unless `cache` is false). */
export function metricDatabaseRows(cache = true): MetricDatabaseRow[] {
  const file = cache ? metricCacheFile() : undefined;
  const cached = readMetricCache(file);
  if (cached) return cached;
  // Loaded only here: the package's module and its database cost nothing when the cache answers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec') as typeof import('@aws-cdk/aws-service-spec');
  const db = loadAwsServiceSpecSync();
  const rows: MetricDatabaseRow[] = [];
  for (const metric of db.all('metric')) {
    for (const { entity } of db.follow('usesDimensionSet', metric)) {
      const pinned: Record<string, string> = {};
      for (const d of entity.dimensions) if (d.value !== undefined) pinned[d.name] = d.value;
      rows.push([metric.namespace, metric.name, entity.dimensions.map((d) => d.name), pinned]);
    }
  }
  writeCache(file, rows);
  return rows;
}

/**
 * The catalogue, loaded on first call and kept for the process (from the database about 0.8 s on an idle core, 1.5 s on a busy one:
 * gunzip, JSON and the database's indexes; from the cache file a few ms; `bench/metric-catalog-load.ts` measures both).
 */
export function metricCatalog(): MetricCatalog {
  if (!catalog) {
    const started = process.hrtime.bigint();
    const namespaces = new Map<string, Map<string, { sets: Map<string, string[]>; pinned: Record<string, Set<string>> }>>();
    for (const [namespace, metric, names, pinned] of metricDatabaseRows()) addSet(namespaces, namespace, metric, names, pinned);
    // Aurora's cluster dimension sets apply to the RDS metrics the data set lists (CPUUtilization, ...).
    for (const name of [...(namespaces.get('AWS/RDS')?.keys() ?? [])]) for (const set of AURORA_SETS) addSet(namespaces, 'AWS/RDS', name, set);
    for (const s of METRIC_SUPPLEMENT) {
      for (const m of s.metrics) for (const set of s.dimensionSets) addSet(namespaces, s.namespace, m, set);
    }
    catalog = { namespaces };
    lastLoadMillis = Number(process.hrtime.bigint() - started) / 1e6;
    return { namespaces: view(), loadMillis: lastLoadMillis };
  }
  return { namespaces: view(), loadMillis: 0 };
}

let viewCache: Map<string, Map<string, MetricSpec>> | undefined;
function view(): ReadonlyMap<string, ReadonlyMap<string, MetricSpec>> {
  if (viewCache) return viewCache;
  viewCache = new Map();
  for (const [ns, metrics] of catalog!.namespaces) {
    const m = new Map<string, MetricSpec>();
    for (const [name, spec] of metrics) {
      m.set(name, {
        dimensionSets: [...spec.sets.values()],
        pinnedValues: Object.fromEntries(Object.entries(spec.pinned).map(([k, v]) => [k, [...v]])),
      });
    }
    viewCache.set(ns, m);
  }
  return viewCache;
}

/** How long the first load took in this process (0 before it). */
export function metricCatalogLoadMillis(): number {
  return lastLoadMillis;
}
