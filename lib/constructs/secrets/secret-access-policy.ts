import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The actions the policy keeps to the allowed roles: reading and rotating the value. */
export const GUARDED_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

export interface SecretAccessPolicyProps {
  /** The secret to guard (one this app creates: imported secrets cannot take a resource policy). */
  readonly secret: secretsmanager.ISecret;
  /**
   * Roles that may read or rotate the secret.
   * @default - none besides `allowedStacks`
   */
  readonly allowedRoles?: readonly iam.IRole[];
  /**
   * Stacks whose roles may read or rotate the secret: role names CloudFormation generates start with
   * the stack name. Matched by name pattern, so no cross-stack reference (and no cycle) is created.
   * @default - the secret's own stack
   */
  readonly allowedStacks?: readonly Stack[];
}

/**
 * A resource policy on a secret that denies reading and writing its value to every principal except
 * the roles that need it: listed roles, roles of the listed stacks, and CloudFormation deployments
 * (which resolve `{{resolve:secretsmanager:...}}` references with the CDK deployment role).
 * Identity policies cannot widen it: an explicit deny wins, for administrators too.
 */
export class SecretAccessPolicy extends Construct {
  private readonly roles: iam.IRole[] = [];
  private readonly stacks: Stack[] = [];

  constructor(scope: Construct, id: string, props: SecretAccessPolicyProps) {
    super(scope, id);
    for (const role of props.allowedRoles ?? []) this.allowRole(role);
    for (const stack of props.allowedStacks ?? [Stack.of(props.secret)]) this.allowStack(stack);

    const { partition, account } = Stack.of(this);
    const result = props.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOutsideAllowedRoles',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...GUARDED_SECRET_ACTIONS],
        resources: ['*'],
        conditions: {
          ArnNotLike: {
            'aws:PrincipalArn': Lazy.list({
              produce: () => [
                ...this.roles.map((r) => r.roleArn),
                ...this.stacks.map((s) => `arn:${partition}:iam::${account}:role/${s.stackName}-*`),
                // The CDK bootstrap's CloudFormation execution role resolves dynamic references at deploy time.
                `arn:${partition}:iam::${account}:role/cdk-*-cfn-exec-role-*`,
              ],
            }),
          },
        },
      }),
    );
    if (!result.statementAdded) {
      throw new Error(`SecretAccessPolicy ${this.node.path}: the secret is imported and cannot take a resource policy; guard it where it is created`);
    }
  }

  /** Lets `role` (same stack as the secret, or referenced across stacks) read and rotate the secret. */
  public allowRole(role: iam.IRole): void {
    if (!this.roles.includes(role)) this.roles.push(role);
  }

  /** Lets the roles of `stack` read and rotate the secret (by role-name prefix, no cross-stack reference). */
  public allowStack(stack: Stack): void {
    if (!this.stacks.includes(stack)) this.stacks.push(stack);
  }
}
