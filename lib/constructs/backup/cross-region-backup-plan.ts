import { Duration, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { BACKUP_SELECTION_TAG } from './tags';

export interface CrossRegionBackupPlanProps {
  /** Vault in this region that holds the recovery points. */
  readonly vault: backup.IBackupVault;
  /** Vault in the DR region that receives a copy of every snapshot. */
  readonly copyVault: backup.IBackupVault;
  /**
   * Point-in-time restore window (continuous backup), at most 35 days.
   * @default Duration.days(35)
   */
  readonly pitrRetention?: Duration;
  /**
   * How long snapshots stay in `vault`.
   * @default Duration.days(35)
   */
  readonly snapshotRetention?: Duration;
  /**
   * Time between snapshots that are copied to `copyVault`: whole hours dividing a day. With
   * backup copies it is the regional recovery point objective.
   * @default Duration.hours(1)
   */
  readonly copyFrequency?: Duration;
  /**
   * How long copies stay in `copyVault`.
   * @default - the snapshot retention
   */
  readonly copyRetention?: Duration;
  /**
   * Tag that selects the resources to back up.
   * @default BACKUP_SELECTION_TAG
   */
  readonly selectionTag?: { readonly key: string; readonly value: string };
}

const RULES: readonly ValidationRule<CrossRegionBackupPlanProps>[] = [
  {
    field: 'pitrRetention',
    value: (p) => p.pitrRetention?.toDays(),
    check: (v) => v === undefined || (Number.isInteger(v) && v >= 1 && v <= 35),
    fix: 'use 1 to 35 whole days (the continuous backup limit)',
  },
  {
    field: 'snapshotRetention',
    value: (p) => p.snapshotRetention?.toDays(),
    check: (v) => v === undefined || (v >= 1 && v <= 36500),
    fix: 'use 1 to 36500 days',
  },
  {
    field: 'copyFrequency',
    value: (p) => p.copyFrequency?.toMinutes(),
    check: (v) => v === undefined || (v % 60 === 0 && [1, 2, 3, 4, 6, 8, 12, 24].includes(v / 60)),
    fix: 'use 1, 2, 3, 4, 6, 8, 12 or 24 hours',
  },
  {
    field: 'copyRetention',
    value: (p) => p.copyRetention?.toDays(),
    check: (v) => v === undefined || (v >= 1 && v <= 36500),
    fix: 'use 1 to 36500 days',
  },
];

/** The cron schedule that runs every `hours` hours, on the hour. */
export function everyHours(hours: number): events.Schedule {
  return hours === 24 ? events.Schedule.cron({ minute: '0', hour: '3' }) : events.Schedule.cron({ minute: '0', hour: `0/${hours}` });
}

/**
 * The stage's backup plan: continuous backup for point-in-time restore, plus snapshots every
 * `copyFrequency` that are copied to a vault in the DR region. It selects resources by tag, so a
 * new database tagged by `protectStatefulResources` is covered without editing the plan.
 */
export class CrossRegionBackupPlan extends Construct {
  public readonly plan: backup.BackupPlan;
  public readonly selection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: CrossRegionBackupPlanProps) {
    super(scope, id);
    assertValid(`CrossRegionBackupPlan ${this.node.path}`, props, RULES);

    const snapshotRetention = props.snapshotRetention ?? Duration.days(35);
    const copyHours = (props.copyFrequency ?? Duration.hours(1)).toHours();
    const tag = props.selectionTag ?? BACKUP_SELECTION_TAG;

    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: props.vault });
    // Continuous backup gives point-in-time restore (to within about 5 minutes) in this region.
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'Continuous',
        enableContinuousBackup: true,
        deleteAfter: props.pitrRetention ?? Duration.days(35),
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '2' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(8),
      }),
    );
    // Snapshots copied to the DR region: the copy interval bounds what a regional loss costs.
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'SnapshotCopiedToDrRegion',
        scheduleExpression: everyHours(copyHours),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(Math.max(2, copyHours)),
        deleteAfter: snapshotRetention,
        copyActions: [{ destinationBackupVault: props.copyVault, deleteAfter: props.copyRetention ?? snapshotRetention }],
      }),
    );

    this.selection = this.plan.addSelection('Tagged', {
      resources: [backup.BackupResource.fromTag(tag.key, tag.value)],
      allowRestores: true,
    });
    Validations.of(this.selection).acknowledge({
      id: 'AwsSolutions-IAM4',
      reason: 'AWSBackupServiceRolePolicyForBackup/ForRestores are the AWS-maintained service-role policies AWS Backup documents for the selection role; a copy would drift as services are added.',
    });
  }
}
