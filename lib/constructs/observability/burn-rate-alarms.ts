import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { AlarmKit, AlarmSeverity } from './alarm-kit';
import { AlarmRoutingProps } from './routing';

/**
 * A service level indicator as an error ratio (0 to 1) over any window: the bad fraction of
 * requests. Burn rate = error ratio / error budget.
 */
export interface ServiceLevelIndicator {
  /** Short name used in alarm texts, e.g. `availability`. */
  readonly name: string;
  /** What a bad event is, in words. */
  readonly badEvent: string;
  /** Bad events / all events, averaged over `window` (which is also the metric period). */
  errorRatio(window: Duration): cloudwatch.IMetric;
}

/** Availability of an ALB: 5xx answers (from targets or the load balancer itself) over all requests. */
export function albAvailabilitySli(loadBalancer: elbv2.IApplicationLoadBalancer): ServiceLevelIndicator {
  const lb = (metricName: string, period: Duration) => loadBalancer.metrics.custom(metricName, { statistic: 'Sum', period });
  return {
    name: 'availability',
    badEvent: 'a 5xx response',
    errorRatio: (window) =>
      new cloudwatch.MathExpression({
        expression: '(FILL(t5, 0) + FILL(e5, 0)) / req',
        usingMetrics: { req: lb('RequestCount', window), t5: lb('HTTPCode_Target_5XX_Count', window), e5: lb('HTTPCode_ELB_5XX_Count', window) },
        period: window,
        label: `5xx ratio over ${window.toHumanString()}`,
      }),
  };
}

/**
 * Latency of an ALB as a ratio: the share of requests slower than `threshold`, from the percentile
 * rank statistic PR(:t) (the percentage of requests at or below t seconds).
 */
export function albLatencySli(loadBalancer: elbv2.IApplicationLoadBalancer, threshold: Duration): ServiceLevelIndicator {
  const seconds = threshold.toMilliseconds() / 1000;
  return {
    name: 'latency',
    badEvent: `a response slower than ${threshold.toMilliseconds()} ms`,
    errorRatio: (window) =>
      new cloudwatch.MathExpression({
        expression: '(100 - fast) / 100',
        usingMetrics: {
          fast: loadBalancer.metrics.custom('TargetResponseTime', { statistic: cloudwatch.Stats.percentileRank(0, seconds), period: window }),
        },
        period: window,
        label: `slow ratio over ${window.toHumanString()}`,
      }),
  };
}

/**
 * Availability of a CloudFront distribution: its 5xx error rate (metrics exist in us-east-1 only, so
 * alarms on it live in a us-east-1 stack). CloudWatch averages the per-minute rates over the window,
 * which weighs quiet minutes like busy ones: close to, not exactly, the request-weighted ratio.
 */
export function cloudFrontAvailabilitySli(distribution: cloudfront.IDistribution): ServiceLevelIndicator {
  return {
    name: 'availability',
    badEvent: 'a 5xx response',
    errorRatio: (window) =>
      new cloudwatch.MathExpression({
        expression: 'FILL(rate, 0) / 100',
        usingMetrics: {
          rate: new cloudwatch.Metric({
            namespace: 'AWS/CloudFront',
            metricName: '5xxErrorRate',
            statistic: 'Average',
            period: window,
            region: 'us-east-1',
            dimensionsMap: { DistributionId: distribution.distributionId, Region: 'Global' },
          }),
        },
        period: window,
        label: `CDN 5xx ratio over ${window.toHumanString()}`,
      }),
  };
}

/** One row of the multi-window, multi-burn-rate table: alert when both windows burn faster than `burnRate`. */
export interface BurnRatePolicy {
  /** Construct-ID friendly name, e.g. `Page1h`. */
  readonly name: string;
  readonly burnRate: number;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  readonly severity: AlarmSeverity;
}

/**
 * The SRE workbook's table for a 30-day budget: page at 14.4x over 1 h and 5 min (2% of the budget
 * in an hour), page at 6x over 6 h and 30 min (5% in six hours), ticket at 1x over 3 days and 6 h.
 */
export const SRE_WORKBOOK_POLICIES: readonly BurnRatePolicy[] = [
  { name: 'Page1h', burnRate: 14.4, longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), severity: 'critical' },
  { name: 'Page6h', burnRate: 6, longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), severity: 'critical' },
  { name: 'Ticket3d', burnRate: 1, longWindow: Duration.days(3), shortWindow: Duration.hours(6), severity: 'warning' },
];

