import { Aws, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { EncryptedBackupVault } from '../constructs/backup/encrypted-backup-vault';
import { GlobalDatabaseSecondary } from '../constructs/backup/global-database';
import { OnCallTopics } from '../constructs/observability/on-call-topics';
import { allowLogsToUseKey } from '../constructs/shared/log-encryption-key';
import { onCallTopicsFromConfig } from './on-call-topics-from-config';

export interface DrStackProps extends StackProps {
  readonly config: StageConfig;
  /**
   * Engine version of the primary Aurora cluster (needed by the global-database secondary).
   * @default - no secondary even in `global-database` mode
   */
  readonly primaryEngineVersion?: string;
}

/** The name of the stage's DR vault; fixed so the primary region's plan can name its copy target before deployment. */
export function drVaultName(config: StageConfig): string {
  return `readiness-${config.stage}-dr`;
}

/** The name of the stage's Aurora global cluster (global-database mode). */
export function globalClusterIdentifier(config: StageConfig): string {
  return `readiness-${config.stage}-global`;
}

/**
 * The stage's footprint in the DR region, a stateful stack: the vault that receives backup copies
 * (customer key of this region, locked in prod) and, in `global-database` mode, an isolated VPC
 * with the Aurora Global Database secondary.
 */
export class DrStack extends Stack {
  public readonly vault: EncryptedBackupVault;
  /** ARN of the DR vault, known before deployment (no cross-region reference needed). */
  public readonly vaultArn: string;
  public readonly vpc?: ec2.Vpc;
  public readonly secondary?: GlobalDatabaseSecondary;
  /** On-call topics of the DR region (alarm actions cannot cross regions), in global-database mode. */
  public readonly topics?: OnCallTopics;

  constructor(scope: Construct, id: string, props: DrStackProps) {
    const { config } = props;
    super(scope, id, {
      ...props,
      env: { account: config.account, region: config.drRegion },
      terminationProtection: config.stage === 'prod',
    });

    const name = drVaultName(config);
    this.vault = new EncryptedBackupVault(this, 'Vault', {
      backupVaultName: name,
      lock: config.dr.vaultLock,
      lockMinRetention: Duration.days(Math.min(7, config.dr.copyRetentionDays)),
    });
    this.vaultArn = `arn:${Aws.PARTITION}:backup:${config.drRegion}:${config.account}:backup-vault:${name}`;

    if (config.dr.mode === 'global-database' && props.primaryEngineVersion) {
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(drCidr(config.network.cidr)),
        availabilityZones: [...config.dr.drAvailabilityZones],
        natGateways: 0,
        restrictDefaultSecurityGroup: true,
        subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      });
      const logKey = new kms.Key(this, 'FlowLogKey', { description: 'Encrypts the DR VPC flow logs', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
      allowLogsToUseKey(logKey, { region: config.drRegion, logGroupsOfAccountOnly: false });
      const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
        retention: config.network.flowLogRetentionDays as logs.RetentionDays,
        encryptionKey: logKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL });

      // Pages like the primary region's topics (the pager secret is replicated to the DR region).
      this.topics = onCallTopicsFromConfig(this, config.observability);
      this.secondary = new GlobalDatabaseSecondary(this, 'GlobalSecondary', {
        alarmTopic: this.topics.critical,
        maxReplicationLag: Duration.seconds(Math.max(1, Math.ceil(config.dr.targets.region.rpoMinutes * 60))),
        globalClusterIdentifier: globalClusterIdentifier(config),
        engineVersion: props.primaryEngineVersion,
        vpc: this.vpc,
        instanceType: config.database.instanceType,
        instances: Math.max(2, config.database.minReaders),
        port: config.database.port,
        backupRetention: Duration.days(config.database.backupRetentionDays),
      });
    }
  }
}

/** The DR VPC uses the primary's second octet + 100, so the two can be peered later without overlap. */
export function drCidr(primaryCidr: string): string {
  const [a, b, ...rest] = primaryCidr.split('.');
  return [a, String((Number(b) + 100) % 256), ...rest].join('.');
}
