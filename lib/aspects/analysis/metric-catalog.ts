/**
 * Which metrics AWS publishes, in which namespace, with which dimension sets: AWS's own metric
 * database from `@aws-cdk/aws-service-spec` (db.json.gz, the data the CDK's code generation uses),
 * loaded once per process on first use, plus a small supplement for what that data set lacks
 * (Aurora instance, cluster and Performance Insights metrics, RDS Proxy, AWS WAF) and the dimension
 * values AWS enumerates.
 *
 * The supplement was reviewed line by line against the AWS pages named in each entry's `source`
 * (metric names, dimension sets, dimension values). Where a page does not state a fact the entry
 * relies on, the entry says so in a comment: such a fact is kept because an AWS page describes it in
 * general terms, never because it was guessed.
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
  /**
   * Values a dimension must take in every set that names it, e.g. CloudFront `Region=Global`, or
   * Aurora `Role=WRITER` for a metric AWS publishes for the primary instance only.
   */
  readonly pinnedValues: Readonly<Record<string, readonly string[]>>;
}

export interface MetricCatalog {
  /** namespace -> metric name -> its dimension sets. */
  readonly namespaces: ReadonlyMap<string, ReadonlyMap<string, MetricSpec>>;
  /** Milliseconds spent reading the database (0 when it was already loaded). */
  readonly loadMillis: number;
}

export interface Supplement {
  readonly namespace: string;
  readonly metrics: readonly string[];
  /** Dimension sets added to each metric (merged with the sets AWS's database already lists for it). */
  readonly dimensionSets: readonly (readonly string[])[];
  /** Values a dimension takes for these metrics, narrower than {@link ENUMERATED_VALUES}. */
  readonly pinnedValues?: Readonly<Record<string, readonly string[]>>;
  /** The AWS documentation pages the entry was checked against (` ; `-separated). */
  readonly source: string;
}

const AURORA_METRICS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html';
const AURORA_DIMENSIONS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html';
const AURORA_ALARMS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html';
const RDS_DIMENSIONS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/dimensions.html';
const PI_METRICS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.Cloudwatch.html';
const PROXY_METRICS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.monitoring.html';
const PROXY_DASHBOARD = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-monitoring-dashboard.html';
const PROXY_TARGET_GROUP = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbproxytargetgroup.html';
const WAF_METRICS = 'https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html';

/**
 * How AWS/RDS aggregates an Aurora (or RDS) *instance-level* metric: per instance, per cluster, per
 * cluster and instance role (WRITER/READER), per instance class, per engine and per source Region
 * (dimensions pages). The role sets are the ones AWS recommends alarming on (creating_alarms).
 * `[]` (the account-wide aggregate) is not named on any of the pages checked: kept unconfirmed.
 */
const AURORA_INSTANCE_SETS = [['DBInstanceIdentifier'], ['DBClusterIdentifier'], ['DBClusterIdentifier', 'Role'], ['DatabaseClass'], ['EngineName'], ['SourceRegion'], []];
/**
 * An Aurora *cluster-level* metric (the metrics page's "Cluster-level metrics" table) describes the
 * cluster or its volume: it has no instance and no instance role, so `DBInstanceIdentifier` and
 * `DBClusterIdentifier, Role` alarms on it never get data.
 */
const AURORA_CLUSTER_SETS = [['DBClusterIdentifier']];

/**
 * What `@aws-cdk/aws-service-spec` lacks (it lists 11 AWS/RDS metrics, each only by
 * `DBInstanceIdentifier` and `DBClusterIdentifier`, no RDS Proxy metric and no AWS/WAFV2 namespace),
 * from the AWS documentation named in `source`. An entry naming a metric the database already lists
 * adds to its sets. Kept small on purpose: a metric missing here is a finding, never a pass.
 */
