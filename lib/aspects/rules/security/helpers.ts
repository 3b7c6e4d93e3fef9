/** Shared reading of security-relevant values (keys, resource lists) for the security rules. */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EvidenceItem } from '../../../readiness/types';
import { logicalIdOf, primitive, resourcesOfType } from '../../rule-helpers';

/**
 * A customer-managed KMS key: a reference to a key resource (Ref/GetAtt/ImportValue) or a literal
 * key/alias ARN that is not an AWS managed alias (`alias/aws/...`). Missing is not.
 */
export function isCustomerManagedKey(node: CfnResource, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  const r = primitive(node, value);
  if (r.known) return typeof r.value === 'string' && r.value.length > 0 && !/alias\/aws\//.test(r.value);
  // An intrinsic can only point at a key resource or an exported key ARN; AWS managed keys are not resources.
  return true;
}

/** Evidence for the report: where the resource is. */
export function evidenceOf(node: CfnResource, note?: string): EvidenceItem {
  return { constructPath: node.node.path, logicalId: logicalIdOf(node), stackName: Stack.of(node).artifactId, resourceType: node.cfnResourceType, note };
}

/** Every CfnResource of `type` under `scope`, in tree order (read from the type index a gate run keeps, not a walk per call). */
export function findAllOfType(scope: IConstruct, type: string): CfnResource[] {
  return [...resourcesOfType(scope, type)];
}

/** Lower-cased list of strings from a value that may be a string or a list. */
export function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string').map((v) => (v as string).toLowerCase());
}
