import { Stack, StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { OnCallTopics } from '../constructs/observability/on-call-topics';
import { SecurityFindingsRouting } from '../constructs/observability/security-findings-routing';

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
    const obs = props.config.observability;

    const pagerUrlSecret = obs.pagerUrlSecretName
      ? secretsmanager.Secret.fromSecretNameV2(this, 'PagerUrlSecret', obs.pagerUrlSecretName)
      : undefined;

    this.topics = new OnCallTopics(this, 'OnCall', {
      criticalEmails: obs.criticalEmails,
      warningEmails: obs.warningEmails,
      pagerUrl: obs.pagerUrl,
      pagerUrlSecret,
      pagerUrlSecretField: obs.pagerUrlSecretField,
    });
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
