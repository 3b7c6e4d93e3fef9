import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EncryptedBackupVault } from '../../../lib/constructs/backup/encrypted-backup-vault';
import { newTestApp } from '../../helpers/synth';

describe('EncryptedBackupVault', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Vaults', { env: { account: '111111111111', region: 'eu-west-1' } });
    new EncryptedBackupVault(stack, 'Plain');
    new EncryptedBackupVault(stack, 'Locked', { lock: true, lockMinRetention: Duration.days(7), backupVaultName: 'readiness-prod-dr' });
    template = Template.fromStack(stack);
  });

  test('encrypts with a rotated customer key and retains vault and key', () => {
    template.resourceCountIs('AWS::KMS::Key', 2);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.allResources('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlainKey'), 'Arn'] },
      LockConfiguration: Match.absent(),
    });
  });

  test('locks in compliance mode after the 3-day grace period', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'readiness-prod-dr',
      LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: 3 },
    });
  });

  test('rejects a short grace period and a bad name in one error', () => {
    const stack = new Stack(newTestApp(), 'Bad');
    expect(() => new EncryptedBackupVault(stack, 'V', { lock: true, lockChangeableFor: Duration.hours(24), backupVaultName: 'no spaces' })).toThrow(
      /lockChangeableFor = 24: .*72-hour[\s\S]*backupVaultName = "no spaces"/,
    );
  });
});
