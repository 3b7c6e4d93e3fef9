import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { ReadinessReport } from '../readiness/types';
import { toVerifyError } from './errors';
import { PhysicalResource } from './stack-resources';

/** One deployed resource of the stage, found by type in its stack. */
export interface DeployedResource {
  readonly stackName: string;
  readonly region: string;
  readonly logicalId: string;
  readonly physicalId: string;
  readonly resourceType: string;
  /** From the report's evidence or the assembly's `aws:cdk:path` metadata. */
  readonly constructPath?: string;
}

/** The stage's stacks as deployed: what the checks that are not listed in the report look up by type. */
export interface Inventory {
  /** Every stack of the stage (region, name), deployed or not. */
  readonly stacks: readonly { readonly region: string; readonly stackName: string; readonly deployed: boolean }[];
  /** Account of the deployed stacks (from a stack ID), when one is deployed. */
  readonly accountId?: string;
  ofType(...types: string[]): DeployedResource[];
  /** The construct path of a stack's logical ID, when known. */
  constructPath(stackName: string, logicalId: string): string | undefined;
}

const key = (stackName: string, logicalId: string): string => `${stackName}\u0000${logicalId}`;

/** Every (region, stack) the report names in any evidence item; the default region when an item names none. */
export function reportStacks(report: ReadinessReport, defaultRegion: string): { region: string; stackName: string }[] {
  const seen = new Map<string, { region: string; stackName: string }>();
  for (const c of report.controls) {
    for (const e of [...c.evidence, ...(c.live?.resources ?? [])]) {
      if (!e.stackName) continue;
      const region = e.region ?? defaultRegion;
      seen.set(`${region}\u0000${e.stackName}`, { region, stackName: e.stackName });
    }
  }
  return [...seen.values()].sort((a, b) => `${a.region}/${a.stackName}`.localeCompare(`${b.region}/${b.stackName}`));
}

/** Construct paths by stack and logical ID from the report's evidence. */
export function reportConstructPaths(report: ReadinessReport): Map<string, string> {
  const paths = new Map<string, string>();
  for (const c of report.controls) {
    for (const e of [...c.evidence, ...(c.live?.resources ?? [])]) {
      if (e.stackName && e.logicalId && e.constructPath) paths.set(key(e.stackName, e.logicalId), e.constructPath);
    }
  }
  return paths;
}

/**
 * Construct paths from the cloud assembly: each stack artifact's template carries `aws:cdk:path`
 * metadata per logical ID. Nested assemblies (one per stage) are followed. Missing files give nothing.
 */
export function assemblyConstructPaths(assemblyDir: string): Map<string, string> {
  const paths = new Map<string, string>();
  const visit = (dir: string, depth: number): void => {
    if (depth > 3) return;
    let manifest: { artifacts?: Record<string, { type?: string; properties?: Record<string, unknown> }> };
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    } catch {
      return;
    }
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      const props = artifact.properties ?? {};
      if (artifact.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
        visit(path.join(dir, props.directoryName), depth + 1);
      } else if (artifact.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
        const stackName = typeof props.stackName === 'string' ? props.stackName : id;
        try {
          const template = JSON.parse(fs.readFileSync(path.join(dir, props.templateFile), 'utf8')) as {
            Resources?: Record<string, { Metadata?: Record<string, unknown> }>;
          };
          for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
            const p = r.Metadata?.['aws:cdk:path'];
            if (typeof p === 'string') paths.set(key(stackName, logicalId), p);
          }
        } catch {
          // An unreadable template only costs the construct path.
        }
      }
    }
  };
  visit(assemblyDir, 0);
  return paths;
}

/** Every resource of a stack, following NextToken (ListStackResources has no 100-resource cap). */
export async function listStackResources(
  client: CloudFormationClient,
  stackName: string,
  ctx: { region: string; profile?: string },
): Promise<PhysicalResource[] | undefined> {
  const out: PhysicalResource[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }));
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if (e.name === 'ValidationError' && /does not exist/i.test(e.message ?? '')) return undefined;
      throw toVerifyError(err, { action: 'cloudformation:ListStackResources', resource: `stack ${stackName}`, ...ctx });
    }
    for (const r of page.StackResourceSummaries ?? []) {
      out.push({
        logicalId: r.LogicalResourceId ?? '',
        physicalId: r.PhysicalResourceId || undefined,
        resourceType: r.ResourceType,
        resourceStatus: r.ResourceStatus,
      });
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return out;
}

export function makeInventory(
  stacks: readonly { region: string; stackName: string; resources?: readonly PhysicalResource[] }[],
  constructPaths: ReadonlyMap<string, string>,
  accountId: string | undefined,
): Inventory {
  const all: DeployedResource[] = [];
  for (const s of stacks) {
    for (const r of s.resources ?? []) {
      const status = r.resourceStatus ?? '';
      if (!r.physicalId || !r.resourceType || status.startsWith('DELETE_') || status === 'CREATE_FAILED') continue;
      all.push({
        stackName: s.stackName,
        region: s.region,
        logicalId: r.logicalId,
        physicalId: r.physicalId,
        resourceType: r.resourceType,
        constructPath: constructPaths.get(key(s.stackName, r.logicalId)),
      });
    }
  }
  return {
    stacks: stacks.map((s) => ({ region: s.region, stackName: s.stackName, deployed: s.resources !== undefined })),
    accountId,
    ofType: (...types) => all.filter((r) => types.includes(r.resourceType)),
    constructPath: (stackName, logicalId) => constructPaths.get(key(stackName, logicalId)),
  };
}
