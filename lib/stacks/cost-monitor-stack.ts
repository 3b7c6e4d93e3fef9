import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { CostAnomalyAlerts } from '../constructs/cost/cost-anomaly-alerts';

/** Cost Explorer resources exist only in this region. */
export const COST_EXPLORER_REGION = 'us-east-1';

export interface CostMonitorStackProps extends StackProps {
  readonly config: StageConfig;
}

/** Cost anomaly detection of a stage, in us-east-1 where Cost Explorer lives. */
export class CostMonitorStack extends Stack {
  public readonly anomalies: CostAnomalyAlerts;

  constructor(scope: Construct, id: string, props: CostMonitorStackProps) {
    const { config } = props;
    super(scope, id, { ...props, env: { account: config.account, region: COST_EXPLORER_REGION } });
    this.anomalies = new CostAnomalyAlerts(this, 'Anomalies', {
      costAllocationTag: { key: 'stage', value: config.tags.stage ?? config.stage },
      thresholdUsd: config.dr.anomalyThresholdUsd,
      alertEmails: config.dr.costAlertEmails,
      monitorName: `readiness-${config.stage}-cost-anomalies`,
    });
  }
}
