import { BackupClient, GetBackupPlanCommand, GetRestoreTestingPlanCommand, ListRecoveryPointsByBackupVaultCommand, ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { backupCopiesCheck, evaluateRestoreJobs, restoreTestsCheck } from '../../lib/verify/backup';
import { schedulePeriodMs } from '../../lib/verify/checks';
import { VerifyError } from '../../lib/verify/errors';
import { checkContext, throttling } from './check-context';
import { DAY, daysAgo, NOW, REGION } from './fixtures';

const backup = mockClient(BackupClient);
beforeEach(() => backup.reset());

const PLAN = 'prod_restore_test';
const PLAN_ARN = `arn:aws:backup:${REGION}:123456789012:restore-testing-plan:${PLAN}-abc`;
const ctx = () => checkContext([{ type: 'AWS::Backup::RestoreTestingPlan', logicalId: 'RestoreTestingPlan', physicalId: PLAN }]);

function plan(schedule = 'cron(0 5 ? * SAT *)'): void {
  backup.on(GetRestoreTestingPlanCommand).resolves({
    RestoreTestingPlan: { RestoreTestingPlanArn: PLAN_ARN, RestoreTestingPlanName: PLAN, ScheduleExpression: schedule, CreationTime: daysAgo(100), RecoveryPointSelection: {} },
  });
}

const job = (id: string, created: Date, status: string, validation?: string) => ({
  RestoreJobId: id,
  CreationDate: created,
  CompletionDate: new Date(created.getTime() + 3_600_000),
  Status: status as never,
  ValidationStatus: validation as never,
  StatusMessage: status === 'FAILED' ? 'Access denied to KMS key' : undefined,
});

describe('restore tests', () => {
  test('schedule periods: weekly and monthly crons, rates, unknown', () => {
    expect(schedulePeriodMs('cron(0 5 ? * SAT *)')).toBe(7 * DAY);
    expect(schedulePeriodMs('cron(0 5 1 * ? *)')).toBe(31 * DAY);
    expect(schedulePeriodMs('cron(0 5 * * ? *)')).toBe(DAY);
    expect(schedulePeriodMs('rate(12 hours)')).toBe(DAY / 2);
    expect(schedulePeriodMs('at(2026-01-01T00:00:00)')).toBeUndefined();
  });

  test('healthy: the latest job COMPLETED with validation SUCCESSFUL within the week; filtered by the plan ARN', async () => {
    plan();
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [job('j-old', daysAgo(9), 'FAILED'), job('j-new', daysAgo(2), 'COMPLETED', 'SUCCESSFUL')] });
    const [r] = await restoreTestsCheck.run(ctx());
    expect(r).toMatchObject({ status: 'ready', constructPath: 'Prod/Resilience/RestoreTestingPlan/Resource', evidenceAt: new Date(daysAgo(2).getTime() + 3_600_000).toISOString() });
    expect(r.reason).toMatch(/restore job j-new .* COMPLETED .* validation SUCCESSFUL \(every 7 d \+ 1 d slack\)/);
    expect(backup.commandCalls(ListRestoreJobsCommand)[0].args[0].input).toMatchObject({ ByRestoreTestingPlanArn: PLAN_ARN, ByCreatedAfter: daysAgo(8) });
  });

  test('failing: the latest job FAILED is missing with its status message and time', async () => {
    plan();
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [job('j-ok', daysAgo(6), 'COMPLETED', 'SUCCESSFUL'), job('j-bad', daysAgo(1), 'FAILED')] });
    const [r] = await restoreTestsCheck.run(ctx());
    expect(r.status).toBe('missing');
    expect(r.reason).toMatch(/^latest restore job j-bad created 2026-11-20T12:00:00.000Z FAILED: Access denied to KMS key/);
  });

  test('validation FAILED is missing; validation still running is conditional', () => {
    expect(evaluateRestoreJobs([job('j', daysAgo(1), 'COMPLETED', 'FAILED')], PLAN, 7 * DAY, DAY, NOW).status).toBe('missing');
    expect(evaluateRestoreJobs([job('j', daysAgo(1), 'COMPLETED', 'VALIDATING')], PLAN, 7 * DAY, DAY, NOW).status).toBe('conditional');
  });

  test('stale: no job in the period is missing, naming the period', async () => {
    plan();
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    const [r] = await restoreTestsCheck.run(ctx());
    expect(r).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^no finished restore job of plan prod_restore_test since 2026-11-13T12:00:00.000Z \(every 7 d \+ 1 d slack\)/) });
  });

  test('missing: a plan deleted outside CloudFormation', async () => {
    backup.on(GetRestoreTestingPlanCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    const [r] = await restoreTestsCheck.run(ctx());
    expect(r).toMatchObject({ status: 'missing', reason: `restore testing plan ${PLAN} does not exist in AWS Backup` });
  });

  test('paginated: follows NextToken and decides on the newest job of all pages', async () => {
    plan();
    backup
      .on(ListRestoreJobsCommand, { NextToken: undefined })
      .resolves({ RestoreJobs: [job('j1', daysAgo(5), 'COMPLETED', 'SUCCESSFUL')], NextToken: 't2' })
      .on(ListRestoreJobsCommand, { NextToken: 't2' })
      .resolves({ RestoreJobs: [job('j2', daysAgo(1), 'ABORTED')] });
    const [r] = await restoreTestsCheck.run(ctx());
    expect(backup.commandCalls(ListRestoreJobsCommand)).toHaveLength(2);
    expect(r.reason).toMatch(/j2 .* ABORTED/);
  });

  test('throttled after the SDK retries: one VerifyError naming backup:ListRestoreJobs', async () => {
    plan();
    backup.on(ListRestoreJobsCommand).rejects(throttling());
    await expect(restoreTestsCheck.run(ctx())).rejects.toThrow(VerifyError);
    await expect(restoreTestsCheck.run(ctx())).rejects.toThrow(/Throttled: backup:ListRestoreJobs in eu-west-1 was still throttled after 3 attempts/);
  });
});

