import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { App } from 'aws-cdk-lib';

export const ENV = { account: '111111111111', region: 'eu-west-1' };

/** The resources a user's app would have, built from plain L1/L2 constructs (no project constructs). */
export interface WatchedResources {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly cluster: rds.DatabaseCluster;
  readonly proxy: rds.DatabaseProxy;
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly service: ecs.FargateService;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

export function watchedResources(app: App, id = 'Watched'): WatchedResources {
  const stack = new Stack(app, id, { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], natGateways: 1 });
  const cluster = new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.provisioned('Writer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE) }),
    readers: [rds.ClusterInstance.provisioned('Reader', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE) })],
    vpc,
  });
  const proxy = cluster.addProxy('Proxy', { secrets: [cluster.secret!], vpc });
  const subnets = new elasticache.CfnSubnetGroup(stack, 'CacheSubnets', { description: 'cache', subnetIds: vpc.privateSubnets.map((s) => s.subnetId) });
  const replicationGroup = new elasticache.CfnReplicationGroup(stack, 'Cache', {
    replicationGroupDescription: 'cache',
    engine: 'valkey',
    cacheNodeType: 'cache.r7g.large',
    numCacheClusters: 3,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    cacheSubnetGroupName: subnets.ref,
  });
  const ecsCluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), portMappings: [{ containerPort: 80 }] });
  const service = new ecs.FargateService(stack, 'Service', { cluster: ecsCluster, taskDefinition: task, desiredCount: 3 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const listener = loadBalancer.addListener('Http', { port: 80 });
  const targetGroup = listener.addTargets('App', { port: 80, targets: [service] });
  const deadLetterQueue = new sqs.Queue(stack, 'Dlq');
  const queue = new sqs.Queue(stack, 'Jobs', { deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 } });
  return { stack, vpc, cluster, proxy, replicationGroup, loadBalancer, targetGroup, service, queue, deadLetterQueue };
}
