import {
  BackupClient,
  GetBackupPlanCommand,
  GetRestoreTestingPlanCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  RecoveryPointByBackupVault,
  RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { ControlStatus } from '../readiness/types';
import { age, CheckContext, ControlCheck, iso, paginate, row, schedulePeriodMs } from './checks';
import { mapLimit } from './concurrency';
import { toVerifyError } from './errors';
import { LiveResourceResult } from './types';

export const RESTORE_TESTING_PLAN_TYPE = 'AWS::Backup::RestoreTestingPlan';
export const BACKUP_PLAN_TYPE = 'AWS::Backup::BackupPlan';

const FINISHED = new Set(['COMPLETED', 'FAILED', 'ABORTED']);

/** The latest finished restore job decides: COMPLETED with validation SUCCESSFUL, within period + slack. */
export function evaluateRestoreJobs(
  jobs: readonly RestoreJobsListMember[],
  planName: string,
  periodMs: number,
  slackMs: number,
  now: Date,
): { status: ControlStatus; reason: string; evidenceAt?: Date } {
  const finished = jobs
    .filter((j) => FINISHED.has(j.Status ?? '') && j.CreationDate)
    .sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime());
  const latest = finished[0];
  const due = `every ${age(periodMs)} + ${age(slackMs)} slack`;
  if (!latest) {
    const running = jobs.find((j) => !FINISHED.has(j.Status ?? ''));
    return {
      status: 'missing',
      reason:
        `no finished restore job of plan ${planName} since ${iso(new Date(now.getTime() - periodMs - slackMs))} (${due})` +
        (running ? `; job ${running.RestoreJobId} is ${running.Status}` : ''),
    };
  }
  const at = latest.CompletionDate ?? latest.CreationDate!;
  const when = `restore job ${latest.RestoreJobId} created ${iso(latest.CreationDate)}`;
  if (now.getTime() - latest.CreationDate!.getTime() > periodMs + slackMs) {
    return { status: 'missing', reason: `latest ${when} is ${age(now.getTime() - latest.CreationDate!.getTime())} old (${due})`, evidenceAt: at };
  }
  if (latest.Status !== 'COMPLETED') {
    return { status: 'missing', reason: `latest ${when} ${latest.Status}: ${latest.StatusMessage ?? 'no status message'}`, evidenceAt: at };
  }
  const validation = latest.ValidationStatus;
  if (validation === 'SUCCESSFUL') {
    return { status: 'ready', reason: `latest ${when} COMPLETED ${iso(latest.CompletionDate)}, validation SUCCESSFUL (${due})`, evidenceAt: at };
  }
  if (validation === 'FAILED' || validation === 'TIMED_OUT') {
    return {
      status: 'missing',
      reason: `latest ${when} COMPLETED but validation ${validation}: ${latest.ValidationStatusMessage ?? 'no message'}`,
      evidenceAt: at,
    };
  }
  return {
    status: 'conditional',
    reason: `latest ${when} COMPLETED, validation ${validation ?? 'not reported (no validation configured?)'}`,
    evidenceAt: at,
  };
}

/** Restore tests: the latest restore job of each restore-testing plan succeeded and validated within its schedule. */
export const restoreTestsCheck: ControlCheck = {
  check: 'restore-tests',
  control: 'BACKUP-DR',
  needs: `${RESTORE_TESTING_PLAN_TYPE}`,
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const plans = ctx.inventory.ofType(RESTORE_TESTING_PLAN_TYPE);
    return mapLimit(plans, ctx.concurrency, async (plan) => {
      const client: BackupClient = ctx.clients.backup(plan.region);
      const cctx = { region: plan.region, profile: ctx.profile };
      let got;
      try {
        got = await client.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: plan.physicalId }));
      } catch (err) {
        if ((err as { name?: string }).name === 'ResourceNotFoundException') {
          return row(plan, 'missing', `restore testing plan ${plan.physicalId} does not exist in AWS Backup`);
        }
        throw toVerifyError(err, { action: 'backup:GetRestoreTestingPlan', resource: plan.physicalId, ...cctx });
      }
      const p = got.RestoreTestingPlan;
      const period = schedulePeriodMs(p?.ScheduleExpression) ?? 31 * 86_400_000;
      const after = new Date(ctx.now.getTime() - period - ctx.settings.restoreSlackMs);
      const pages = await paginate(
        async (token) => {
          try {
            return await client.send(
              new ListRestoreJobsCommand({ ByRestoreTestingPlanArn: p?.RestoreTestingPlanArn, ByCreatedAfter: after, NextToken: token, MaxResults: 100 }),
            );
          } catch (err) {
            throw toVerifyError(err, { action: 'backup:ListRestoreJobs', resource: `restore jobs of ${plan.physicalId}`, ...cctx });
          }
        },
        (page) => page.NextToken,
      );
      const jobs = pages.flatMap((page) => page.RestoreJobs ?? []);
      const r = evaluateRestoreJobs(jobs, plan.physicalId, period, ctx.settings.restoreSlackMs, ctx.now);
      return row(plan, r.status, r.reason, r.evidenceAt);
    });
  },
};

