import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { AlarmKit, FIVE_MINUTES, ONE_MINUTE } from './alarm-kit';
import { AlarmRoutingProps } from './routing';

/** Thresholds of the database tier alarms (Aurora PostgreSQL and RDS Proxy). */
export interface DatabaseAlarmThresholds {
  /** Instance CPU (%) sustained for 15 minutes. */
  readonly cpuPercent: number;
  /** Freeable memory floor in MiB (below it the instance swaps and latency climbs). */
  readonly freeableMemoryMiB: number;
  /** Connections as a percentage of the instance class's max_connections. */
  readonly connectionsPercent: number;
  /** Aurora replica lag ceiling in milliseconds. */
  readonly replicaLagMs: number;
  /** Free local (temporary) storage floor in MiB. */
  readonly freeLocalStorageMiB: number;
  /** Deadlocks per second (average over 5 minutes) above which someone should look. */
  readonly deadlocksPerSecond: number;
  /** RDS Proxy: borrowed connections as a percentage of what the proxy may open. */
  readonly proxyConnectionsPercent: number;
}

const { GREATER_THAN_THRESHOLD: GT, LESS_THAN_THRESHOLD: LT } = cloudwatch.ComparisonOperator;
const { BREACHING, NOT_BREACHING, MISSING } = cloudwatch.TreatMissingData;

/**
 * Values RDS Proxy publishes in the `TargetRole` dimension (dimension set ProxyName, TargetGroup,
 * TargetRole), per the RDS Proxy monitoring documentation: `READWRITE` for the writer, `READ_ONLY`
 * for readers. The API's `READ_WRITE` (DBProxyTarget.Role, ProxyEndpoint.TargetRole) is not a
 * metric value: an alarm on it watches a metric that never exists and can never fire.
 */
export const PROXY_TARGET_ROLE = { writer: 'READWRITE', reader: 'READ_ONLY' } as const;

/** SRE defaults for a production Aurora PostgreSQL cluster behind RDS Proxy. */
export const DEFAULT_DATABASE_THRESHOLDS: DatabaseAlarmThresholds = {
  cpuPercent: 80,
  freeableMemoryMiB: 2048,
  connectionsPercent: 80,
  replicaLagMs: 1000,
  freeLocalStorageMiB: 8192,
  deadlocksPerSecond: 0.1,
  proxyConnectionsPercent: 80,
};

export interface DatabaseAlarmsProps extends AlarmRoutingProps {
  /** The Aurora cluster to watch. */
  readonly cluster: rds.IDatabaseCluster;
  /**
   * Instance type of the cluster's instances; sets the connection limit the connections alarm compares with.
   * @default - `maxConnections` must be given
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * max_connections of the instances.
   * @default - Aurora PostgreSQL's default for `instanceType`: LEAST(memory / 9531392, 5000)
   */
  readonly maxConnections?: number;
  /**
   * The RDS Proxy in front of the cluster.
   * @default - no proxy alarms
   */
  readonly proxy?: rds.IDatabaseProxy;
  /**
   * Alarm thresholds.
   * @default DEFAULT_DATABASE_THRESHOLDS
   */
  readonly thresholds?: DatabaseAlarmThresholds;
}

/** Memory in GiB per instance size of the memory-optimised (r*, x2g) and burstable (t*) classes. */
const R_MEMORY_GIB: Record<string, number> = { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768 };
const T_MEMORY_GIB: Record<string, number> = { medium: 4, large: 8 };

/** Aurora PostgreSQL's default max_connections for an instance type, or undefined when the class is not known here. */
export function auroraPostgresMaxConnections(instanceType: ec2.InstanceType): number | undefined {
  const [family, size] = instanceType.toString().split('.');
  const gib = family.startsWith('r') ? R_MEMORY_GIB[size] : family.startsWith('t') ? T_MEMORY_GIB[size] : undefined;
  if (gib === undefined) return undefined;
  return Math.min(Math.floor((gib * 1024 ** 3) / 9531392), 5000);
}

const RULES: readonly ValidationRule<DatabaseAlarmsProps>[] = [
  {
    field: 'maxConnections',
    value: (p) => p.maxConnections ?? (p.instanceType ? auroraPostgresMaxConnections(p.instanceType) : undefined),
    check: (v) => typeof v === 'number' && Number.isInteger(v) && v > 0,
    fix: 'give maxConnections (the instances\' max_connections) or an r*/t* instanceType to derive it from',
  },
];

/**
 * Alarms on an Aurora PostgreSQL cluster and its RDS Proxy, each with a runbook and an SNS action,
 * rolled up into `health` (in ALARM while any critical database alarm is).
 */
