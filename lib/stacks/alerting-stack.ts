import { Stack, StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { OnCallTopics } from '../constructs/observability/on-call-topics';
import { SecurityFindingsRouting } from '../constructs/observability/security-findings-routing';
import { onCallTopicsFromConfig } from './on-call-topics-from-config';

export interface AlertingStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The on-call topics of a stage. It depends on nothing but config, so every other stack can send
 * its alarms here without a dependency cycle.
 */
export class AlertingStack extends Stack {
  public readonly topics: OnCallTopics;
  /** Pages on-call now. */
  public readonly critical: sns.ITopic;
  /** Opens a ticket. */
  public readonly warning: sns.ITopic;
  /** GuardDuty (severity >= 7) and Security Hub CRITICAL findings to the critical topic. */
  public readonly securityFindings: SecurityFindingsRouting;

  constructor(scope: Construct, id: string, props: AlertingStackProps) {
    super(scope, id, props);
    this.topics = onCallTopicsFromConfig(this, props.config.observability);
    this.critical = this.topics.critical;
    this.warning = this.topics.warning;
    // Here rather than in the security stack: routing needs only the topics, and stays when detectors change.
    this.securityFindings = new SecurityFindingsRouting(this, 'SecurityFindings', {
      criticalTopic: this.critical,
      encryptionKey: this.topics.key,
      alarmTopic: this.warning,
    });
  }
}
