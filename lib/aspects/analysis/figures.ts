/**
 * The figures recovery estimates are built from, each with its source. `published` figures are
 * AWS documentation; `assumption` figures have no AWS bound and are kept conservative: replace
 * them with measurements (restore-test job durations, drill results) when you have them.
 */
export interface RecoveryFigure {
  readonly id: string;
  /** Minutes (or, with `unit`, that unit). */
  readonly minutes: number;
  /** Set when the value is not in minutes. */
  readonly unit?: string;
  readonly what: string;
  readonly kind: 'published' | 'assumption';
  readonly source: string;
}

const f = (id: string, minutes: number, kind: RecoveryFigure['kind'], what: string, source: string): RecoveryFigure => ({ id, minutes, kind, what, source });

export const FIGURES = {
  auroraStorageRpo: f(
    'aurora-storage-rpo',
    0,
    'published',
    'Aurora writes every change synchronously to six storage nodes in three AZs; losing an instance or an AZ loses no committed data',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html',
  ),
  auroraFailover: f(
    'aurora-failover',
    1,
    'published',
    'Aurora promotes a reader to writer on instance or AZ failure, typically within 30 seconds (taken as 1 minute with DNS)',
    'https://docs.aws.amazon.com/whitepapers/latest/amazon-aurora-mysql-db-admin-handbook/designing-for-fault-tolerance-and-quick-recovery.html',
  ),
  auroraRecreateInstance: f(
    'aurora-recreate-instance',
    10,
    'published',
    'Without a reader Aurora creates a new writer instance; AWS documents this as taking longer than a failover, typically under 10 minutes',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html',
  ),
  pitrRpo: f(
    'pitr-rpo',
    5,
    'published',
    'Point-in-time restore reaches the latest restorable time, typically within 5 minutes of now',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aur-pitr.html',
  ),
  globalDatabaseRpo: f(
    'global-database-rpo',
    1 / 60,
    'published',
    'Aurora Global Database replicates to secondary regions with typically under 1 second of lag',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html',
  ),
  globalDatabaseFailover: f(
    'global-database-failover',
    1,
    'published',
    'Promoting a global database secondary (failover) restores writes in the DR region in about a minute',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html',
  ),
  snapshotRestoreFixed: f(
    'snapshot-restore-fixed',
    20,
    'assumption',
    'Creating an Aurora cluster and its first instance from a snapshot (fixed part; AWS publishes no bound)',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html',
  ),
  snapshotRestoreGiBPerMinute: {
    ...f(
      'snapshot-restore-throughput',
      2,
      'assumption',
      'GiB restored per minute from a snapshot (conservative; calibrate from the restore test jobs: `aws backup list-restore-jobs`)',
      'https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html',
    ),
    unit: 'GiB/min',
  },
  cacheFailover: f(
    'cache-failover',
    1,
    'assumption',
    'ElastiCache Multi-AZ promotes a replica without provisioning a new primary; AWS documents the failover but no bound (about 30 s observed, taken as 1 minute)',
    'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html',
  ),
  cacheNodeReplace: f(
    'cache-node-replace',
    15,
    'assumption',
    'Without automatic failover ElastiCache replaces the failed primary node and the cache starts empty',
    'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html',
  ),
  eksClusterCreate: f(
    'eks-cluster-create',
    15,
    'assumption',
    'Creating an EKS control plane in the DR region when no cluster waits there (AWS documents "several minutes"; the EKS team states an average of 15 minutes)',
    'https://github.com/aws/containers-roadmap/issues/1227',
  ),
  eksWorkloadScaleUp: f(
    'eks-workload-scale-up',
    5,
    'assumption',
    'EKS Auto Mode launching nodes for pending pods and the pods passing their startup probes (node launch is about a minute; image pull and start-up take the rest; AWS publishes no bound)',
    'https://docs.aws.amazon.com/eks/latest/userguide/automode.html',
  ),
} as const;

export const ALL_FIGURES: readonly RecoveryFigure[] = Object.values(FIGURES);
