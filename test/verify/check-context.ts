import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CheckContext, CheckSettings, DEFAULT_SETTINGS } from '../../lib/verify/checks';
import { makeInventory } from '../../lib/verify/inventory';
import { VerifyClients } from '../../lib/verify/verify';
import { ACCOUNT, NOW, REGION } from './fixtures';
import { otherClients } from './mock-clients';

export const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export const testClients: VerifyClients = {
  cloudFormation: (region) => new CloudFormationClient({ region, credentials }),
  cloudWatch: (region) => new CloudWatchClient({ region, credentials }),
  secretsManager: (region) => new SecretsManagerClient({ region, credentials }),
  ...otherClients(credentials),
};

/** A check context over one deployed stack holding `resources` (type, logical ID, physical ID). */
export function checkContext(
  resources: readonly { type: string; logicalId: string; physicalId: string; region?: string }[],
  settings: Partial<CheckSettings> = {},
  regions: readonly string[] = [REGION],
): CheckContext {
  const byRegion = new Map<string, { logicalId: string; physicalId: string; resourceType: string; resourceStatus: string }[]>();
  for (const r of resources) {
    const region = r.region ?? REGION;
    if (!byRegion.has(region)) byRegion.set(region, []);
    byRegion.get(region)!.push({ logicalId: r.logicalId, physicalId: r.physicalId, resourceType: r.type, resourceStatus: 'CREATE_COMPLETE' });
  }
  const stacks = [...byRegion.entries()].map(([region, rs]) => ({ region, stackName: 'Prod-Resilience', resources: rs }));
  const paths = new Map(resources.map((r) => [`Prod-Resilience\u0000${r.logicalId}`, `Prod/Resilience/${r.logicalId}/Resource`]));
  return {
    now: NOW,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    clients: testClients,
    inventory: makeInventory(stacks, paths, ACCOUNT),
    regions,
    concurrency: 2,
  };
}

export const throttling = (): Error =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400, attempts: 3 } });
export const denied = (): Error =>
  Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
