import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { assertValid } from '../../validation/rule-table';
import { allowLogsToUseKey } from '../shared/log-encryption-key';
import { logDeliveryBucket } from '../shared/log-delivery-bucket';

/** Fargate CPU units and the task memory (MiB) each allows. */
export function isFargateSize(cpu: unknown, memoryMiB: unknown): boolean {
  const gib = (from: number, to: number, step: number) => (m: number) => m >= from * 1024 && m <= to * 1024 && m % (step * 1024) === 0;
  const sizes: Record<number, (m: number) => boolean> = {
    256: (m) => [512, 1024, 2048].includes(m),
    512: gib(1, 4, 1),
    1024: gib(2, 8, 1),
    2048: gib(4, 16, 1),
    4096: gib(8, 30, 1),
    8192: gib(16, 60, 4),
    16384: gib(32, 120, 8),
  };
  return typeof cpu === 'number' && typeof memoryMiB === 'number' && sizes[cpu] !== undefined && sizes[cpu](memoryMiB);
}

/** Environment names that hold secrets; such values belong in `secrets`. */
export const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** Pinned X-Ray daemon image (public ECR), so a rollback redeploys the same sidecar. */
export const XRAY_DAEMON_IMAGE = 'public.ecr.aws/xray/aws-xray-daemon:3.3.14';

/** Throws when the CPU/memory pair is not a Fargate size. */
export function validateFargateSize(scope: IConstruct, cpu: number, memoryLimitMiB: number): void {
  assertValid(`${scope.constructor.name} "${scope.node.path}"`, { cpu, memoryLimitMiB }, [
    {
      field: 'memoryLimitMiB',
      value: (p) => p.memoryLimitMiB,
      check: (v, p) => isFargateSize(p.cpu, v),
      fix: 'use a Fargate size: cpu 256 (512-2048 MiB), 512 (1-4 GiB), 1024 (2-8 GiB), 2048 (4-16 GiB), 4096 (8-30 GiB), 8192 (16-60 GiB) or 16384 (32-120 GiB)',
    },
  ]);
}

/** Lets CloudWatch Logs of this account and region (AWS pseudo parameters) use the key for its log groups. */
export function logGroupKey(key: kms.IKey): void {
  allowLogsToUseKey(key);
}

/** Adds the X-Ray daemon as a non-essential sidecar with the write-only trace permissions. */
export function addTracingSidecar(taskDefinition: ecs.FargateTaskDefinition, logGroup: logs.ILogGroup, image?: ecs.ContainerImage): ecs.ContainerDefinition {
  const sidecar = taskDefinition.addContainer('XRayDaemon', {
    image: image ?? ecs.ContainerImage.fromRegistry(XRAY_DAEMON_IMAGE),
    essential: false,
    readonlyRootFilesystem: true,
    user: '1337',
    cpu: 32,
    memoryReservationMiB: 64,
    portMappings: [{ containerPort: 2000, protocol: ecs.Protocol.UDP }],
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'xray' }),
    stopTimeout: Duration.seconds(10),
  });
  // Trace APIs have no resource-level permissions.
  taskDefinition.addToTaskRolePolicy(
    new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
      resources: ['*'],
    }),
  );
  return sidecar;
}

/** Acknowledges a finding that is a deliberate design choice, with the reason a reviewer reads. */
export function acknowledge(construct: IConstruct | undefined, id: string, reason: string): void {
  if (construct) Validations.of(construct).acknowledge({ id, reason });
}

/** Acknowledgments every Fargate task definition built here needs (settings in env, trace/ECR APIs). */
export function acknowledgeTaskFindings(taskDefinition: ecs.FargateTaskDefinition): void {
  acknowledge(taskDefinition, 'AwsSolutions-ECS2', 'Only non-secret settings (endpoints, ports, queue URL) are environment values; secrets are injected from Secrets Manager and the construct rejects secret-like names in environment.');
  acknowledge(
    taskDefinition.taskRole.node.tryFindChild('DefaultPolicy'),
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support no resource-level permissions; every other statement names its resource.',
  );
  const execution = taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy');
  acknowledge(execution, 'AwsSolutions-IAM5[Resource::*]', 'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are scoped to the repository.');
  for (const policy of [taskDefinition.taskRole.node.tryFindChild('DefaultPolicy'), execution]) {
    acknowledge(policy, 'NIST.800.53.R5-IAMNoInlinePolicy', 'CDK grants attach this policy to this task role alone, scoped to the resources it uses; a managed policy could be attached elsewhere and grow.');
  }
}

/**
 * Log buckets that AWS services deliver to: S3 server logging, replication and SSE-KMS do not fit them.
 * Readiness-ENCRYPTION needs no acknowledgment: the rule recognises an ELB or CloudFront log
 * destination from its bucket policy or ownership controls and accepts SSE-S3 there.
 */
export function acknowledgeLogDeliveryBucket(bucket: IConstruct, service: string): void {
  acknowledge(bucket, 'AwsSolutions-S1', `This bucket is itself the ${service} log destination; logging it to another bucket would only move the question.`);
  acknowledge(bucket, 'NIST.800.53.R5-S3BucketLoggingEnabled', `This bucket is itself the ${service} log destination; CloudTrail records access to it.`);
  acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled', `${service} access logs are operational telemetry kept one year in-region; they are not recovery data.`);
  acknowledge(bucket, 'NIST.800.53.R5-S3DefaultEncryptionKMS', `${service} log delivery writes to SSE-S3 (AES-256) buckets; the bucket is private, TLS-only and versioned.`);
}

/**
 * The internet-facing `LoadBalancer` of a web entry: public subnets, HTTP/2, the strictest request parsing
 * (invalid header fields dropped, strictest desync mitigation), a 60-second idle timeout.
 */
export function internetFacingLoadBalancer(scope: Construct, vpc: ec2.IVpc, securityGroup: ec2.ISecurityGroup, deletionProtection: boolean): elbv2.ApplicationLoadBalancer {
  return new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc,
    internetFacing: true,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    securityGroup,
    dropInvalidHeaderFields: true,
    desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
    deletionProtection,
    http2Enabled: true,
    idleTimeout: Duration.seconds(60),
  });
}

/** Bucket `AccessLogs` for load balancer access logs: SSE-S3 (the only encryption ALB delivery supports), private, TLS-only, versioned, a year. */
export function loadBalancerAccessLogBucket(scope: Construct): s3.Bucket {
  return logDeliveryBucket(scope, 'AccessLogs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED });
}
