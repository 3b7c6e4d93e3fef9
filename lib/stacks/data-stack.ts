import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { ResilientRedis } from '../constructs/cache/resilient-redis';
import { ResilientPostgres } from '../constructs/database/resilient-postgres';

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  readonly vpc: ec2.IVpc;
  /**
   * Topic the data tier's own alarms notify (the cache's AUTH token rotation failure).
   * @default - those alarms have no action
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Stateful resources only (database, cache, their keys and secrets), apart from compute so that
 * compute can be replaced freely. Construct IDs here are API: a changed ID replaces the resource.
 */
export class DataStack extends Stack {
  /** The Valkey/Redis OSS replication group (construct ID 'Cache'). */
  public readonly cache: ResilientRedis;
  /** Aurora PostgreSQL behind RDS Proxy (construct ID 'Database'). */
  public readonly database: ResilientPostgres;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.config.stage === 'prod' });

    const db = props.config.database;
    this.database = new ResilientPostgres(this, 'Database', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      rotationSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: new ec2.InstanceType(db.instanceType),
      readers: db.readers,
      minReaders: db.minReaders,
      maxReaders: db.maxReaders,
      readerCpuTargetPercent: db.readerCpuTargetPercent,
      backupRetention: Duration.days(db.backupRetentionDays),
      port: db.port,
      slowQueryThreshold: Duration.millis(db.slowQueryMs),
      credentialRotation: Duration.days(db.credentialRotationDays),
      logRetention: db.logRetentionDays as logs.RetentionDays,
      monitoringInterval: Duration.seconds(db.monitoringIntervalSeconds),
    });

    const cacheConfig = props.config.cache;
    this.cache = new ResilientRedis(this, 'Cache', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      engine: cacheConfig.engine,
      nodeType: cacheConfig.nodeType,
      clusterMode: cacheConfig.clusterMode,
      shards: cacheConfig.shards,
      replicasPerShard: cacheConfig.replicasPerShard,
      port: cacheConfig.port,
      snapshotRetention: Duration.days(cacheConfig.snapshotRetentionDays),
      snapshotWindow: cacheConfig.snapshotWindow,
      maintenanceWindow: cacheConfig.maintenanceWindow,
      logRetention: cacheConfig.logRetentionDays as logs.RetentionDays,
      rotationAlarmTopic: props.alarmTopic,
      authTokenRotation: Duration.days(props.config.security.secretRotationDays),
    });
    if (cacheConfig.snapshotRetentionDays < 15) {
      Validations.of(this.cache.replicationGroup).acknowledge({
        id: 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
        reason:
          `The cache holds sessions, locks and derived data rebuilt from Aurora (the system of record, backed up ` +
          `${props.config.database.backupRetentionDays} days with PITR); ${cacheConfig.snapshotRetentionDays} days of daily snapshots (issue 2: prod 7) cover its recovery point`,
      });
    }
  }
}