/**
 * Whether CloudWatch accepts an alarm with this period and one evaluation period: the period is a
 * multiple of 60 s, and the evaluation range is at most 1 day for periods under an hour and at most
 * 7 days otherwise (PutMetricAlarm). A window is one datapoint whose period is the whole window, so
 * the ratio is computed over the whole window rather than averaged over sub-periods.
 */
export function isAlarmableWindow(window: Duration): boolean {
  const s = window.toSeconds();
  if (s < 60 || s % 60 !== 0) return false;
  return s < 3600 ? s <= 86400 : s <= 604800;
}

export interface BurnRateAlarmsProps extends AlarmRoutingProps {
  /** What is measured (see `albAvailabilitySli`, `albLatencySli`). */
  readonly sli: ServiceLevelIndicator;
  /** Objective in percent, e.g. 99.9. */
  readonly objectivePercent: number;
  /**
   * Name of the endpoint in alarm texts, e.g. `public API`.
   * @default 'public endpoint'
   */
  readonly endpointName?: string;
  /**
   * Burn-rate policies.
   * @default SRE_WORKBOOK_POLICIES
   */
  readonly policies?: readonly BurnRatePolicy[];
  /**
   * Budget window the error budget is measured over (dashboard only).
   * @default Duration.days(30)
   */
  readonly budgetWindow?: Duration;
}

const RULES: readonly ValidationRule<BurnRateAlarmsProps>[] = [
  { field: 'objectivePercent', value: (p) => p.objectivePercent, check: (v) => typeof v === 'number' && v > 0 && v < 100, fix: 'use an objective between 0 and 100 percent, e.g. 99.9' },
  {
    field: 'policies',
    value: (p) => (p.policies ?? SRE_WORKBOOK_POLICIES).map((x) => x.burnRate),
    check: (v: number[], p) => v.every((rate) => rate > 0 && (rate * (100 - p.objectivePercent)) / 100 < 1),
    fix: 'use burn rates above 0 whose threshold (rate x error budget) stays below 100% of requests',
  },
  {
    field: 'policies',
    value: (p) => (p.policies ?? SRE_WORKBOOK_POLICIES).flatMap((x) => [x.longWindow.toSeconds(), x.shortWindow.toSeconds()]),
    check: (v: number[]) => v.every((s) => isAlarmableWindow(Duration.seconds(s))),
    fix: 'use windows that are multiples of 60 s, at most 1 day under an hour and at most 7 days otherwise (CloudWatch alarm limits)',
  },
  {
    field: 'policies',
    value: (p) => (p.policies ?? SRE_WORKBOOK_POLICIES).map((x) => x.name),
    check: (v: string[]) => v.every((n) => is.matching(/^[A-Za-z][A-Za-z0-9]*$/)(n)) && new Set(v).size === v.length,
    fix: 'give each policy a distinct alphanumeric name',
  },
  {
    field: 'policies',
    value: (p) => (p.policies ?? SRE_WORKBOOK_POLICIES).map((x) => x.shortWindow.toSeconds() < x.longWindow.toSeconds()),
    check: (v: boolean[]) => v.every(Boolean),
    fix: 'make each short window shorter than its long window',
  },
];

/** The two window alarms and the composite of one policy. */
export interface BurnRateAlert {
  readonly policy: BurnRatePolicy;
  /** Error-ratio threshold: burn rate x error budget (a fraction of requests). */
  readonly threshold: number;
  readonly longWindowAlarm: cloudwatch.Alarm;
  readonly shortWindowAlarm: cloudwatch.Alarm;
  /** In ALARM only while both windows burn too fast; carries the SNS action. */
  readonly alert: cloudwatch.CompositeAlarm;
}

/**
 * Multi-window, multi-burn-rate SLO alerts: per policy a long-window and a short-window metric-math
 * alarm on the error ratio (no actions of their own) and a composite that fires only when both are in
 * ALARM, so a burst that has ended (short window clear) or a slow trickle (long window clear) does
 * not page. The composite notifies the topic of the policy's severity.
 */