describe('backup copies', () => {
  const VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:DrVault';
  const bctx = (rpoMs = DAY) => checkContext([{ type: 'AWS::Backup::BackupPlan', logicalId: 'BackupPlan', physicalId: 'plan-1' }], { rpoMs });
  beforeEach(() => {
    backup.on(GetBackupPlanCommand).resolves({
      BackupPlan: { BackupPlanName: 'p', Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'Primary', CopyActions: [{ DestinationBackupVaultArn: VAULT }] }] },
    });
  });

  test('healthy: the newest copy in the DR vault is younger than the RPO; asked in the vault region', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [{ RecoveryPointArn: 'rp-1', Status: 'COMPLETED', CreationDate: new Date(NOW.getTime() - 5 * 3_600_000) }],
    });
    const [r] = await backupCopiesCheck.run(bctx());
    expect(r).toMatchObject({ status: 'ready', reason: expect.stringMatching(/newest copy rp-1 .* 5 h old, within the RPO target 1 d/) });
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input.BackupVaultName).toBe('DrVault');
  });

  test('failing: the newest copy is older than the RPO target', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [{ RecoveryPointArn: 'rp-1', Status: 'COMPLETED', CreationDate: new Date(NOW.getTime() - 30 * 3_600_000) }],
    });
    const [r] = await backupCopiesCheck.run(bctx());
    expect(r).toMatchObject({ status: 'missing', reason: expect.stringMatching(/created 2026-11-20T06:00:00.000Z, 1.3 d old: older than the RPO target 1 d/) });
  });

  test('missing: no completed copy at all; paginated', async () => {
    backup
      .on(ListRecoveryPointsByBackupVaultCommand, { NextToken: undefined })
      .resolves({ RecoveryPoints: [{ RecoveryPointArn: 'rp-x', Status: 'PARTIAL', CreationDate: daysAgo(0.1) }], NextToken: 'n' })
      .on(ListRecoveryPointsByBackupVaultCommand, { NextToken: 'n' })
      .resolves({ RecoveryPoints: [] });
    const [r] = await backupCopiesCheck.run(bctx());
    expect(r).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^no completed recovery point in .*DrVault/) });
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(2);
  });
});
