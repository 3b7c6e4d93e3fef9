import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { AuroraRestoreTest } from '../constructs/backup/aurora-restore-test';
import { CrossRegionBackupPlan } from '../constructs/backup/cross-region-backup-plan';
import { EncryptedBackupVault } from '../constructs/backup/encrypted-backup-vault';

export interface BackupStackProps extends StackProps {
  readonly config: StageConfig;
  /**
   * ARN of the vault in the DR region that receives the copies. An ARN, not an IBackupVault,
   * because a token cannot cross regions: `DrStack.vaultArn` is known before deployment.
   */
  readonly copyVaultArn: string;
  /**
   * Topic that receives failed backup, copy and restore jobs.
   * @default - no vault notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * Backups of the stage, a stateful stack in the primary region: the vault (customer key, locked
 * in prod), the plan (continuous backup for point-in-time restore, snapshots copied to the DR
 * region) selecting resources by tag, and the weekly Aurora restore test.
 */
export class BackupStack extends Stack {
  public readonly vault: EncryptedBackupVault;
  public readonly plan: CrossRegionBackupPlan;
  public readonly restoreTest: AuroraRestoreTest;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    const { config } = props;
    super(scope, id, { ...props, terminationProtection: config.stage === 'prod' });
    const dr = config.dr;

    this.vault = new EncryptedBackupVault(this, 'Vault', {
      lock: dr.vaultLock,
      lockMinRetention: Duration.days(Math.min(7, dr.pitrRetentionDays, dr.backupRetentionDays)),
      notificationTopic: props.notificationTopic,
    });
    const copyVault = backup.BackupVault.fromBackupVaultArn(this, 'DrVault', props.copyVaultArn);

    this.plan = new CrossRegionBackupPlan(this, 'Plan', {
      vault: this.vault.vault,
      copyVault,
      pitrRetention: Duration.days(dr.pitrRetentionDays),
      snapshotRetention: Duration.days(dr.backupRetentionDays),
      copyFrequency: Duration.hours(dr.copyFrequencyHours),
      copyRetention: Duration.days(dr.copyRetentionDays),
    });

    this.restoreTest = new AuroraRestoreTest(this, 'RestoreTest', {
      vault: this.vault.vault,
      schedule: dr.restoreTestSchedule,
      validationWindow: Duration.hours(dr.restoreValidationHours),
      recoveryPointWindow: Duration.days(Math.min(7, dr.backupRetentionDays)),
      logRetention: config.database.logRetentionDays as logs.RetentionDays,
      alarmTopic: props.notificationTopic,
    });
  }
}
