import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';
import { acknowledgeVpcLambdaManagedPolicies, bundledHandler, httpsOnlySecurityGroup, retainedLogGroup } from '../shared/bundled-handler';

export interface RedisAuthRotationProps {
  /** Secret that holds the AUTH token the replication group uses. */
  readonly secret: secretsmanager.ISecret;
  /** The replication group whose AUTH token is rotated (it must have in-transit encryption). */
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** VPC of the replication group: the function runs in it to test the new token. */
  readonly vpc: ec2.IVpc;
  /** Key for the function's log group and environment; its policy must let CloudWatch Logs of this account use it. */
  readonly encryptionKey: kms.IKey;
  /**
   * Subnets of the function: they need a route to the Secrets Manager and ElastiCache APIs.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Time between automatic rotations (1 to 365 days; keep it at 30 days or less in prod).
   * @default - Duration.days(30)
   */
  readonly rotationInterval?: Duration;
  /**
   * JSON field of the secret that holds the token.
   * @default - 'authToken'; pass '' when the secret string is the token itself
   */
  readonly tokenField?: string;
  /**
   * Topic the rotation-failure alarm notifies.
   * @default - the alarm has no action (the readiness alarm rule then reports it)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * How long the function's logs are kept.
   * @default - logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const RULES: readonly ValidationRule<{ rotationDays: number }>[] = [
  {
    field: 'rotationInterval',
    value: (p) => p.rotationDays,
    check: (v: number) => Number.isInteger(v) && v >= 1 && v <= 365,
    fix: 'rotate every 1 to 365 whole days, e.g. Duration.days(30)',
  },
];

/**
 * Rotates an ElastiCache AUTH token stored in Secrets Manager (ElastiCache does not rotate it itself):
 * a bundled rotation function in the VPC (createSecret, setSecret with ROTATE, testSecret over TLS,
 * finishSecret with SET), a rotation schedule, least-privilege IAM, and an alarm when a rotation fails.
 *
 * The function's security group opens no ports and egresses only on 443 (AWS APIs); admit it to the
 * cache port through the cache's own security group (`ResilientRedis` does that itself).
 */
export class RedisAuthRotation extends Construct {
  public readonly function: lambda.IFunction;
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly rotationSchedule: secretsmanager.RotationSchedule;
  /** In ALARM when a rotation step failed in the last 5 minutes. */
  public readonly failureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RedisAuthRotationProps) {
    super(scope, id);
    const interval = props.rotationInterval ?? Duration.days(30);
    assertValid(`RedisAuthRotation ${this.node.path}`, { rotationDays: interval.toHours({ integral: false }) / 24 }, RULES);

    const stack = Stack.of(this);
    const groupArn = stack.formatArn({
      service: 'elasticache',
      resource: 'replicationgroup',
      resourceName: props.replicationGroup.ref,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // ModifyReplicationGroup also authorizes against the member clusters (named <group>-NNN[-NNN]).
    const memberArn = stack.formatArn({
      service: 'elasticache',
      resource: 'cluster',
      resourceName: `${props.replicationGroup.ref}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.securityGroup = httpsOnlySecurityGroup(
      this,
      props.vpc,
      `Redis AUTH rotation of ${props.replicationGroup.node.path}`,
      'Secrets Manager and ElastiCache APIs',
    );

    const logGroup = retainedLogGroup(this, 'Logs', props.encryptionKey, props.logRetention);

    const fn = bundledHandler(this, 'Function', {
      dir: __dirname,
      name: 'redis-auth-rotation',
      description: `Rotates the AUTH token of ${props.replicationGroup.node.path}`,
      // setSecret and finishSecret wait for the group to leave "modifying" (up to 12 minutes).
      timeout: Duration.minutes(15),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      logGroup,
      environmentEncryption: props.encryptionKey,
      environment: {
        REPLICATION_GROUP_ID: props.replicationGroup.ref,
        TOKEN_FIELD: props.tokenField ?? 'authToken',
      },
      externalModules: ['@aws-sdk/*'],
    });
    this.function = fn;

    // The rotation schedule grants the secret actions (this secret only), GetRandomPassword and the key via Secrets Manager.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SetTokenOnThisGroup',
        actions: ['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup'],
        resources: [groupArn, memberArn],
      }),
    );

    this.rotationSchedule = props.secret.addRotationSchedule('RotationSchedule', {
      rotationLambda: fn,
      automaticallyAfter: interval,
    });
    // The first rotation runs on deploy: the group must exist and be available by then.
    this.rotationSchedule.node.addDependency(props.replicationGroup);

    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription: `Rotation of the AUTH token of ${props.replicationGroup.node.path} failed: the old token stays valid until a rotation succeeds. See the function's logs.`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) {
      this.failureAlarm.addAlarmAction(new cw_actions.SnsAction(props.alarmTopic));
      // A throttled rotation step is retried by Secrets Manager, but throttling that persists stops rotation.
      new cloudwatch.Alarm(this, 'ThrottleAlarm', {
        alarmDescription: `Rotation of the AUTH token of ${props.replicationGroup.node.path} was throttled: check the function's reserved concurrency and account limits.`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new cw_actions.SnsAction(props.alarmTopic));
    }
    this.acknowledgeFindings(fn, props.replicationGroup);
  }

  /** cdk-nag findings on what aws-cdk-lib makes for the function, each with why it stays. */
  private acknowledgeFindings(fn: nodejs.NodejsFunction, group: elasticache.CfnReplicationGroup): void {
    const stack = Stack.of(this);
    // cdk-nag names the finding after the rendered ARN: pseudo parameters and the group's logical ID in <>.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const memberClusters = `arn:${partition}:elasticache:${region}:${account}:cluster:<${stack.resolve(group.logicalId)}>-*`;
    acknowledgeVpcLambdaManagedPolicies(fn);
    const policy = fn.role!.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Only secretsmanager:GetRandomPassword, which has no resource type; every other action names this secret or this replication group',
      });
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${memberClusters}]`,
        reason: 'ModifyReplicationGroup also authorizes on the member clusters, which ElastiCache names <group>-NNN: the wildcard is limited to this group',
      });
      Validations.of(policy).acknowledge({
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: 'The policy is the function role\'s own least-privilege grant (this secret, this group); a separate managed policy would widen its reuse, not narrow it',
      });
    }
    Validations.of(fn).acknowledge({
      id: 'NIST.800.53.R5-LambdaConcurrency',
      reason: 'Secrets Manager runs one rotation of a secret at a time; reserving concurrency would take from the account pool and can fail the deploy in new accounts',
    });
    Validations.of(fn).acknowledge({
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'Secrets Manager invokes the rotation synchronously (a DLQ only applies to async invocations); a failed step raises FailureAlarm and Secrets Manager retries it',
    });
  }
}
