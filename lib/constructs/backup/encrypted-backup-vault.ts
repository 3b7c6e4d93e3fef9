import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

export interface EncryptedBackupVaultProps {
  /**
   * Key that encrypts the recovery points.
   * @default - a new customer-managed key with yearly rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Lock the vault (AWS Backup Vault Lock) so no one, root included, can delete recovery points
   * before `lockMinRetention`. The lock becomes immutable after `lockChangeableFor`.
   * @default false - no lock (dev and staging); prod config turns it on
   */
  readonly lock?: boolean;
  /**
   * Shortest retention a recovery point in a locked vault may have (at least 1 day).
   * @default Duration.days(7)
   */
  readonly lockMinRetention?: Duration;
  /**
   * Longest retention a recovery point in a locked vault may have.
   * @default - no upper bound
   */
  readonly lockMaxRetention?: Duration;
  /**
   * Grace period in which the lock can still be removed (AWS Backup requires at least 72 hours).
   * @default Duration.days(3)
   */
  readonly lockChangeableFor?: Duration;
  /**
   * Vault name. Set it only when another region must know the ARN before deployment (the DR vault
   * is the copy target of the primary plan); a changed name replaces the vault.
   * @default - a name generated from the construct path
   */
  readonly backupVaultName?: string;
  /**
   * Topic that receives failed backup, copy and restore jobs.
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
}

const RULES: readonly ValidationRule<EncryptedBackupVaultProps>[] = [
  {
    field: 'lockMinRetention',
    value: (p) => p.lockMinRetention?.toHours(),
    check: (v) => v === undefined || v >= 24,
    fix: 'use at least Duration.days(1) (the AWS Backup minimum)',
  },
  {
    field: 'lockMaxRetention',
    value: (p) => p.lockMaxRetention?.toDays(),
    check: (v, p) => v === undefined || (v <= 36500 && v > (p.lockMinRetention ?? Duration.days(7)).toDays()),
    fix: 'use more days than lockMinRetention and at most 36500',
  },
  {
    field: 'lockChangeableFor',
    value: (p) => p.lockChangeableFor?.toHours(),
    check: (v) => v === undefined || v >= 72,
    fix: 'use at least Duration.days(3): AWS Backup enforces a 72-hour grace period before the lock is immutable',
  },
  {
    field: 'backupVaultName',
    value: (p) => p.backupVaultName,
    check: (v) => v === undefined || /^[a-zA-Z0-9\-_]{2,50}$/.test(v),
    fix: 'use 2 to 50 letters, digits, hyphens or underscores',
  },
];

const FAILURE_EVENTS = [
  backup.BackupVaultEvents.BACKUP_JOB_FAILED,
  backup.BackupVaultEvents.COPY_JOB_FAILED,
  backup.BackupVaultEvents.RESTORE_JOB_FAILED,
  backup.BackupVaultEvents.BACKUP_JOB_EXPIRED,
];

/**
 * An AWS Backup vault encrypted with a customer-managed key, retained with its recovery points
 * when the stack is deleted, optionally locked (compliance mode) so recovery points outlive a
 * compromised account.
 */
export class EncryptedBackupVault extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EncryptedBackupVaultProps = {}) {
    super(scope, id);
    assertValid(`EncryptedBackupVault ${this.node.path}`, props, RULES);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the recovery points of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.backupVaultName,
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      notificationTopic: props.notificationTopic,
      notificationEvents: props.notificationTopic ? FAILURE_EVENTS : undefined,
      lockConfiguration: props.lock
        ? {
            minRetention: props.lockMinRetention ?? Duration.days(7),
            maxRetention: props.lockMaxRetention,
            changeableFor: props.lockChangeableFor ?? Duration.days(3),
          }
        : undefined,
    });
  }
}
