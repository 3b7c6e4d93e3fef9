import * as sns from 'aws-cdk-lib/aws-sns';

/** Where a tier's alarms go. Shared by every alarm construct of this folder. */
export interface AlarmRoutingProps {
  /** Topic that pages on-call (e.g. `stage.alerting.critical`). */
  readonly criticalTopic: sns.ITopic;
  /** Topic that opens tickets (e.g. `stage.alerting.warning`). */
  readonly warningTopic: sns.ITopic;
  /** Name of the dashboard the runbooks link to (`StageDashboard.dashboardName`). */
  readonly dashboardName: string;
}
