import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { bundledHandler, retainedLogGroup } from '../shared/bundled-handler';
import { EVENT_TARGET_MAX_EVENT_AGE, EventDeadLetterQueue } from '../shared/event-dead-letter-queue';
import { BACKUP_SELECTION_TAG } from './tags';
import { allowLogsToUseKey } from '../shared/log-encryption-key';

export interface AuroraRestoreTestProps {
  /** Vault whose latest Aurora recovery point is restored. */
  readonly vault: backup.IBackupVault;
  /**
   * When to restore, an AWS cron expression in UTC.
   * @default 'cron(0 5 ? * SAT *)' - every Saturday 05:00 UTC
   */
  readonly schedule?: string;
  /**
   * How long the restored cluster is kept for validation before AWS Backup deletes it (1 to 168 hours).
   * @default Duration.hours(4)
   */
  readonly validationWindow?: Duration;
  /**
   * Only recovery points younger than this are restored (1 to 365 days).
   * @default Duration.days(7)
   */
  readonly recoveryPointWindow?: Duration;
  /**
   * Tag of the clusters to restore.
   * @default BACKUP_SELECTION_TAG
   */
  readonly selectionTag?: { readonly key: string; readonly value: string };
  /**
   * Restore metadata that should not be inferred from the source cluster (e.g. `vpcSecurityGroupIds`).
   * @default - AWS Backup infers everything from the protected cluster
   */
  readonly restoreMetadataOverrides?: Readonly<Record<string, string>>;
  /**
   * Retention of the validation function's log.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key that encrypts the validation function's log and the dead-letter queue of the restore-completed rule
   * (it gets EventBridge's key policy statement; an imported key's policy must allow it already).
   * @default - a new customer-managed key with rotation
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Topic the validator's error and throttle alarms and the dead-letter queue's alarm notify.
   * @default - no alarm actions: a failed validation only shows as an unvalidated restore job in AWS Backup
   */
  readonly alarmTopic?: sns.ITopic;
}

const RULES: readonly ValidationRule<AuroraRestoreTestProps>[] = [
  { field: 'schedule', value: (p) => p.schedule, check: (v) => v === undefined || is.matching(/^cron\(\S+( \S+){5}\)$/)(v), fix: 'use a six-field AWS cron expression, e.g. "cron(0 5 ? * SAT *)"' },
  { field: 'validationWindow', value: (p) => p.validationWindow?.toHours(), check: (v) => v === undefined || is.intBetween(1, 168)(v), fix: 'use 1 to 168 whole hours' },
  { field: 'recoveryPointWindow', value: (p) => p.recoveryPointWindow?.toDays(), check: (v) => v === undefined || is.intBetween(1, 365)(v), fix: 'use 1 to 365 whole days' },
];

/**
 * An AWS Backup restore testing plan that restores the latest Aurora recovery point on a schedule,
 * and a function that validates each restore (cluster available and encrypted) and reports the
 * verdict to AWS Backup. Recovery is tested as a resource, not promised.
 */
