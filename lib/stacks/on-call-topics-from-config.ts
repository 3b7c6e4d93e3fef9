import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ObservabilityConfig } from '../config/stage-config';
import { OnCallTopics } from '../constructs/observability/on-call-topics';

/**
 * The on-call topics `OnCall` of a stage in one region, subscribed as the config says: e-mails on
 * both topics and the pager (plain URL or the secret `pagerUrlSecretName`) on the critical topic.
 * Every region that alarms has its own topics (alarm actions cannot cross regions); the pager secret
 * must exist in each of those regions (replicate it).
 */
export function onCallTopicsFromConfig(scope: Construct, obs: ObservabilityConfig): OnCallTopics {
  const pagerUrlSecret = obs.pagerUrlSecretName ? secretsmanager.Secret.fromSecretNameV2(scope, 'PagerUrlSecret', obs.pagerUrlSecretName) : undefined;
  return new OnCallTopics(scope, 'OnCall', {
    criticalEmails: obs.criticalEmails,
    warningEmails: obs.warningEmails,
    pagerUrl: obs.pagerUrl,
    pagerUrlSecret,
    pagerUrlSecretField: obs.pagerUrlSecretField,
  });
}
