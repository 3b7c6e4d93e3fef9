/**
 * What a rule cites as proof: the resource (path, logical ID, stack, region, type) and why it counts.
 * The report carries these items; `readiness verify` reads the logical IDs back.
 */
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
