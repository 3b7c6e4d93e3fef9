import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';

const GLOBAL_ID = /^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;

export interface GlobalDatabasePrimaryProps {
  /** The Aurora cluster that becomes the primary (writer) of the global database. */
  readonly sourceCluster: rds.IDatabaseCluster;
  /**
   * Identifier of the global cluster; the DR region's secondary joins it by this name, so it is
   * fixed before deployment (1-63 letters, digits, hyphens).
   */
  readonly globalClusterIdentifier: string;
}

/**
 * Turns an Aurora cluster into the primary of an Aurora Global Database, so that a secondary in
 * the DR region receives its changes by storage-level replication (typically under a second behind).
 */
export class GlobalDatabasePrimary extends Construct {
  public readonly globalCluster: rds.CfnGlobalCluster;
  public readonly globalClusterIdentifier: string;

  constructor(scope: Construct, id: string, props: GlobalDatabasePrimaryProps) {
    super(scope, id);
    assertValid(`GlobalDatabasePrimary ${this.node.path}`, props, [
      { field: 'globalClusterIdentifier', value: (p) => p.globalClusterIdentifier, check: (v) => is.matching(GLOBAL_ID)(v) && v.length <= 63, fix: 'use 1-63 letters, digits and single hyphens, starting with a letter' },
    ]);
    this.globalClusterIdentifier = props.globalClusterIdentifier;
    this.globalCluster = new rds.CfnGlobalCluster(this, 'Resource', {
      globalClusterIdentifier: props.globalClusterIdentifier,
      sourceDbClusterIdentifier: props.sourceCluster.clusterIdentifier,
      deletionProtection: true,
    });
    this.globalCluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}

export interface GlobalDatabaseSecondaryProps {
  /** Identifier of the global cluster created by `GlobalDatabasePrimary` in the primary region. */
  readonly globalClusterIdentifier: string;
  /** Engine version of the primary (a secondary must run the same version). */
  readonly engineVersion: string;
  /** VPC in the DR region; the cluster goes into its isolated subnets. */
  readonly vpc: ec2.IVpc;
  /** Instance type of the secondary's reader(s), e.g. `r6g.large` (no `db.` prefix). */
  readonly instanceType: string;
  /**
   * Readers in the secondary (they become writer and readers on promotion).
   * @default 2
   */
  readonly instances?: number;
  /**
   * Database port, the same as the primary's.
   * @default 5432
   */
  readonly port?: number;
  /**
   * Automated backup retention of the secondary once it is promoted (1-35 days).
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;
  /**
   * Key that encrypts the secondary's storage (a key of the DR region).
   * @default - a new customer-managed key with rotation, retained
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Replication lag (the regional RPO) above which the lag alarm fires.
   * @default Duration.minutes(1)
   */
  readonly maxReplicationLag?: Duration;
  /**
   * Topic in the DR region that the lag alarm notifies (alarm actions cannot cross regions).
   * @default - the alarm has no action
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The Aurora Global Database secondary cluster in the DR region: encrypted with a key of that
 * region, deletion-protected, snapshotted on removal, its instances spread over the given VPC.
 * It accepts no connections until failover: the DR runbook adds the service's security group.
 */
export class GlobalDatabaseSecondary extends Construct {
  public readonly cluster: rds.CfnDBCluster;
  public readonly instances: rds.CfnDBInstance[];
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly encryptionKey: kms.IKey;
  /** Fires when the replication lag (the regional RPO) exceeds `maxReplicationLag`. */
  public readonly replicationLagAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GlobalDatabaseSecondaryProps) {
    super(scope, id);
    const rules: ValidationRule<GlobalDatabaseSecondaryProps>[] = [
      { field: 'globalClusterIdentifier', value: (p) => p.globalClusterIdentifier, check: (v) => is.matching(GLOBAL_ID)(v) && v.length <= 63, fix: 'use the identifier of the primary global cluster' },
      { field: 'engineVersion', value: (p) => p.engineVersion, check: is.matching(/^\d+(\.\d+)*$/), fix: 'use the primary cluster engine version, e.g. "17.9"' },
      { field: 'instanceType', value: (p) => p.instanceType, check: is.matching(/^[a-z][a-z0-9]*\.[a-z0-9]+$/), fix: 'use an instance type without the "db." prefix, e.g. "r6g.large"' },
      { field: 'instances', value: (p) => p.instances, check: (v) => v === undefined || is.intBetween(1, 15)(v), fix: 'use 1 to 15 instances' },
      { field: 'backupRetention', value: (p) => p.backupRetention?.toDays(), check: (v) => v === undefined || is.intBetween(1, 35)(v), fix: 'use 1 to 35 days' },
    ];
    assertValid(`GlobalDatabaseSecondary ${this.node.path}`, props, rules);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { description: `Encrypts the global database secondary ${this.node.path}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Global database secondary: no ingress until a regional failover',
      allowAllOutbound: false,
    });
    const subnetGroup = new rds.SubnetGroup(this, 'Subnets', {
      vpc: props.vpc,
      description: 'Isolated subnets of the global database secondary',
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.cluster = new rds.CfnDBCluster(this, 'Cluster', {
      engine: 'aurora-postgresql',
      engineVersion: props.engineVersion,
      globalClusterIdentifier: props.globalClusterIdentifier,
      dbSubnetGroupName: subnetGroup.subnetGroupName,
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
      storageEncrypted: true,
      kmsKeyId: this.encryptionKey.keyArn,
      deletionProtection: true,
      backupRetentionPeriod: (props.backupRetention ?? Duration.days(14)).toDays(),
      copyTagsToSnapshot: true,
      port: props.port ?? 5432,
      enableCloudwatchLogsExports: ['postgresql'],
      enableIamDatabaseAuthentication: true,
    });
    this.cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    // Readiness-DB-POOLING does not apply to a secondary (read-only, no master user of its own): the DR
    // runbook creates its RDS Proxy at promotion, from the replicated secret.

    // Replication lag is the regional RPO: page when it outgrows the target.
    const lag = new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensionsMap: { DBClusterIdentifier: this.cluster.ref },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    this.replicationLagAlarm = new cloudwatch.Alarm(this, 'ReplicationLag', {
      metric: lag,
      threshold: (props.maxReplicationLag ?? Duration.minutes(1)).toMilliseconds(),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        '[CRITICAL] The global database secondary lags the primary by more than the regional RPO target, or reports no lag at all. ' +
        'Check: 1) aurora_global_db_status() on the primary 2) write load and instance size of the secondary 3) RDS events of both clusters.',
    });
    if (props.alarmTopic) {
      this.replicationLagAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      this.replicationLagAlarm.addOkAction(new actions.SnsAction(props.alarmTopic));
    }

    this.instances = [];
    for (let i = 0; i < (props.instances ?? 2); i++) {
      const instance = new rds.CfnDBInstance(this, `Instance${i + 1}`, {
        dbClusterIdentifier: this.cluster.ref,
        dbInstanceClass: `db.${props.instanceType}`,
        engine: 'aurora-postgresql',
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
      });
      this.instances.push(instance);
    }
  }
}

/**
 * In `global-database` mode, makes the (single) Aurora cluster under `dataScope` the primary of
 * the global cluster named `identifier` and returns its engine version for the DR secondary.
 * Returns undefined (and adds nothing) when there is no Aurora cluster yet.
 */
export function addGlobalDatabasePrimary(dataScope: Construct, identifier: string): string | undefined {
  const cluster = dataScope.node.findAll().find((c): c is rds.DatabaseCluster => c instanceof rds.DatabaseCluster);
  if (!cluster) return undefined;
  const version = (cluster.node.defaultChild as rds.CfnDBCluster).engineVersion;
  if (!version) return undefined;
  new GlobalDatabasePrimary(dataScope, 'GlobalDatabase', { sourceCluster: cluster, globalClusterIdentifier: identifier });
  return version;
}
