import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import { AuroraRestoreTest } from '../../../lib/constructs/backup/aurora-restore-test';
import { validateRestore, RestoreValidationDeps } from '../../../lib/constructs/backup/restore-validation/validate';
import { newTestApp } from '../../helpers/synth';

describe('AuroraRestoreTest', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Restore', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vault = new backup.BackupVault(stack, 'Vault');
    new AuroraRestoreTest(stack, 'RestoreTest', { vault, schedule: 'cron(0 5 ? * SAT *)', validationWindow: Duration.hours(4) });
    template = Template.fromStack(stack);
  });

  test('restores the latest snapshot of the vault weekly', () => {
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 5 ? * SAT *)',
      RestoreTestingPlanName: Match.stringLikeRegexp('^[A-Za-z0-9_]{1,50}$'),
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Vault'), 'BackupVaultArn'] }],
        RecoveryPointTypes: ['SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
  });

  test('selects tagged Aurora clusters and keeps the restore for validation', () => {
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'Aurora',
      ProtectedResourceArns: ['*'],
      ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/readiness:backup', Value: 'cross-region' }] },
      ValidationWindowHours: 4,
    });
  });

  test('validates each completed restore job with a function that may report the result', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.backup'], 'detail-type': ['Restore Job State Change'], detail: { status: ['COMPLETED'] } },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'rds:DescribeDBClusters' }),
          Match.objectLike({ Action: 'backup:PutRestoreValidationResult' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', ReservedConcurrentExecutions: 2 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreTestLogKey'), 'Arn'] } }) });
  });

  test('the restore-completed target dead-letters to a queue encrypted with the log key, and EventBridge may use the key', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.backup'] }),
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreTestDeadLettersQueue'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreTestLogKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowEventBridgeDeadLetters', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
  });

  test('rejects a validation window over a week', () => {
    const stack = new Stack(newTestApp(), 'Bad');
    expect(() => new AuroraRestoreTest(stack, 'R', { vault: new backup.BackupVault(stack, 'V'), validationWindow: Duration.hours(200) })).toThrow(/validationWindow = 200: use 1 to 168/);
  });
});

describe('restore validation', () => {
  const PLAN = 'arn:aws:backup:eu-west-1:111111111111:restore-testing-plan:plan-1';
  const job = { restoreJobId: 'job-1', status: 'COMPLETED', createdResourceArn: 'arn:aws:rds:eu-west-1:111111111111:cluster:awsbackup-restore-test-1', restoreTestingPlanArn: PLAN };
  const deps = (cluster: Awaited<ReturnType<RestoreValidationDeps['describeCluster']>>) => {
    const put = jest.fn(async () => undefined);
    return { put, deps: { describeCluster: async () => cluster, putResult: put } as RestoreValidationDeps };
  };

  test('reports SUCCESSFUL for an available, encrypted Aurora cluster', async () => {
    const { put, deps: d } = deps({ status: 'available', storageEncrypted: true, engine: 'aurora-postgresql' });
    await expect(validateRestore(job, PLAN, d)).resolves.toMatchObject({ status: 'SUCCESSFUL' });
    expect(put).toHaveBeenCalledWith('job-1', 'SUCCESSFUL', expect.stringContaining('awsbackup-restore-test-1'));
  });

  test('reports FAILED with every problem of an unencrypted, unavailable cluster', async () => {
    const { put, deps: d } = deps({ status: 'inaccessible-encryption-credentials', storageEncrypted: false });
    await expect(validateRestore(job, PLAN, d)).resolves.toMatchObject({ status: 'FAILED' });
    expect(put).toHaveBeenCalledWith('job-1', 'FAILED', expect.stringMatching(/status is inaccessible-encryption-credentials.*not encrypted/));
  });

  test('reports FAILED when the restored cluster is missing', async () => {
    const { put, deps: d } = deps(undefined);
    await validateRestore(job, PLAN, d);
    expect(put).toHaveBeenCalledWith('job-1', 'FAILED', expect.stringContaining('does not exist'));
  });

  test('skips jobs of another plan and jobs that did not complete, without reporting', async () => {
    const { put, deps: d } = deps({ status: 'available', storageEncrypted: true });
    await expect(validateRestore({ ...job, restoreTestingPlanArn: `${PLAN}-other` }, PLAN, d)).resolves.toMatchObject({ status: 'SKIPPED' });
    await expect(validateRestore({ ...job, status: 'FAILED' }, PLAN, d)).resolves.toMatchObject({ status: 'SKIPPED' });
    expect(put).not.toHaveBeenCalled();
  });
});
