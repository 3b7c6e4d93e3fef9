import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addTracingSidecar } from './task-helpers';

/** The hardened Fargate task of a service or a worker: what differs between them. */
export interface HardenedTaskOptions {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  /** Key of the log group (its policy must let CloudWatch Logs use it). */
  readonly encryptionKey: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Construct ID of the main container (`App`, `Worker`). */
  readonly containerId: string;
  /** Log stream prefix of the main container. */
  readonly streamPrefix: string;
  readonly image: ecs.ContainerImage;
  readonly secrets?: Record<string, ecs.Secret>;
  /** Non-secret settings; the X-Ray daemon address is added when tracing. */
  readonly environment?: Record<string, string>;
  /** X-Ray daemon sidecar. */
  readonly tracing: boolean;
  /** @default - the pinned X-Ray daemon image */
  readonly tracingImage?: ecs.ContainerImage;
  readonly portMappings?: ecs.PortMapping[];
  readonly healthCheck?: ecs.HealthCheck;
  /** How long the container gets to finish its work before it is killed. */
  readonly stopTimeout: Duration;
}

export interface HardenedTask {
  readonly logGroup: logs.LogGroup;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
}

/**
 * Builds, in `scope`, the encrypted log group `Logs` and the task definition `TaskDefinition`: a read-only
 * root filesystem and a non-root user (/tmp is the only writable path), logs to the encrypted group, and
 * the X-Ray sidecar when tracing. The caller grants what the task uses, then calls `acknowledgeTaskFindings`.
 */
export function createHardenedTask(scope: Construct, options: HardenedTaskOptions): HardenedTask {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    encryptionKey: options.encryptionKey,
    retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', { cpu: options.cpu, memoryLimitMiB: options.memoryLimitMiB });
  taskDefinition.addVolume({ name: 'tmp' });
  const environment = { ...(options.environment ?? {}), ...(options.tracing ? { AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000' } : {}) };
  const container = taskDefinition.addContainer(options.containerId, {
    image: options.image,
    essential: true,
    readonlyRootFilesystem: true,
    user: '1000:1000',
    portMappings: options.portMappings,
    secrets: options.secrets,
    environment: Object.keys(environment).length > 0 ? environment : undefined,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: options.streamPrefix }),
    healthCheck: options.healthCheck,
    stopTimeout: options.stopTimeout,
  });
  container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
  if (options.tracing) addTracingSidecar(taskDefinition, logGroup, options.tracingImage);
  return { logGroup, taskDefinition, container };
}