export class AuroraRestoreTest extends Construct {
  public readonly plan: backup.CfnRestoreTestingPlan;
  public readonly selection: backup.CfnRestoreTestingSelection;
  public readonly restoreRole: iam.Role;
  public readonly validator: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: AuroraRestoreTestProps) {
    super(scope, id);
    assertValid(`AuroraRestoreTest ${this.node.path}`, props, RULES);
    const tag = props.selectionTag ?? BACKUP_SELECTION_TAG;
    // Restore testing names allow letters, digits and underscores only, and cannot change.
    const planName = Names.uniqueId(this).replace(/[^A-Za-z0-9_]/g, '').slice(-50);

    this.plan = new backup.CfnRestoreTestingPlan(this, 'Plan', {
      restoreTestingPlanName: planName,
      scheduleExpression: props.schedule ?? 'cron(0 5 ? * SAT *)',
      startWindowHours: 24,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [props.vault.backupVaultArn],
        recoveryPointTypes: ['SNAPSHOT'],
        selectionWindowDays: (props.recoveryPointWindow ?? Duration.days(7)).toDays(),
      },
    });

    this.restoreRole = new iam.Role(this, 'RestoreRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Restores Aurora recovery points for restore tests',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores')],
    });
    Validations.of(this.restoreRole).acknowledge({
      id: 'AwsSolutions-IAM4',
      reason: 'AWSBackupServiceRolePolicyForRestores is the AWS-maintained policy AWS Backup documents for restores of every supported service; a copy would drift as services are added.',
    });

    this.selection = new backup.CfnRestoreTestingSelection(this, 'Aurora', {
      restoreTestingPlanName: this.plan.restoreTestingPlanName,
      restoreTestingSelectionName: 'aurora_clusters',
      protectedResourceType: 'Aurora',
      iamRoleArn: this.restoreRole.roleArn,
      protectedResourceArns: ['*'],
      protectedResourceConditions: { stringEquals: [{ key: `aws:ResourceTag/${tag.key}`, value: tag.value }] },
      validationWindowHours: (props.validationWindow ?? Duration.hours(4)).toHours(),
      restoreMetadataOverrides: props.restoreMetadataOverrides ? { ...props.restoreMetadataOverrides } : undefined,
    });
    this.selection.addResourceDependency(this.plan);

    const stack = Stack.of(this);
    const logKey =
      props.logEncryptionKey ??
      new kms.Key(this, 'LogKey', { description: `Encrypts the restore validation log of ${this.node.path}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    allowLogsToUseKey(logKey, { stack, logGroupsOfAccountOnly: false });
    const logGroup = retainedLogGroup(this, 'ValidatorLogs', logKey, props.logRetention);
    // A customer-managed policy instead of the AWS managed basic execution role and an inline policy.
    const validatorPolicy = new iam.ManagedPolicy(this, 'ValidatorPolicy', {
      description: 'Describe restored Aurora clusters, report restore validation results, write the validator log',
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`] }),
        new iam.PolicyStatement({
          actions: ['rds:DescribeDBClusters'],
          resources: [stack.formatArn({ service: 'rds', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        }),
        new iam.PolicyStatement({ actions: ['backup:PutRestoreValidationResult'], resources: ['*'] }),
      ],
    });
    Validations.of(validatorPolicy).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        'AWS Backup names the restored cluster at restore time, so DescribeDBClusters is scoped to clusters of this account and region; PutRestoreValidationResult supports no resource-level permission; the log stream ARN suffix is generated by Lambda.',
    });
    const validatorRole = new iam.Role(this, 'ValidatorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Validates Aurora restore-test jobs',
      managedPolicies: [validatorPolicy],
    });

    this.validator = bundledHandler(this, 'Validator', {
      dir: __dirname,
      name: 'restore-validation',
      timeout: Duration.minutes(1),
      reservedConcurrentExecutions: 2,
      role: validatorRole,
      logGroup,
      description: 'Validates Aurora restore-test jobs and reports the result to AWS Backup',
      environment: { RESTORE_TESTING_PLAN_ARN: this.plan.attrRestoreTestingPlanArn },
      externalModules: ['@aws-sdk/*'],
    });
    Validations.of(this.validator).acknowledge({
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason: 'The validator calls only the RDS and AWS Backup control-plane APIs and never connects to the database: a VPC would add endpoints or NAT without isolating anything.',
    });
    Validations.of(this.validator).acknowledge({
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'EventBridge retries the invocation twice, then keeps the event in the rule target\'s dead-letter queue (alarmed); a job that still fails validation stays unvalidated in AWS Backup (list-restore-jobs shows it), which is the signal operators watch.',
    });

    if (props.alarmTopic) {
      const failing = [
        ['ValidatorErrors', this.validator.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }), 'failed'],
        ['ValidatorThrottles', this.validator.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }), 'was throttled'],
      ] as const;
      for (const [id, metric, what] of failing) {
        new cloudwatch.Alarm(this, id, {
          alarmDescription: `[WARNING] The restore-test validator ${what}: the restore job stays unvalidated. Check: 1) the function's log 2) aws backup list-restore-jobs 3) rerun the validation.`,
          metric,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }).addAlarmAction(new cw_actions.SnsAction(props.alarmTopic));
      }
    }

    // A completed restore job whose event never reached the validator stays unvalidated: keep it and raise a warning.
    const deadLetters = new EventDeadLetterQueue(this, 'DeadLetters', { key: logKey, purpose: 'restore test (a completed restore job was not validated)', alarmTopic: props.alarmTopic });
    new events.Rule(this, 'RestoreCompleted', {
      description: 'Validates every completed restore job of the restore test',
      eventPattern: { source: ['aws.backup'], detailType: ['Restore Job State Change'], detail: { status: ['COMPLETED'] } },
      targets: [new targets.LambdaFunction(this.validator, { deadLetterQueue: deadLetters.queue, retryAttempts: 2, maxEventAge: EVENT_TARGET_MAX_EVENT_AGE })],
    });
  }
}
