import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { CustomerRollout } from '../constructs/rollout/customer-rollout';

export interface RolloutStackProps extends StackProps {
  readonly config: StageConfig;
  /** The service's critical alarms (tier roll-ups): AppConfig rolls the flags back while one is in ALARM. */
  readonly monitors: readonly cloudwatch.IAlarm[];
}

/** Customer rollout of a stage: AppConfig application, environment guarded by the service's alarms, strategy and launch flags. */
export class RolloutStack extends Stack {
  public readonly rollout: CustomerRollout;

  constructor(scope: Construct, id: string, props: RolloutStackProps) {
    super(scope, id, props);
    const rollout = props.config.rollout;
    if (!rollout) throw new Error('RolloutStack needs the rollout section in the stage config');
    this.rollout = new CustomerRollout(this, 'CustomerRollout', {
      applicationName: 'readiness-service',
      environmentName: props.config.stage,
      monitors: props.monitors,
      strategy: rollout.strategy,
      deploymentDuration: Duration.minutes(rollout.deploymentMinutes),
      growthPercent: rollout.growthPercent,
      finalBake: Duration.minutes(rollout.bakeMinutes),
      flags: rollout.flags,
    });
  }
}
