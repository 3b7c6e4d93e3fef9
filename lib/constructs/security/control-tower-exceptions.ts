import { CfnResource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { acknowledgeControlTower } from '../../aspects/control-tower';

/** One deliberate AWS Control Tower failure: the guard rule, which resources it covers, and why it stays. */
export interface ControlTowerException {
  /** Guard rule name, e.g. `s3_bucket_default_encryption_kms_check`. */
  readonly rule: string;
  /** Control Tower control ID, for the README and the report. */
  readonly control: string;
  readonly applies: (resource: CfnResource) => boolean;
  readonly reason: string;
}

const json = (resource: CfnResource, value: unknown) => JSON.stringify(Stack.of(resource).resolve(value) ?? null);
const isBucket = (r: CfnResource): r is s3.CfnBucket => r instanceof s3.CfnBucket;
const pathEnds = (r: CfnResource, ...suffixes: string[]) => suffixes.some((s) => r.node.path.endsWith(s));
/** Buckets that log delivery writes to (ALB access logs, CloudFront standard logs, S3 server access logs). */
const isLogDeliveryBucket = (r: CfnResource) => isBucket(r) && pathEnds(r, '/Web/AccessLogs/Resource', '/Cdn/Logs/Resource', '/AuditTrail/AccessLogs/Resource');
const isCanaryArtifacts = (r: CfnResource) => isBucket(r) && pathEnds(r, '/HealthCanary/Artifacts/Resource');

/** A function with subnets that are not literals: at synth they become imports of the Network stack's subnets. */
function inVpcOfAnotherStack(resource: CfnResource): boolean {
  if (!(resource instanceof lambda.CfnFunction)) return false;
  const vpc = Stack.of(resource).resolve(resource.vpcConfig) as { subnetIds?: unknown[]; SubnetIds?: unknown[] } | undefined;
  const subnets = vpc?.subnetIds ?? vpc?.SubnetIds ?? [];
  return subnets.length > 0 && subnets.every((s) => typeof s !== 'string');
}

/** A queue an EventBridge rule of its stack names as a target's DeadLetterConfig. */
function isEventDeadLetterQueue(resource: CfnResource): boolean {
  if (!(resource instanceof sqs.CfnQueue)) return false;
  const id = Stack.of(resource).resolve(resource.logicalId) as string;
  const target = new RegExp(`"deadLetterConfig":\\{"arn":\\{"Fn::GetAtt":\\["${id}","Arn"\\]\\}\\}`, 'i');
  return Stack.of(resource)
    .node.findAll()
    .some((c) => c instanceof events.CfnRule && target.test(json(c, c.targets)));
}

/** A metric alarm without actions whose state an AND composite alarm of the same stack reads. */
function feedsComposite(resource: CfnResource): boolean {
  if (!(resource instanceof cloudwatch.CfnAlarm)) return false;
  const none = (v: unknown) => ['null', '[]'].includes(json(resource, v));
  if (!none(resource.alarmActions) || !none(resource.okActions) || !none(resource.insufficientDataActions)) return false;
  const id = Stack.of(resource).resolve(resource.logicalId) as string;
  return Stack.of(resource)
    .node.findAll()
    .some((c) => c instanceof cloudwatch.CfnCompositeAlarm && json(c, c.alarmRule).includes(`"${id}"`));
}

/**
 * The Control Tower proactive controls the shipped stages fail on purpose, each with the reason.
 * Everything else a stage creates passes them (tested with cfn-guard in the prod synth).
 */
export const CONTROL_TOWER_EXCEPTIONS: readonly ControlTowerException[] = [
  {
    rule: 'cloudwatch_alarm_action_check',
    control: 'CT.CLOUDWATCH.PR.1',
    applies: feedsComposite,
    reason: 'A window alarm of a multi-window burn-rate alert: the AND composite that reads it pages; one window alone would page on short blips.',
  },
  {
    rule: 's3_bucket_default_encryption_kms_check',
    control: 'CT.S3.PR.10',
    applies: isLogDeliveryBucket,
    reason: 'Log delivery (ALB access logs, CloudFront standard logs, S3 server access logs) writes only to SSE-S3 buckets; the bucket is private, TLS-only and versioned.',
  },
  {
    rule: 's3_bucket_logging_enabled_check',
    control: 'CT.S3.PR.2',
    applies: (r) => isLogDeliveryBucket(r) || isCanaryArtifacts(r),
    reason: 'The bucket is itself a log destination (or holds canary artifacts); logging it to another bucket would only move the question. CloudTrail records access to it.',
  },
  {
    rule: 's3_bucket_object_lock_enabled_check',
    control: 'CT.S3.PR.9',
    applies: (r) => isLogDeliveryBucket(r) || isCanaryArtifacts(r),
    reason: 'Operational logs and canary artifacts expire by lifecycle rule; Object Lock is for the audit trail, whose bucket has it.',
  },
  {
    rule: 's3_event_notifications_enabled_check',
    control: 'CT.S3.PR.4',
    applies: (r) => isLogDeliveryBucket(r) || isCanaryArtifacts(r) || (isBucket(r) && pathEnds(r, '/AuditTrail/Bucket/Resource')),
    reason: 'No process consumes object events of this bucket; the audit bucket is watched through CloudTrail and its Object Lock, the others are logs and artifacts.',
  },
  {
    rule: 'lambda_inside_vpc_check',
    control: 'CT.LAMBDA.PR.3',
    applies: (r) =>
      (r instanceof lambda.CfnFunction || r.cfnResourceType === 'AWS::Lambda::Function') &&
      (inVpcOfAnotherStack(r) ||
        pathEnds(r, '/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler', '/AWS679f53fac002430cb0da5b7982bd2287/Resource', '/RestoreTest/Validator/Resource') ||
        /\/LogRetention[0-9a-f]{32}\/Resource$/.test(r.node.path)),
    reason:
      'Either in the VPC already, with its subnets imported from the Network stack (Fn::ImportValue, which the guard rule cannot follow), or a deployment-time or AWS Backup handler that calls only public AWS APIs and touches no VPC resource.',
  },
  {
    rule: 'ecs_container_insights_enabled_check',
    control: 'CT.ECS.PR.2',
    applies: (r) => r instanceof ecs.CfnCluster && json(r, r.clusterSettings).includes('"enhanced"'),
    reason: 'Container Insights is on in its enhanced mode ("enhanced"), a superset of "enabled", which the rule does not know.',
  },
  {
    rule: 'ecs_task_definition_memory_hard_limit_check',
    control: 'CT.ECS.PR.7',
    applies: (r) => r instanceof ecs.CfnTaskDefinition && json(r, r.memory) !== 'null',
    reason: 'The task has a hard memory limit (task-level Memory); the sidecars reserve memory and the app container may use the rest of the task size.',
  },
  {
    rule: 'guardduty_s3_protection_enabled_check',
    control: 'CT.GUARDDUTY.PR.1',
    applies: (r) => r instanceof guardduty.CfnDetector && json(r, r.features).includes('"S3_DATA_EVENTS"'),
    reason: 'S3 protection is on as the S3_DATA_EVENTS detector feature; the rule reads the legacy DataSources, which GuardDuty refuses next to Features.',
  },
  {
    rule: 'sqs_dlq_check',
    control: 'CT.SQS.PR.1',
    applies: (r) => (r instanceof sqs.CfnQueue && pathEnds(r, '/DeadLetterQueue/Resource')) || isEventDeadLetterQueue(r),
    reason: 'This queue is a dead-letter queue (of a queue, or of EventBridge rule targets); a dead-letter queue of a dead-letter queue would hide messages further.',
  },
  {
    rule: 'cloudfront_default_root_object_configured_check',
    control: 'CT.CLOUDFRONT.PR.1',
    applies: (r) => r.cfnResourceType === 'AWS::CloudFront::Distribution',
    reason: 'The origin is the application (load balancer), which answers "/" itself; a default root object is for S3 website origins.',
  },
  {
    rule: 'cloudfront_origin_failover_enabled_check',
    control: 'CT.CLOUDFRONT.PR.4',
    applies: (r) => r.cfnResourceType === 'AWS::CloudFront::Distribution',
    reason: 'One regional origin, multi-AZ behind its load balancer; a failover origin group would need the DR region serving, which the DR plan does by redeploy (RTO in the report).',
  },
];

/** Acknowledges, on each resource under `scope` it applies to, every deliberate Control Tower failure with its reason. */
export function acknowledgeControlTowerExceptions(scope: IConstruct): void {
  for (const resource of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(resource)) continue;
    for (const exception of CONTROL_TOWER_EXCEPTIONS) {
      if (exception.applies(resource)) acknowledgeControlTower(resource, exception.rule, `${exception.control}: ${exception.reason}`);
    }
  }
}
