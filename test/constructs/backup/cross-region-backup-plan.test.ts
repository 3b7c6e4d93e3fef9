import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import { CrossRegionBackupPlan } from '../../../lib/constructs/backup/cross-region-backup-plan';
import { BACKUP_SELECTION_TAG } from '../../../lib/constructs/backup/tags';
import { newTestApp } from '../../helpers/synth';

const DR_VAULT = 'arn:aws:backup:eu-central-1:111111111111:backup-vault:readiness-prod-dr';

describe('CrossRegionBackupPlan', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Plan', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vault = new backup.BackupVault(stack, 'Vault');
    new CrossRegionBackupPlan(stack, 'Backups', {
      vault,
      copyVault: backup.BackupVault.fromBackupVaultArn(stack, 'Dr', DR_VAULT),
      pitrRetention: Duration.days(35),
      snapshotRetention: Duration.days(35),
      copyFrequency: Duration.hours(1),
      copyRetention: Duration.days(14),
    });
    template = Template.fromStack(stack);
  });

  test('has a continuous rule for point-in-time restore and hourly snapshots copied to the DR vault', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({ RuleName: 'Continuous', EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } }),
          Match.objectLike({
            RuleName: 'SnapshotCopiedToDrRegion',
            ScheduleExpression: 'cron(0 0/1 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: [{ DestinationBackupVaultArn: DR_VAULT, Lifecycle: { DeleteAfterDays: 14 } }],
          }),
        ]),
      },
    });
  });

  test('selects by the backup tag, so new databases are covered without editing the plan', () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        ListOfTags: [{ ConditionKey: BACKUP_SELECTION_TAG.key, ConditionType: 'STRINGEQUALS', ConditionValue: BACKUP_SELECTION_TAG.value }],
      },
    });
  });

  test('rejects a PITR window over 35 days and an irregular copy frequency in one error', () => {
    const stack = new Stack(newTestApp(), 'Bad');
    const vault = new backup.BackupVault(stack, 'Vault');
    expect(
      () => new CrossRegionBackupPlan(stack, 'P', { vault, copyVault: vault, pitrRetention: Duration.days(40), copyFrequency: Duration.hours(5) }),
    ).toThrow(/pitrRetention = 40: .*35[\s\S]*copyFrequency = 300: /);
  });
});
