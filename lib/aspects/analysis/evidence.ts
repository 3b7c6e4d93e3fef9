/**
 * What a rule cites as proof: the resource (path, logical ID, stack, region, type) and why it counts.
 * The report carries these items; `readiness verify` reads the logical IDs back.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

export interface EvidenceItem {
  /** Construct path of the resource, e.g. `Prod/Data/Database/Cluster/Resource`. */
  readonly constructPath: string;
  /** CloudFormation logical ID in its stack. */
  readonly logicalId?: string;
  /** Stack name (artifact ID) the resource is in. */
  readonly stackName?: string;
  /** Region the stack deploys to; `readiness verify` falls back to `--region` when absent. */
  readonly region?: string;
  /** CloudFormation type, e.g. `AWS::RDS::DBCluster`. */
  readonly resourceType?: string;
  /** Free text: why this satisfies the control (arithmetic, attestation URL, ...). */
  readonly note?: string;
}

/**
 * Where a resource is: construct path, logical ID, the deployed stack name (what `readiness verify`
 * looks up, not the artifact ID), its region and type. The one way rules and the report cite a resource.
 */
export function evidenceOf(construct: IConstruct, note?: string): EvidenceItem {
  if (!CfnResource.isCfnResource(construct)) return { constructPath: construct.node.path, ...(note ? { note } : {}) };
  const stack = Stack.of(construct);
  return {
    constructPath: construct.node.path,
    logicalId: stack.resolve(construct.logicalId),
    stackName: stack.stackName,
    // Stages span regions (DR, us-east-1 edge): `readiness verify` looks each stack up in its own region.
    ...(Token.isUnresolved(stack.region) ? {} : { region: stack.region }),
    resourceType: construct.cfnResourceType,
    ...(note ? { note } : {}),
  };
}