export const METRIC_SUPPLEMENT: readonly Supplement[] = [
  {
    namespace: 'AWS/RDS',
    // The database's own RDS metrics that are Aurora instance-level metrics too (all nine are in the
    // metrics page's instance-level table): add the role, class, engine and Region aggregates.
    metrics: ['CPUUtilization', 'DatabaseConnections', 'FreeableMemory', 'ReadIOPS', 'ReadLatency', 'ReadThroughput', 'WriteIOPS', 'WriteLatency', 'WriteThroughput'],
    dimensionSets: AURORA_INSTANCE_SETS,
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS} ; ${AURORA_ALARMS}`,
  },
  {
    namespace: 'AWS/RDS',
    // An RDS (not Aurora) instance metric: Aurora reports FreeLocalStorage instead and has no Role for
    // it. The RDS dimensions page lists DatabaseClass, EngineName and SourceRegion; `[]` unconfirmed.
    metrics: ['FreeStorageSpace'],
    dimensionSets: [['DatabaseClass'], ['EngineName'], ['SourceRegion'], []],
    source: RDS_DIMENSIONS,
  },
  {
    namespace: 'AWS/RDS',
    // Aurora instance-level metrics that apply to every instance (writer and readers).
    metrics: [
      'BufferCacheHitRatio', 'CommitLatency', 'CommitThroughput', 'Deadlocks', 'DiskQueueDepth', 'EngineUptime', 'FreeLocalStorage',
      'MaximumUsedTransactionIDs', 'NetworkThroughput', 'ReplicationSlotDiskUsage', 'SwapUsage',
    ],
    dimensionSets: AURORA_INSTANCE_SETS,
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // "Applies to: Replica": a writer has no replica lag of its own, so Role=WRITER never has data.
    metrics: ['AuroraReplicaLag'],
    dimensionSets: AURORA_INSTANCE_SETS,
    pinnedValues: { Role: ['READER'] },
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // "Applies to: Primary": reported by the writer (the lag of its replicas), so Role=READER never has data.
    metrics: ['AuroraReplicaLagMaximum', 'AuroraReplicaLagMinimum', 'TransactionLogsDiskUsage'],
    dimensionSets: AURORA_INSTANCE_SETS,
    pinnedValues: { Role: ['WRITER'] },
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // Aurora Serverless: the metrics page lists ServerlessDatabaseCapacity as cluster-level and
    // ACUUtilization as instance-level; AWS's database lists ServerlessDatabaseCapacity by
    // DBInstanceIdentifier (Serverless v2 instances). Both levels for both metrics: ACUUtilization
    // at cluster level is not stated on a page checked (unconfirmed).
    metrics: ['ACUUtilization', 'ServerlessDatabaseCapacity'],
    dimensionSets: AURORA_INSTANCE_SETS,
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // Cluster-volume metrics. The dimensions page's `DbClusterIdentifier, EngineName` set (spelled so
    // there) is illustrated with VolumeReadIOPs; it is applied to the other two volume metrics by
    // analogy (unconfirmed for them).
    metrics: ['VolumeBytesUsed', 'VolumeReadIOPs', 'VolumeWriteIOPs'],
    dimensionSets: [...AURORA_CLUSTER_SETS, ['DbClusterIdentifier', 'EngineName']],
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // Aurora Global Database: cluster-level, published for the secondary cluster. `SourceRegion` is
    // on the dimensions page; the `DBClusterIdentifier, SourceRegion` pair is not (Neptune documents
    // it for its global databases): unconfirmed for Aurora.
    metrics: ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag', 'AuroraGlobalDBProgressLag', 'AuroraGlobalDBReplicatedWriteIO', 'AuroraGlobalDBDataTransferBytes'],
    dimensionSets: [...AURORA_CLUSTER_SETS, ['DBClusterIdentifier', 'SourceRegion'], ['SourceRegion']],
    source: `${AURORA_METRICS} ; ${AURORA_DIMENSIONS}`,
  },
  {
    namespace: 'AWS/RDS',
    // Performance Insights metrics: published per DB instance (only while it has load); the page shows
    // them by DBInstanceIdentifier and names no cluster or role aggregate, so a cluster-level alarm on
    // them is a finding.
    metrics: ['DBLoad', 'DBLoadCPU', 'DBLoadNonCPU', 'DBLoadRelativeToNumVCPUs'],
    dimensionSets: [['DBInstanceIdentifier']],
    source: PI_METRICS,
  },
  {
    namespace: 'AWS/RDS',
    // RDS Proxy dimension sets 1 (ProxyName) and 2 (ProxyName, EndpointName): client-side metrics,
    // and DatabaseConnectionsBorrowLatency, which the page lists with sets 1 and 2 (not 3 and 4).
    metrics: [
      'ClientConnections', 'ClientConnectionsClosed', 'ClientConnectionsNoTLS', 'ClientConnectionsReceived', 'ClientConnectionsSetupFailedAuth',
      'ClientConnectionsSetupSucceeded', 'ClientConnectionsTLS', 'QueryRequests', 'QueryRequestsNoTLS', 'QueryRequestsTLS', 'QueryResponseLatency',
      'DatabaseConnectionsBorrowLatency',
    ],
    dimensionSets: [['ProxyName'], ['EndpointName', 'ProxyName']],
    source: PROXY_METRICS,
  },
  {
    namespace: 'AWS/RDS',
    // RDS Proxy database-side metrics: sets 1, 3 (ProxyName, TargetGroup, Target) and 4 (ProxyName, TargetGroup, TargetRole).
    metrics: [
      'DatabaseConnectionRequests', 'DatabaseConnectionRequestsWithTLS', 'DatabaseConnections', 'DatabaseConnectionsCurrentlyBorrowed',
      'DatabaseConnectionsCurrentlyInTransaction', 'DatabaseConnectionsCurrentlySessionPinned', 'DatabaseConnectionsSetupFailed',
      'DatabaseConnectionsSetupSucceeded', 'DatabaseConnectionsWithTLS', 'MaxDatabaseConnectionsAllowed',
    ],
    dimensionSets: [['ProxyName'], ['ProxyName', 'Target', 'TargetGroup'], ['ProxyName', 'TargetGroup', 'TargetRole']],
    source: PROXY_METRICS,
  },
  {
    namespace: 'AWS/RDS',
    // The one proxy metric the page lists with all four sets.
    metrics: ['QueryDatabaseResponseLatency'],
    dimensionSets: [['ProxyName'], ['EndpointName', 'ProxyName'], ['ProxyName', 'Target', 'TargetGroup'], ['ProxyName', 'TargetGroup', 'TargetRole']],
    source: PROXY_METRICS,
  },
  {
    namespace: 'AWS/RDS',
    // "available in the role indicated by the dimension": set 4 only (a target role, not a target).
    metrics: ['AvailabilityPercentage'],
    dimensionSets: [['ProxyName', 'TargetGroup', 'TargetRole']],
    source: `${PROXY_METRICS} ; ${PROXY_DASHBOARD}`,
  },
  {
    namespace: 'AWS/WAFV2',
    // Web ACL, rule group and rule metrics. `Region` is "required for all protected resource types
    // except for Amazon CloudFront distributions": a CloudFront web ACL's metrics have no Region.
    // Label metrics (LabelNamespace, Label) and bot-visibility metrics (BotCategory) are left out: the
    // page lists their dimensions but not the combinations, so an alarm on them is a finding.
    // The `WebACL` value is not checked: the page calls it "the metric name of the WebACL"
    // (VisibilityConfig.MetricName), while AWS's own WAF solution switched its dashboard from the
    // metric name to the web ACL's name (aws-solutions/aws-waf-security-automations#231): unresolved.
    // The shipped alarm follows the WAF guide (WebFirewall.webAclMetricName).
    metrics: ['AllowedRequests', 'BlockedRequests', 'CountedRequests', 'PassedRequests', 'CaptchaRequests', 'ChallengeRequests', 'RequestsWithValidCaptchaToken', 'RequestsWithValidChallengeToken'],
    dimensionSets: [
      ['Region', 'Rule', 'WebACL'], ['Rule', 'WebACL'],
      ['Region', 'RuleGroup', 'WebACL'], ['RuleGroup', 'WebACL'],
      ['Region', 'Rule', 'RuleGroup'], ['Rule', 'RuleGroup'],
    ],
    source: WAF_METRICS,
  },
];

/**
 * Dimension values AWS enumerates. A literal value outside the list names a metric that never has
 * data. Aurora `Role` is WRITER or READER (dimensions page). RDS Proxy publishes `TargetRole`
 * `READWRITE` and `READ_ONLY` (proxy monitoring dashboard page; the API's `READ_WRITE` is not a metric
 * value), and a proxy's one target group is named `default` (CloudFormation DBProxyTargetGroup:
 * "Currently, this property must be set to default"). CloudFront metrics carry `Region=Global`
 * (AWS's metric database pins it). A metric's own pinned values (see {@link Supplement.pinnedValues})
 * take precedence over these.
 */
export const ENUMERATED_VALUES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'AWS/RDS': { Role: ['WRITER', 'READER'], TargetRole: ['READWRITE', 'READ_ONLY'], TargetGroup: ['default'] },
  'AWS/CloudFront': { Region: ['Global'] },
};

/** Where each enumerated value is documented. */
export const ENUMERATED_SOURCES: Readonly<Record<string, string>> = {
  'AWS/RDS Role': AURORA_DIMENSIONS,
  'AWS/RDS TargetRole': PROXY_DASHBOARD,
  'AWS/RDS TargetGroup': PROXY_TARGET_GROUP,
  // AWS's own metric database pins Region=Global on every AWS/CloudFront metric that has the dimension.
  'AWS/CloudFront Region': '@aws-cdk/aws-service-spec',
};

/** Dimension values that must match a pattern: a regional web ACL's `Region` is a region code, not a name or an ARN. */
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
    for (const s of METRIC_SUPPLEMENT) {
      for (const m of s.metrics) {
        for (const set of s.dimensionSets) addSet(namespaces, s.namespace, m, set);
        const spec = namespaces.get(s.namespace)!.get(m)!;
        for (const [name, values] of Object.entries(s.pinnedValues ?? {})) for (const v of values) (spec.pinned[name] ??= new Set()).add(v);
      }
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
