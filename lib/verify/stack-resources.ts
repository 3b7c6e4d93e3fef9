import { CloudFormationClient, DescribeStackResourcesCommand, StackResource } from '@aws-sdk/client-cloudformation';
import { toVerifyError } from './errors';

export interface PhysicalResource {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType?: string;
  /** `CREATE_COMPLETE`, `UPDATE_FAILED`, ... */
  readonly resourceStatus?: string;
}

export type StackLookup =
  | { readonly deployed: false; readonly reason: string }
  | {
      readonly deployed: true;
      readonly resources: ReadonlyMap<string, PhysicalResource>;
      /** True when `resources` is every resource of the stack (the first call returned fewer than 100). */
      readonly complete?: boolean;
      /** The stack's ARN, which names its account. */
      readonly stackId?: string;
    };

/** DescribeStackResources returns at most this many resources for a whole stack. */
export const DESCRIBE_STACK_RESOURCES_LIMIT = 100;

function isStackMissing(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}

function toPhysical(r: StackResource): PhysicalResource {
  return {
    logicalId: r.LogicalResourceId ?? '',
    physicalId: r.PhysicalResourceId || undefined,
    resourceType: r.ResourceType,
    resourceStatus: r.ResourceStatus,
  };
}

/**
 * Maps the logical IDs of one deployed stack to physical IDs. One call for the whole stack; a stack
 * with more than 100 resources gets one call per wanted logical ID that the first page left out.
 */
export async function lookupStack(
  client: CloudFormationClient,
  stackName: string,
  wantedLogicalIds: readonly string[],
  ctx: { region: string; profile?: string },
): Promise<StackLookup> {
  const action = 'cloudformation:DescribeStackResources';
  const resources = new Map<string, PhysicalResource>();
  let stackId: string | undefined;
  try {
    const out = await client.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    for (const r of out.StackResources ?? []) resources.set(r.LogicalResourceId ?? '', toPhysical(r));
    stackId = out.StackResources?.find((r) => r.StackId)?.StackId;
    if ((out.StackResources ?? []).length < DESCRIBE_STACK_RESOURCES_LIMIT) return { deployed: true, resources, complete: true, stackId };
  } catch (err) {
    if (isStackMissing(err)) return { deployed: false, reason: `stack ${stackName} is not deployed in ${ctx.region}` };
    throw toVerifyError(err, { action, resource: `stack ${stackName}`, ...ctx });
  }
  for (const logicalId of wantedLogicalIds) {
    if (resources.has(logicalId)) continue;
    try {
      const out = await client.send(new DescribeStackResourcesCommand({ StackName: stackName, LogicalResourceId: logicalId }));
      for (const r of out.StackResources ?? []) resources.set(r.LogicalResourceId ?? '', toPhysical(r));
    } catch (err) {
      // "Resource X does not exist for stack Y": the resource is simply not in the deployed stack.
      if ((err as { name?: string }).name === 'ValidationError') continue;
      throw toVerifyError(err, { action, resource: `${stackName}/${logicalId}`, ...ctx });
    }
  }
  return { deployed: true, resources, complete: false, stackId };
}

/** Why a deployed resource is not usable, or undefined when it is. */
export function unusableReason(resource: PhysicalResource | undefined, stackName: string): string | undefined {
  if (!resource) return `not in the deployed stack ${stackName} (deploy the current templates)`;
  const status = resource.resourceStatus ?? '';
  if (!resource.physicalId) return `has no physical ID in ${stackName} (status ${status || 'unknown'})`;
  if (status.startsWith('DELETE_') || status === 'CREATE_FAILED') return `is ${status} in ${stackName}`;
  return undefined;
}