export class DatabaseAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[];
  /** In ALARM while any critical database alarm is: a stop condition for failover drills. */
  public readonly health: cloudwatch.CompositeAlarm;
  /** Widgets for the stage dashboard (golden signals of the tier). */
  public readonly widgets: cloudwatch.IWidget[];
  /** The connection limit the connections alarm compares with. */
  public readonly maxConnections: number;

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    assertValid(`DatabaseAlarms "${this.node.path}"`, props, RULES);
    const t = props.thresholds ?? DEFAULT_DATABASE_THRESHOLDS;
    this.maxConnections = props.maxConnections ?? auroraPostgresMaxConnections(props.instanceType!)!;
    const kit = new AlarmKit(this, { critical: props.criticalTopic, warning: props.warningTopic, dashboardName: props.dashboardName });

    const clusterId = props.cluster.clusterIdentifier;
    const m = (metricName: string, statistic: string, role?: 'WRITER' | 'READER', period = ONE_MINUTE) =>
      new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName,
        statistic,
        period,
        dimensionsMap: role ? { DBClusterIdentifier: clusterId, Role: role } : { DBClusterIdentifier: clusterId },
      });

    const writerCpu = m('CPUUtilization', 'Average', 'WRITER', FIVE_MINUTES);
    kit.alarm('WriterCpu', {
      metric: writerCpu,
      threshold: t.cpuPercent,
      comparisonOperator: GT,
      evaluationPeriods: 3,
      // An Aurora writer always reports CPU: silence means the writer (or its monitoring) is gone.
      treatMissingData: BREACHING,
      severity: 'critical',
      runbook: {
        meaning: `Database writer CPU above ${t.cpuPercent}% for 15 min (or no data): queries slow down and time out.`,
        checks: [
          'Performance Insights top SQL by load on the writer',
          'a new deploy or batch job that changed the query mix',
          'whether read traffic can move to the reader endpoint / proxy read-only endpoint',
        ],
      },
    });
    kit.alarm('ReaderCpu', {
      metric: m('CPUUtilization', 'Average', 'READER', FIVE_MINUTES),
      threshold: t.cpuPercent,
      comparisonOperator: GT,
      evaluationPeriods: 3,
      // Readers come and go with autoscaling; keep the last state while a reader is replaced.
      treatMissingData: MISSING,
      severity: 'warning',
      runbook: {
        meaning: `Average reader CPU above ${t.cpuPercent}% for 15 min: reader autoscaling is at its limit or lagging.`,
        checks: ['reader count against database.maxReaders', 'Performance Insights top SQL on readers', 'cache hit ratio of the application cache'],
      },
    });
    kit.alarm('WriterFreeableMemory', {
      metric: m('FreeableMemory', 'Minimum', 'WRITER', FIVE_MINUTES),
      threshold: t.freeableMemoryMiB * 1024 * 1024,
      comparisonOperator: LT,
      evaluationPeriods: 3,
      treatMissingData: MISSING,
      severity: 'warning',
      runbook: {
        meaning: `Writer freeable memory below ${t.freeableMemoryMiB} MiB for 15 min: the instance swaps soon and latency climbs.`,
        checks: ['connection count (each connection holds work_mem)', 'long-running queries with large sorts or hashes', 'whether the instance class is too small'],
      },
    });
    const connLimit = Math.floor((this.maxConnections * t.connectionsPercent) / 100);
    kit.alarm('WriterConnections', {
      metric: m('DatabaseConnections', 'Maximum', 'WRITER', FIVE_MINUTES),
      threshold: connLimit,
      comparisonOperator: GT,
      evaluationPeriods: 2,
      treatMissingData: MISSING,
      severity: 'critical',
      runbook: {
        meaning: `Writer connections above ${t.connectionsPercent}% of max_connections (${connLimit} of ${this.maxConnections}): new connections will be refused.`,
        checks: ['clients connecting around the proxy (direct to the writer)', 'proxy borrowed connections and pinned sessions', 'idle-in-transaction sessions in pg_stat_activity'],
      },
    });
    kit.alarm('ReplicaLag', {
      metric: m('AuroraReplicaLagMaximum', 'Maximum'),
      threshold: t.replicaLagMs,
      comparisonOperator: GT,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      // Without readers there is no lag to report; the writer CPU alarm covers a silent cluster.
      treatMissingData: NOT_BREACHING,
      severity: 'warning',
      runbook: {
        meaning: `Aurora replica lag above ${t.replicaLagMs} ms: readers serve stale data and a failover may lose the lag window.`,
        checks: ['write throughput spike (WriteIOPS, CommitThroughput)', 'a reader restarting or under CPU pressure', 'long transactions on readers holding back cleanup'],
      },
    });
    kit.alarm('FreeLocalStorage', {
      metric: m('FreeLocalStorage', 'Minimum', undefined, FIVE_MINUTES),
      threshold: t.freeLocalStorageMiB * 1024 * 1024,
      comparisonOperator: LT,
      evaluationPeriods: 2,
      treatMissingData: MISSING,
      severity: 'warning',
      runbook: {
        meaning: `Free local storage below ${t.freeLocalStorageMiB} MiB on an instance: temporary files and logs will fail queries.`,
        checks: ['queries spilling to disk (temp_files in pg_stat_database)', 'log volume (log_min_duration_statement too low?)', 'whether a larger instance class is needed'],
      },
    });
    kit.alarm('Deadlocks', {
      metric: m('Deadlocks', 'Average', undefined, FIVE_MINUTES),
      threshold: t.deadlocksPerSecond,
      comparisonOperator: GT,
      evaluationPeriods: 3,
      treatMissingData: NOT_BREACHING,
      severity: 'warning',
      runbook: {
        meaning: `More than ${t.deadlocksPerSecond} deadlocks/s for 15 min: requests fail and retry.`,
        checks: ['the Postgres log for "deadlock detected" and the statements involved', 'a recent deploy changing lock order', 'batch jobs updating the same rows as the API'],
      },
    });

    if (props.proxy) {
      const proxyName = props.proxy.dbProxyName;
      // ProxyName + TargetGroup + TargetRole is the dimension set that carries MaxDatabaseConnectionsAllowed.
      const pm = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName,
          statistic,
          period: ONE_MINUTE,
          dimensionsMap: { ProxyName: proxyName, TargetGroup: 'default', TargetRole: PROXY_TARGET_ROLE.writer },
        });
      kit.alarm('ProxyConnectionSaturation', {
        metric: new cloudwatch.MathExpression({
          expression: '100 * borrowed / FILL(allowed, REPEAT)',
          usingMetrics: { borrowed: pm('DatabaseConnectionsCurrentlyBorrowed', 'Maximum'), allowed: pm('MaxDatabaseConnectionsAllowed', 'Minimum') },
          period: ONE_MINUTE,
          label: 'Proxy borrowed connections (% of allowed)',
        }),
        threshold: t.proxyConnectionsPercent,
        comparisonOperator: GT,
        evaluationPeriods: 5,
        datapointsToAlarm: 4,
        // Proxy metrics appear only after the first client connects.
        treatMissingData: NOT_BREACHING,
        severity: 'critical',
        runbook: {
          meaning: `RDS Proxy has lent more than ${t.proxyConnectionsPercent}% of the connections it may open: clients queue and hit the borrow timeout.`,
          checks: ['DatabaseConnectionsCurrentlySessionPinned (pinning defeats pooling)', 'slow queries holding connections', 'the proxy MaxConnectionsPercent against the writer max_connections'],
        },
      });
      kit.alarm('ProxyAvailability', {
        metric: pm('AvailabilityPercentage', 'Minimum'),
        threshold: 100,
        comparisonOperator: LT,
        evaluationPeriods: 3,
        treatMissingData: NOT_BREACHING,
        severity: 'critical',
        runbook: {
          meaning: 'RDS Proxy cannot reach the writer: every write through the proxy fails.',
          checks: ['cluster events (failover in progress?)', 'proxy target health (describe-db-proxy-targets)', 'the proxy secret: was the master password rotated without the proxy seeing it?'],
        },
      });
      kit.alarm('ProxyConnectionSetupFailures', {
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(db, 0) + FILL(auth, 0)',
          usingMetrics: {
            db: new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName: 'DatabaseConnectionsSetupFailed', statistic: 'Sum', period: FIVE_MINUTES, dimensionsMap: { ProxyName: proxyName } }),
            auth: new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName: 'ClientConnectionsSetupFailedAuth', statistic: 'Sum', period: FIVE_MINUTES, dimensionsMap: { ProxyName: proxyName } }),
          },
          period: FIVE_MINUTES,
          label: 'Proxy connection setup failures',
        }),
        threshold: 10,
        comparisonOperator: GT,
        evaluationPeriods: 2,
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: 'Connections through RDS Proxy fail to set up (database or client authentication errors).',
          checks: ['the proxy log group for the failing user', 'secret rotation history of the database credentials', 'TLS settings of clients (the proxy requires TLS)'],
        },
      });
    }

    this.health = kit.rollUp('Health', 'Database', {
      meaning: 'Roll-up of the critical database alarms; a stop condition for failover drills.',
      checks: ['which child alarm is in ALARM (alarm history)', 'cluster events in the RDS console', 'the database panels of the dashboard'],
    });
    this.alarms = kit.alarms;

    this.widgets = [
      new cloudwatch.GraphWidget({
        title: 'Database: CPU (saturation)',
        left: [writerCpu, m('CPUUtilization', 'Average', 'READER', FIVE_MINUTES)],
        leftAnnotations: [{ value: t.cpuPercent, label: 'alarm' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Database: connections (traffic)',
        left: [m('DatabaseConnections', 'Maximum', 'WRITER'), m('DatabaseConnections', 'Maximum', 'READER')],
        leftAnnotations: [{ value: connLimit, label: 'alarm' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Database: commit latency, replica lag, deadlocks (latency/errors)',
        left: [m('CommitLatency', 'Average', 'WRITER'), m('AuroraReplicaLagMaximum', 'Maximum')],
        right: [m('Deadlocks', 'Sum')],
        width: 8,
      }),
    ];
  }
}
