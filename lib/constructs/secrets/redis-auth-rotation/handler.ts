/** Lambda entry point of the Redis AUTH token rotation (bundled by NodejsFunction). */
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createTlsProbe } from './probe';
import { rotate, RotationEvent } from './steps';

const secrets = new SecretsManagerClient({});
const elasticache = new ElastiCacheClient({});
const probe = createTlsProbe();

export async function handler(event: RotationEvent): Promise<void> {
  const replicationGroupId = process.env.REPLICATION_GROUP_ID;
  if (!replicationGroupId) throw new Error('REPLICATION_GROUP_ID is not set');
  await rotate(event, {
    secrets,
    elasticache,
    probe,
    replicationGroupId,
    tokenField: process.env.TOKEN_FIELD || undefined,
    log: (message) => console.log(message),
  });
}