export class BurnRateAlarms extends Construct {
  public readonly alerts: BurnRateAlert[] = [];
  /** Fraction of requests the objective allows to be bad, e.g. 0.001 for 99.9%. */
  public readonly errorBudget: number;
  public readonly widgets: cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: BurnRateAlarmsProps) {
    super(scope, id);
    assertValid(`BurnRateAlarms "${this.node.path}"`, props, RULES);
    const kit = new AlarmKit(this, { critical: props.criticalTopic, warning: props.warningTopic, dashboardName: props.dashboardName });
    const endpoint = props.endpointName ?? 'public endpoint';
    const sli = props.sli;
    // Rounded: (100 - 99.9) / 100 is 0.0009999999999999432 in floating point.
    this.errorBudget = Number(((100 - props.objectivePercent) / 100).toPrecision(6));

    for (const policy of props.policies ?? SRE_WORKBOOK_POLICIES) {
      // Rounded so that 14.4 x 0.001 reads 0.0144, not 0.014400000000000001.
      const threshold = Number((policy.burnRate * this.errorBudget).toPrecision(6));
      const windowAlarm = (which: 'Long' | 'Short', window: Duration) =>
        new cloudwatch.Alarm(this, `${policy.name}${which}Window`, {
          metric: sli.errorRatio(window),
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          // No requests burn no budget; the health canary pages on an endpoint that is down.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription:
            `${sli.name} SLO ${props.objectivePercent}% of ${endpoint}: ${which.toLowerCase()} window (${window.toHumanString()}) of the ` +
            `${policy.burnRate}x burn-rate alert. Input of the composite ${policy.name}; it has no action of its own.`,
        });
      const longWindowAlarm = windowAlarm('Long', policy.longWindow);
      const shortWindowAlarm = windowAlarm('Short', policy.shortWindow);
      for (const a of [longWindowAlarm, shortWindowAlarm]) {
        Validations.of(a).acknowledge({
          id: 'NIST.800.53.R5-CloudWatchAlarmAction',
          reason: `input of the ${policy.name} burn-rate composite, which notifies SNS; an action here would page on one window alone`,
        });
      }
      const budgetGone = policy.burnRate >= 1 ? ` At this rate the 30-day budget is gone in ${formatHours((30 * 24) / policy.burnRate)}.` : '';
      const alert = new cloudwatch.CompositeAlarm(this, policy.name, {
        alarmRule: cloudwatch.AlarmRule.allOf(
          cloudwatch.AlarmRule.fromAlarm(longWindowAlarm, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.fromAlarm(shortWindowAlarm, cloudwatch.AlarmState.ALARM),
        ),
        alarmDescription: kit.description(policy.severity, {
          meaning:
            `${endpoint} burns its ${sli.name} error budget (${props.objectivePercent}%) at ${policy.burnRate}x: more than ` +
            `${(threshold * 100).toPrecision(3)}% of requests are ${sli.badEvent} over both ${policy.longWindow.toHumanString()} and ${policy.shortWindow.toHumanString()}.${budgetGone}`,
          checks: ['the tier roll-up alarms (service, database, cache) for the cause', 'deployments in the last hour (roll back first, debug later)', 'the SLO panels: is the burn still rising?'],
        }),
      });
      const action = new actions.SnsAction(kit.topicFor(policy.severity));
      alert.addAlarmAction(action);
      if (policy.severity === 'critical') alert.addOkAction(action);
      this.alerts.push({ policy, threshold, longWindowAlarm, shortWindowAlarm, alert });
    }

    const budgetWindow = props.budgetWindow ?? Duration.days(30);
    const hourly = sli.errorRatio(Duration.hours(1));
    this.widgets = [
      new cloudwatch.SingleValueWidget({
        title: `${endpoint}: ${sli.name} error budget remaining (${budgetWindow.toDays()} d, %)`,
        metrics: [
          new cloudwatch.MathExpression({
            expression: `100 * (1 - bad / ${this.errorBudget})`,
            usingMetrics: { bad: sli.errorRatio(budgetWindow) },
            period: budgetWindow,
            label: 'budget remaining %',
          }),
        ],
        setPeriodToTimeRange: false,
        start: `-PT${budgetWindow.toHours()}H`,
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${endpoint}: ${sli.name} burn rate (1 h)`,
        left: [
          new cloudwatch.MathExpression({ expression: `ratio / ${this.errorBudget}`, usingMetrics: { ratio: hourly }, period: Duration.hours(1), label: 'burn rate (1 h)' }),
        ],
        leftAnnotations: (props.policies ?? SRE_WORKBOOK_POLICIES).map((p) => ({ value: p.burnRate, label: `${p.name} ${p.burnRate}x` })),
        width: 6,
      }),
    ];
  }
}

function formatHours(hours: number): string {
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} hours`;
}
