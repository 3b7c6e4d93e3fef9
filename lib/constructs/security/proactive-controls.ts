import { Aws, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { acknowledge } from '../service/task-helpers';

/** Sid of the key-policy statement that keeps grants for AWS services (CT.KMS.PR.3). */
export const GRANT_GUARD_SID = 'DenyGrantsNotForAwsResources';

/** Repository name GuardDuty hosts its Fargate runtime agent under (one AWS-owned account per region). */
export const GUARDDUTY_FARGATE_AGENT_REPOSITORY = 'aws-guardduty-agent-fargate';

export interface ProactiveControlGuardsProps {
  /**
   * GuardDuty Runtime Monitoring manages its agent on Fargate: ECS pulls the agent sidecar with each
   * task's execution role, so every Fargate task definition may pull GuardDuty's agent repository.
   * @default false
   */
  readonly guardDutyFargateAgent?: boolean;
}

/**
 * The deny statement AWS Control Tower's CT.KMS.PR.3 expects: nobody may create a grant on the key
 * unless the grant is for an AWS resource (an integrated service acting for a caller) or the caller is
 * an AWS service. Grants are how services (RDS, EBS, Lambda, Backup, ElastiCache) use a key on a
 * principal's behalf; a grant for anything else hands key use to someone the policy never named.
 */
export function grantGuardStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: GRANT_GUARD_SID,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}

/**
 * One mechanism for the AWS Control Tower proactive controls every resource of a kind must meet,
 * whichever construct made the resource (apply it to a Stage or App with `Aspects.of(scope).add`):
 * - every `kms.Key` denies `kms:CreateGrant` unless the grant is for an AWS resource (CT.KMS.PR.3);
 * - every `AWS::Lambda::Permission` for a service principal names the account the calls may come from
 *   (`SourceAccount`, CT.LAMBDA.PR.2) when it names neither a source account nor a source ARN with an
 *   account (S3 ARNs have none): a service principal alone lets that service invoke the function on
 *   behalf of any account;
 * - with `guardDutyFargateAgent`, every Fargate task's execution role may pull GuardDuty's agent
 *   (`ecr:GetAuthorizationToken` and pulls from the `aws-guardduty-agent-fargate` repository of the
 *   region; the owning AWS account differs per region, so the account is a wildcard and the repository
 *   name the scope). Without it a role scoped to the task's own repositories cannot start the sidecar
 *   and GuardDuty reports the tasks as unprotected.
 */
export class ProactiveControlGuards implements IAspect {
  private readonly done = new WeakSet<IConstruct>();

  constructor(private readonly props: ProactiveControlGuardsProps = {}) {}

  public visit(node: IConstruct): void {
    if (this.done.has(node)) return;
    if (node instanceof kms.Key) {
      this.done.add(node);
      node.addToResourcePolicy(grantGuardStatement());
    } else if (node instanceof lambda.CfnPermission) {
      this.done.add(node);
      scopeServicePermission(node);
    } else if (this.props.guardDutyFargateAgent && node instanceof ecs.FargateTaskDefinition) {
      this.done.add(node);
      allowGuardDutyAgentPull(node);
    }
  }
}

function scopeServicePermission(permission: lambda.CfnPermission): void {
  const principal = permission.principal;
  if (Token.isUnresolved(principal) || !/\.amazonaws\.com(\.cn)?$/.test(principal)) return;
  if (permission.sourceAccount !== undefined) return;
  // A source ARN names the account, except for services whose ARNs have none (S3 buckets: arn:aws:s3:::name).
  const arn = permission.sourceArn;
  if (arn !== undefined && (Token.isUnresolved(arn) || !/^arn:[^:]+:[^:]+:[^:]*::/.test(arn))) return;
  const account = Stack.of(permission).account;
  // An env-agnostic stack gets the deploy-time account: still scoped, though not a literal.
  permission.sourceAccount = Token.isUnresolved(account) ? Aws.ACCOUNT_ID : account;
}

function allowGuardDutyAgentPull(taskDefinition: ecs.FargateTaskDefinition): void {
  const { partition, region } = Stack.of(taskDefinition);
  taskDefinition.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  taskDefinition.addToExecutionRolePolicy(
    new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      resources: [`arn:${partition}:ecr:${region}:*:repository/${GUARDDUTY_FARGATE_AGENT_REPOSITORY}`],
    }),
  );
  const rendered = Stack.of(taskDefinition).resolve(partition);
  acknowledge(
    taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy'),
    `AwsSolutions-IAM5[Resource::arn:${typeof rendered === 'string' ? rendered : '<AWS::Partition>'}:ecr:${region}:*:repository/${GUARDDUTY_FARGATE_AGENT_REPOSITORY}]`,
    'GuardDuty hosts its Fargate agent in an AWS-owned account that differs per region; the statement is scoped to that repository name and to pulls.',
  );
}
