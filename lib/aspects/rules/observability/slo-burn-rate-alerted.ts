import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { prop } from '../../rule-helpers';
import { resourcesOfType } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { alarmsOfComposite, alarmWatches, COMPOSITE_TYPE, notifiesSns, usesMetricMath, windowSeconds } from '../../analysis/alarm-graph';
import { isPublicEndpoint, PUBLIC_ENDPOINT_TYPES } from '../../analysis/public-endpoints';

/**
 * True when `composite` is a multi-window burn-rate alert on `endpoint`: its rule ANDs at least two
 * metric-math alarms on the endpoint's metrics with different windows, and it notifies an SNS topic.
 */
export function isBurnRateAlertOn(composite: CfnResource, endpoint: CfnResource): boolean {
  if (!JSON.stringify(prop(composite, 'AlarmRule') ?? '').includes(' AND ')) return false;
  const inputs = alarmsOfComposite(composite).filter((a) => usesMetricMath(a) && alarmWatches(a, endpoint));
  const windows = new Set(inputs.map(windowSeconds).filter((w) => w !== undefined));
  return windows.size >= 2 && notifiesSns(composite);
}

/**
 * Readiness-SLO (prod): every internet-facing load balancer and CloudFront distribution has
 * multi-window burn-rate alerts: a composite alarm that ANDs a long-window and a short-window
 * metric-math alarm on the endpoint's own metrics and notifies an SNS topic.
 */
export const SloBurnRateAlerted: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'SLO',
  controlId: 'SLO',
  category: 'operations',
  stages: ['prod'],
  resourceTypes: PUBLIC_ENDPOINT_TYPES,
  info: 'A public load balancer or distribution has no multi-window burn-rate alert (composite AND of a long- and a short-window metric-math alarm on its metrics, with an SNS action).',
  explanation:
    'A 99.9% SLO is only a promise if burning its error budget pages someone (gap 4.3: "No SLA tracking or monitoring"). ' +
    'Add `BurnRateAlarms` (SRE workbook windows: 14.4x over 1 h and 5 min, 6x over 6 h and 30 min, 1x over 3 days and 6 h) with an SLI on this endpoint, ' +
    'or your own composite alarm that ANDs two metric-math alarms on its metrics and notifies an SNS topic.',
  test: 'test/aspects/rules/observability/slo-burn-rate-alerted.spec.ts',
  check: (node: CfnResource) => {
    if (!isPublicEndpoint(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const composites = resourcesOfType(node.node.root, COMPOSITE_TYPE);
    return composites.some((c) => isBurnRateAlertOn(c, node)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
