/** Lambda entry point of the restore-test validation (bundled by NodejsFunction; the AWS SDK comes from the runtime). */
import { RestoreJobDetail, validateRestore } from './validate';

// The SDK clients are loaded from the Lambda runtime, not from this package's dependencies.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rdsSdk = require('@aws-sdk/client-rds');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const backupSdk = require('@aws-sdk/client-backup');

const rds = new rdsSdk.RDSClient({});
const backup = new backupSdk.BackupClient({});

export async function handler(event: { detail: RestoreJobDetail }): Promise<void> {
  const verdict = await validateRestore(event.detail, process.env.RESTORE_TESTING_PLAN_ARN ?? '', {
    describeCluster: async (identifier) => {
      try {
        const out = await rds.send(new rdsSdk.DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
        const c = out.DBClusters?.[0];
        return c ? { status: c.Status, storageEncrypted: c.StorageEncrypted, engine: c.Engine } : undefined;
      } catch (e) {
        if ((e as { name?: string }).name === 'DBClusterNotFoundFault') return undefined;
        throw e;
      }
    },
    putResult: async (restoreJobId, status, message) => {
      await backup.send(new backupSdk.PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: status, ValidationStatusMessage: message }));
    },
  });
  console.log(JSON.stringify({ restoreJobId: event.detail.restoreJobId, ...verdict }));
}
