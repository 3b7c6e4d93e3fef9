import { Duration, Stack, StackProps, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PipelineConfig, validatePipelineConfig } from '../config/pipeline';
import { DeliveryPipeline } from '../constructs/delivery/delivery-pipeline';

export interface DeliveryPipelineStackProps extends StackProps {
  readonly config: PipelineConfig;
  /** Stages in deployment order: dev, staging, then prod (last). */
  readonly stages: readonly Stage[];
}

/** The delivery pipeline in its own (tooling) account: dev, then staging, then prod behind the launch gate and a manual approval. */
export class DeliveryPipelineStack extends Stack {
  public readonly delivery: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: DeliveryPipelineStackProps) {
    validatePipelineConfig(props.config);
    super(scope, id, { ...props, env: { account: props.config.account, region: props.config.region } });
    const prod = props.stages[props.stages.length - 1];
    this.delivery = new DeliveryPipeline(this, 'Delivery', {
      connectionArn: props.config.connectionArn,
      repository: props.config.repository,
      branch: props.config.branch,
      preProdStages: props.stages.slice(0, -1),
      prodStage: prod,
      freezeWindows: props.config.freezeWindows,
      bake: Duration.minutes(props.config.bakeMinutes),
    });
  }
}