/** The newest completed recovery point decides: younger than the RPO target. */
export function evaluateCopies(
  points: readonly RecoveryPointByBackupVault[],
  vaultArn: string,
  rpoMs: number,
  now: Date,
): { status: ControlStatus; reason: string; evidenceAt?: Date } {
  const newest = points
    .filter((p) => p.Status === 'COMPLETED' && p.CreationDate)
    .sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime())[0];
  if (!newest) {
    return { status: 'missing', reason: `no completed recovery point in ${vaultArn} since ${iso(new Date(now.getTime() - 2 * rpoMs))} (RPO ${age(rpoMs)})` };
  }
  const ageMs = now.getTime() - newest.CreationDate!.getTime();
  const what = `newest copy ${newest.RecoveryPointArn} in ${vaultArn} created ${iso(newest.CreationDate)}, ${age(ageMs)} old`;
  if (ageMs > rpoMs) return { status: 'missing', reason: `${what}: older than the RPO target ${age(rpoMs)}`, evidenceAt: newest.CreationDate };
  return { status: 'ready', reason: `${what}, within the RPO target ${age(rpoMs)}`, evidenceAt: newest.CreationDate };
}

/** Backup copies: for each backup plan rule that copies to another vault, the newest copy there is within the RPO. */
export const backupCopiesCheck: ControlCheck = {
  check: 'backup-copies',
  control: 'RTO-RPO',
  needs: `${BACKUP_PLAN_TYPE} with a copy action`,
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const plans = ctx.inventory.ofType(BACKUP_PLAN_TYPE);
    const rows = await mapLimit(plans, ctx.concurrency, async (plan) => {
      const cctx = { region: plan.region, profile: ctx.profile };
      let got;
      try {
        got = await ctx.clients.backup(plan.region).send(new GetBackupPlanCommand({ BackupPlanId: plan.physicalId }));
      } catch (err) {
        if ((err as { name?: string }).name === 'ResourceNotFoundException') {
          return [row(plan, 'missing', `backup plan ${plan.physicalId} does not exist in AWS Backup`)];
        }
        throw toVerifyError(err, { action: 'backup:GetBackupPlan', resource: plan.physicalId, ...cctx });
      }
      const destinations = [
        ...new Set((got.BackupPlan?.Rules ?? []).flatMap((r) => (r.CopyActions ?? []).map((a) => a.DestinationBackupVaultArn ?? ''))),
      ].filter((a) => a !== '');
      const out: LiveResourceResult[] = [];
      for (const vaultArn of destinations) {
        const [, , , region, , , vaultName] = vaultArn.split(':');
        const after = new Date(ctx.now.getTime() - 2 * ctx.settings.rpoMs);
        const pages = await paginate(
          async (token) => {
            try {
              return await ctx.clients.backup(region).send(
                new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: vaultName, ByCreatedAfter: after, NextToken: token, MaxResults: 100 }),
              );
            } catch (err) {
              throw toVerifyError(err, { action: 'backup:ListRecoveryPointsByBackupVault', resource: vaultArn, region, profile: ctx.profile });
            }
          },
          (page) => page.NextToken,
        );
        const r = evaluateCopies(pages.flatMap((p) => p.RecoveryPoints ?? []), vaultArn, ctx.settings.rpoMs, ctx.now);
        out.push(row(plan, r.status, r.reason, r.evidenceAt));
      }
      return out;
    });
    return rows.flat();
  },
};
