/**
 * Decides whether a restore made by an AWS Backup restore test produced a usable Aurora cluster,
 * and reports the verdict to AWS Backup (PutRestoreValidationResult). Pure logic: the AWS calls
 * are passed in, so tests run it without AWS.
 */

/** The `detail` of an EventBridge "Restore Job State Change" event from AWS Backup. */
export interface RestoreJobDetail {
  readonly restoreJobId: string;
  readonly status: string;
  readonly createdResourceArn?: string;
  readonly resourceType?: string;
  readonly restoreTestingPlanArn?: string;
}

export interface RestoredCluster {
  readonly status?: string;
  readonly storageEncrypted?: boolean;
  readonly engine?: string;
}

export interface RestoreValidationDeps {
  /** DescribeDBClusters for one identifier; undefined when it does not exist. */
  describeCluster(identifier: string): Promise<RestoredCluster | undefined>;
  /** PutRestoreValidationResult. */
  putResult(restoreJobId: string, status: 'SUCCESSFUL' | 'FAILED', message: string): Promise<void>;
}

export interface RestoreVerdict {
  readonly status: 'SUCCESSFUL' | 'FAILED' | 'SKIPPED';
  readonly message: string;
}

const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:([a-zA-Z][a-zA-Z0-9-]*)$/;

/** Checks the restored cluster and reports SUCCESSFUL or FAILED; jobs of other plans are skipped. */
export async function validateRestore(detail: RestoreJobDetail, planArn: string, deps: RestoreValidationDeps): Promise<RestoreVerdict> {
  if (detail.status !== 'COMPLETED') return { status: 'SKIPPED', message: `restore job status ${detail.status}` };
  if (detail.restoreTestingPlanArn !== undefined && detail.restoreTestingPlanArn !== planArn) {
    return { status: 'SKIPPED', message: 'restore job of another restore testing plan' };
  }
  const verdict = await judge(detail, deps);
  await deps.putResult(detail.restoreJobId, verdict.status, verdict.message);
  return verdict;
}

async function judge(detail: RestoreJobDetail, deps: RestoreValidationDeps): Promise<{ status: 'SUCCESSFUL' | 'FAILED'; message: string }> {
  const match = CLUSTER_ARN.exec(detail.createdResourceArn ?? '');
  if (!match) return { status: 'FAILED', message: `restored resource is not an Aurora cluster ARN: ${detail.createdResourceArn ?? '(none)'}` };
  const cluster = await deps.describeCluster(match[1]);
  if (!cluster) return { status: 'FAILED', message: `restored cluster ${match[1]} does not exist` };
  const problems: string[] = [];
  if (cluster.status !== 'available') problems.push(`status is ${cluster.status ?? 'unknown'}, not available`);
  if (cluster.storageEncrypted !== true) problems.push('storage is not encrypted');
  if (cluster.engine !== undefined && !cluster.engine.startsWith('aurora')) problems.push(`engine is ${cluster.engine}`);
  return problems.length === 0
    ? { status: 'SUCCESSFUL', message: `cluster ${match[1]} is available and encrypted` }
    : { status: 'FAILED', message: `cluster ${match[1]}: ${problems.join('; ')}` };
}
