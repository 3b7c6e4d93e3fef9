import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { DRILL_TARGET_TAG } from '../backup/tags';
import { allowLogsToUseKey } from '../shared/log-encryption-key';

/** FIS action IDs of the drills (also read by `Readiness-CHAOS`). */
export const DRILL_ACTIONS = {
  auroraFailover: 'aws:rds:failover-db-cluster',
  cacheAzPower: 'aws:elasticache:replicationgroup-interrupt-az-power',
  stopTasks: 'aws:ecs:stop-task',
  subnetDisruption: 'aws:network:disrupt-connectivity',
  eksPodDelete: 'aws:eks:pod-delete',
} as const;

/** The pods of one EKS workload the zone drill deletes (`availabilityZone` picks the zone). */
export interface EksZoneDrillTarget {
  /** Name of the cluster (FIS `clusterIdentifier` takes its name or ARN). */
  readonly clusterName: string;
  readonly namespace: string;
  /** Label selector of the pods, e.g. `app.kubernetes.io/name=web`. */
  readonly labelSelector: string;
  /** Kubernetes service account FIS acts as (bound by RBAC to delete pods in `namespace`). */
  readonly kubernetesServiceAccount: string;
  /**
   * Share of the zone's pods deleted.
   * @default 50
   */
  readonly percent?: number;
}

export interface FailoverDrillsProps {
  /**
   * Tag of the clusters and replication groups the drills may act on; the drill role is scoped to it.
   * @default DRILL_TARGET_TAG
   */
  readonly targetTag?: { readonly key: string; readonly value: string };
  /** Availability zone the cache power interruption and the subnet disruption hit, e.g. `eu-west-1a`. */
  readonly availabilityZone: string;
  /**
   * VPC whose subnets in `availabilityZone` lose connectivity in the subnet drill.
   * @default - no subnet-disruption drill
   */
  readonly vpc?: ec2.IVpc;
  /**
   * ECS cluster and service whose tasks the task-stop drill stops.
   * @default - no task-stop drill
   */
  readonly taskCluster?: ecs.ICluster;
  /**
   * Service (in `taskCluster`) whose tasks are stopped.
   * @default - no task-stop drill
   */
  readonly taskService?: ecs.IBaseService;
  /**
   * Percent of the service's tasks to stop.
   * @default 30
   */
  readonly taskStopPercent?: number;
  /**
   * How long the cache AZ loses power and the subnets lose connectivity, ISO 8601.
   * @default 'PT10M' for the cache, 'PT5M' for the subnets
   */
  readonly cacheInterruptionDuration?: string;
  /**
   * @default 'PT5M'
   */
  readonly subnetDisruptionDuration?: string;
  /**
   * Composite alarm of the database tier: the Aurora drill stops when it fires.
   * @default - no stop condition (the readiness gate flags it in prod)
   */
  readonly databaseStopAlarm?: cloudwatch.IAlarm;
  /**
   * Composite alarm of the cache tier.
   * @default - no stop condition
   */
  readonly cacheStopAlarm?: cloudwatch.IAlarm;
  /**
   * Composite alarm of the service tier (stops the task and subnet drills).
   * @default - no stop condition
   */
  readonly serviceStopAlarm?: cloudwatch.IAlarm;
  /**
   * EKS workloads whose pods in `availabilityZone` the `EksZonePods` drill deletes (a zone losing its pods),
   * stopped by `serviceStopAlarm`.
   * @default - no EKS drill
   */
  readonly eksZonePods?: EksZoneDrillTarget[];
  /**
   * Retention of the experiment log.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key that encrypts the experiment log.
   * @default - a new customer-managed key with rotation
   */
  readonly logEncryptionKey?: kms.IKey;
}

const DURATION = /^PT([1-9]\d*)M$/;
const RULES: readonly ValidationRule<FailoverDrillsProps>[] = [
  { field: 'availabilityZone', value: (p) => p.availabilityZone, check: is.matching(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/), fix: 'use a zone name such as "eu-west-1a"' },
  { field: 'taskStopPercent', value: (p) => p.taskStopPercent, check: (v) => v === undefined || is.intBetween(1, 100)(v), fix: 'stop 1 to 100 percent of the tasks' },
  { field: 'taskService', value: (p) => (p.taskService === undefined) === (p.taskCluster === undefined), check: (v) => v === true, fix: 'give taskCluster and taskService together, or neither' },
  { field: 'cacheInterruptionDuration', value: (p) => p.cacheInterruptionDuration, check: (v) => v === undefined || (DURATION.test(v) && Number(DURATION.exec(v)![1]) <= 720), fix: 'use whole minutes up to 12 hours, e.g. "PT10M"' },
  { field: 'subnetDisruptionDuration', value: (p) => p.subnetDisruptionDuration, check: (v) => v === undefined || (DURATION.test(v) && Number(DURATION.exec(v)![1]) <= 720), fix: 'use whole minutes up to 12 hours, e.g. "PT5M"' },
];

