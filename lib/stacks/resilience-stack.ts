import { Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { EksZoneDrillTarget, FailoverDrills } from '../constructs/chaos/failover-drills';
import { CostBudget } from '../constructs/cost/cost-budget';

export interface ResilienceStackProps extends StackProps {
  readonly config: StageConfig;
  /** VPC whose subnets in the first zone the subnet drill cuts off. */
  readonly vpc: ec2.IVpc;
  /**
   * Topic the budget alerts go to besides the emails (the stage's warning topic).
   * @default - emails only
   */
  readonly warningTopic?: sns.ITopic;
  /**
   * Composite alarm of the database tier (stop condition of the Aurora drill).
   * @default - the drill has no stop condition
   */
  readonly databaseStopAlarm?: cloudwatch.IAlarm;
  /**
   * Composite alarm of the cache tier.
   * @default - the drill has no stop condition
   */
  readonly cacheStopAlarm?: cloudwatch.IAlarm;
  /**
   * Composite alarm of the service tier.
   * @default - the drills have no stop condition
   */
  readonly serviceStopAlarm?: cloudwatch.IAlarm;
  /**
   * ECS cluster of the service, for the task-stop drill.
   * @default - no task-stop drill
   */
  readonly taskCluster?: ecs.ICluster;
  /**
   * ECS service whose tasks the task-stop drill stops.
   * @default - no task-stop drill
   */
  readonly taskService?: ecs.IBaseService;
  /**
   * EKS workloads whose pods in the first zone the zone drill deletes.
   * @default - no EKS drill
   */
  readonly eksZonePods?: EksZoneDrillTarget[];
}

/**
 * Failover drills (AWS FIS) and the cost budget of a stage. Stateless apart from the drill log:
 * deleting it loses no data the stage runs on.
 */
export class ResilienceStack extends Stack {
  public readonly drills: FailoverDrills;
  public readonly budget: CostBudget;

  constructor(scope: Construct, id: string, props: ResilienceStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.drills = new FailoverDrills(this, 'Drills', {
      availabilityZone: config.availabilityZones[0],
      vpc: props.vpc,
      taskCluster: props.taskCluster,
      taskService: props.taskService,
      taskStopPercent: config.dr.drillTaskStopPercent,
      eksZonePods: props.eksZonePods,
      databaseStopAlarm: props.databaseStopAlarm,
      cacheStopAlarm: props.cacheStopAlarm,
      serviceStopAlarm: props.serviceStopAlarm,
      logRetention: config.network.flowLogRetentionDays as logs.RetentionDays,
    });

    // FIS calls the Kubernetes API as the drill role: an access entry maps it to the user the namespace's
    // RoleBinding names (the service account of the drill, `kubernetesServiceAccount`, is bound too).
    const clusters = [...new Set((props.eksZonePods ?? []).map((t) => t.clusterName))];
    clusters.forEach((clusterName, i) => {
      new eks.CfnAccessEntry(this, `DrillAccessEntry${i}`, { clusterName, principalArn: this.drills.role.roleArn, username: (props.eksZonePods ?? []).find((t) => t.clusterName === clusterName)!.kubernetesServiceAccount, type: 'STANDARD' });
    });

    this.budget = new CostBudget(this, 'Budget', {
      monthlyLimitUsd: config.dr.monthlyBudgetUsd,
      alertEmails: config.dr.costAlertEmails,
      alertTopic: props.warningTopic,
      costAllocationTag: { key: 'stage', value: config.tags.stage ?? config.stage },
    });
  }
}
