import { Stage, StageProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { validateStageConfig } from '../config/validate-config';
import { AlertingStack } from './alerting-stack';
import { DataStack } from './data-stack';
import { NetworkStack } from './network-stack';

export interface ReadinessStageProps extends StageProps {
  readonly config: StageConfig;
}

/** One deployment stage: the stacks of every lifecycle, built from one validated config. */
export class ReadinessStage extends Stage {
  public readonly config: StageConfig;
  public readonly network: NetworkStack;
  /** On-call topics (`critical`, `warning`): send alarms here. Depends on config only. */
  public readonly alerting: AlertingStack;
  public readonly data: DataStack;

  constructor(scope: Construct, id: string, props: ReadinessStageProps) {
    // Validate before any construct exists, so a bad config builds nothing.
    validateStageConfig(props.config);
    const { config } = props;
    super(scope, id, { ...props, env: { account: config.account, region: config.region } });
    this.config = config;

    this.network = new NetworkStack(this, 'Network', { config });
    this.alerting = new AlertingStack(this, 'Alerting', { config });
    this.data = new DataStack(this, 'Data', { config, vpc: this.network.vpc });

    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
  }
}