/**
 * AWS FIS experiment templates that rehearse the failures the stage claims to survive: an Aurora
 * failover, a power interruption in one zone of the cache, stopping a share of the service's
 * tasks, and cutting one zone's subnets off. Each stops when its tier's composite alarm fires,
 * acts only on tagged resources and logs to CloudWatch Logs.
 */
export class FailoverDrills extends Construct {
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Experiment templates by drill name (`AuroraFailover`, `CacheAzPowerInterruption`, `StopTasks`, `SubnetDisruption`). */
  public readonly templates: Readonly<Record<string, fis.CfnExperimentTemplate>>;

  constructor(scope: Construct, id: string, props: FailoverDrillsProps) {
    super(scope, id);
    assertValid(`FailoverDrills ${this.node.path}`, props, RULES);
    const stack = Stack.of(this);
    const tag = props.targetTag ?? DRILL_TARGET_TAG;
    const tagCondition = { StringEquals: { [`aws:ResourceTag/${tag.key}`]: tag.value } };

    const key =
      props.logEncryptionKey ??
      new kms.Key(this, 'LogKey', { description: `Encrypts the failover drill log of ${this.node.path}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    allowLogsToUseKey(key, { stack, logGroupsOfAccountOnly: false });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('fis.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Runs the failover drills on tagged resources only',
    });
    // A customer-managed policy (not inline): reviewable and attachable on its own.
    const policy = new iam.ManagedPolicy(this, 'Policy', { description: 'Failover drill actions, limited to tagged resources' });
    this.role.addManagedPolicy(policy);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        'FIS resolves drill targets by tag at run time: failover and power interruption are limited by aws:ResourceTag conditions, task stops by the ecs:cluster condition, network ACL changes by the managedByFIS tag and the VPC; Describe/List calls support no resource scoping.',
    });
    policy.addStatements(new iam.PolicyStatement({ actions: ['tag:GetResources', 'rds:DescribeDBClusters', 'elasticache:DescribeReplicationGroups'], resources: ['*'] }));
    policy.addStatements(
      new iam.PolicyStatement({
        actions: ['rds:FailoverDBCluster'],
        resources: [stack.formatArn({ service: 'rds', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        conditions: tagCondition,
      }),
    );
    policy.addStatements(
      new iam.PolicyStatement({
        actions: ['elasticache:InterruptClusterAzPower'],
        resources: [stack.formatArn({ service: 'elasticache', resource: 'replicationgroup', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
        conditions: tagCondition,
      }),
    );
    policy.addStatements(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
        resources: ['*'],
      }),
    );

    const templates: Record<string, fis.CfnExperimentTemplate> = {};
    const logConfiguration = { logSchemaVersion: 2, cloudWatchLogsConfiguration: { LogGroupArn: this.logGroup.logGroupArn } };
    const stopOn = (alarm?: cloudwatch.IAlarm) =>
      alarm ? [{ source: 'aws:cloudwatch:alarm', value: alarm.alarmArn }] : [{ source: 'none' }];
    const template = (name: string, description: string, alarm: cloudwatch.IAlarm | undefined, rest: Pick<fis.CfnExperimentTemplateProps, 'targets' | 'actions'>) => {
      templates[name] = new fis.CfnExperimentTemplate(this, name, {
        description,
        roleArn: this.role.roleArn,
        stopConditions: stopOn(alarm),
        logConfiguration,
        experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
        tags: { Name: `${this.node.path}/${name}` },
        ...rest,
      });
      templates[name].node.addDependency(this.role, policy);
    };

    template('AuroraFailover', 'Fail over every tagged Aurora cluster to a reader', props.databaseStopAlarm, {
      targets: { Clusters: { resourceType: 'aws:rds:cluster', resourceTags: { [tag.key]: tag.value }, selectionMode: 'ALL' } },
      actions: { Failover: { actionId: DRILL_ACTIONS.auroraFailover, targets: { Clusters: 'Clusters' } } },
    });

    template('CacheAzPowerInterruption', `Interrupt power to the tagged cache nodes in ${props.availabilityZone}`, props.cacheStopAlarm, {
      targets: {
        ReplicationGroups: {
          resourceType: 'aws:elasticache:replicationgroup',
          resourceTags: { [tag.key]: tag.value },
          selectionMode: 'ALL',
          parameters: { availabilityZoneIdentifier: props.availabilityZone },
        },
      },
      actions: {
        InterruptAzPower: {
          actionId: DRILL_ACTIONS.cacheAzPower,
          parameters: { duration: props.cacheInterruptionDuration ?? 'PT10M' },
          targets: { ReplicationGroups: 'ReplicationGroups' },
        },
      },
    });

    if (props.taskCluster && props.taskService) {
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
          resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.taskCluster.clusterName}/*` })],
          conditions: { ArnEquals: { 'ecs:cluster': props.taskCluster.clusterArn } },
        }),
      );
      policy.addStatements(new iam.PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': props.taskCluster.clusterArn } } }));
      template('StopTasks', `Stop ${props.taskStopPercent ?? 30}% of the service's tasks`, props.serviceStopAlarm, {
        targets: {
          Tasks: {
            resourceType: 'aws:ecs:task',
            selectionMode: `PERCENT(${props.taskStopPercent ?? 30})`,
            parameters: { cluster: props.taskCluster.clusterName, service: props.taskService.serviceName },
          },
        },
        actions: { StopTasks: { actionId: DRILL_ACTIONS.stopTasks, targets: { Tasks: 'Tasks' } } },
      });
    }

    if (props.eksZonePods && props.eksZonePods.length > 0) {
      // FIS deletes pods through the Kubernetes API as its role's access entry (kubernetesServiceAccount): no AWS action on the pods.
      const targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty> = {};
      const actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {};
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['eks:DescribeCluster'],
          resources: props.eksZonePods.map((t) => stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: t.clusterName })),
        }),
      );
      props.eksZonePods.forEach((t, i) => {
        targets[`Pods${i}`] = {
          resourceType: 'aws:eks:pod',
          selectionMode: `PERCENT(${t.percent ?? 50})`,
          parameters: { clusterIdentifier: t.clusterName, namespace: t.namespace, selectorType: 'labelSelector', selectorValue: t.labelSelector, availabilityZoneIdentifier: props.availabilityZone },
        };
        actions[`DeletePods${i}`] = { actionId: DRILL_ACTIONS.eksPodDelete, parameters: { kubernetesServiceAccount: t.kubernetesServiceAccount }, targets: { Pods: `Pods${i}` } };
      });
      template('EksZonePods', `Delete ${props.eksZonePods[0].percent ?? 50}% of the pods in ${props.availabilityZone}`, props.serviceStopAlarm, { targets, actions });
    }

    if (props.vpc) {
      // FIS swaps the subnets onto a deny-all network ACL it creates (tagged managedByFIS) and restores them.
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkAcl'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestTag/managedByFIS': 'true' } },
        }),
      );
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'network-acl', resourceName: '*' })],
          conditions: { StringEquals: { 'aws:ResourceTag/managedByFIS': 'true' } },
        }),
      );
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['ec2:CreateTags'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'network-acl', resourceName: '*' })],
          conditions: { StringEquals: { 'ec2:CreateAction': 'CreateNetworkAcl' } },
        }),
      );
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['ec2:ReplaceNetworkAclAssociation'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: '*' }), stack.formatArn({ service: 'ec2', resource: 'network-acl', resourceName: '*' })],
          conditions: { StringEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: props.vpc.vpcId }) } },
        }),
      );
      policy.addStatements(
        new iam.PolicyStatement({
          actions: ['ec2:DescribeNetworkAcls', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeManagedPrefixLists', 'ec2:GetManagedPrefixListEntries'],
          resources: ['*'],
        }),
      );
      template('SubnetDisruption', `Cut the subnets in ${props.availabilityZone} off from all traffic`, props.serviceStopAlarm, {
        targets: {
          Subnets: {
            resourceType: 'aws:ec2:subnet',
            selectionMode: 'ALL',
            parameters: { availabilityZoneIdentifier: props.availabilityZone, vpc: props.vpc.vpcId },
          },
        },
        actions: {
          DisruptConnectivity: {
            actionId: DRILL_ACTIONS.subnetDisruption,
            parameters: { duration: props.subnetDisruptionDuration ?? 'PT5M', scope: 'all' },
            targets: { Subnets: 'Subnets' },
          },
        },
      });
    }
    this.templates = templates;
  }
}

