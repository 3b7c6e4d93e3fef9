import * as ce from 'aws-cdk-lib/aws-ce';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

export interface CostAnomalyAlertsProps {
  /** Cost allocation tag whose spend is watched, e.g. `{ key: 'stage', value: 'prod' }`. */
  readonly costAllocationTag: { readonly key: string; readonly value: string };
  /** Anomalies with at least this total impact in USD are reported. */
  readonly thresholdUsd: number;
  /** Email addresses that receive the daily anomaly summary (1 to 10). */
  readonly alertEmails: readonly string[];
  /**
   * Monitor name (AWS requires one; it identifies the monitor in the console).
   * @default - `<tag value>-cost-anomalies`
   */
  readonly monitorName?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RULES: readonly ValidationRule<CostAnomalyAlertsProps>[] = [
  { field: 'thresholdUsd', value: (p) => p.thresholdUsd, check: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0, fix: 'use a positive amount in USD' },
  { field: 'alertEmails', value: (p) => p.alertEmails, check: (v: string[]) => Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((e) => EMAIL.test(e)), fix: 'list 1 to 10 email addresses' },
  { field: 'costAllocationTag.key', value: (p) => p.costAllocationTag.key, check: (v) => typeof v === 'string' && v.length > 0, fix: 'name an activated cost allocation tag, e.g. "stage"' },
];

/**
 * AWS Cost Anomaly Detection for one stage: a custom monitor over the stage's cost allocation tag
 * (an account allows one dimensional SERVICE monitor, so stages sharing an account need custom
 * ones) and a daily email subscription above a USD threshold. Cost Explorer resources exist only
 * in us-east-1: put this in a stack there.
 */
export class CostAnomalyAlerts extends Construct {
  public readonly monitor: ce.CfnAnomalyMonitor;
  public readonly subscription: ce.CfnAnomalySubscription;

  constructor(scope: Construct, id: string, props: CostAnomalyAlertsProps) {
    super(scope, id);
    assertValid(`CostAnomalyAlerts ${this.node.path}`, props, RULES);
    const { key, value } = props.costAllocationTag;

    this.monitor = new ce.CfnAnomalyMonitor(this, 'Monitor', {
      monitorName: props.monitorName ?? `${value}-cost-anomalies`,
      monitorType: 'CUSTOM',
      monitorSpecification: JSON.stringify({ Tags: { Key: key, Values: [value], MatchOptions: ['EQUALS'] } }),
    });
    this.subscription = new ce.CfnAnomalySubscription(this, 'Subscription', {
      subscriptionName: `${props.monitorName ?? `${value}-cost-anomalies`}-daily`,
      frequency: 'DAILY',
      monitorArnList: [this.monitor.attrMonitorArn],
      subscribers: props.alertEmails.map((address) => ({ type: 'EMAIL', address })),
      thresholdExpression: JSON.stringify({
        Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', Values: [String(props.thresholdUsd)], MatchOptions: ['GREATER_THAN_OR_EQUAL'] },
      }),
    });
  }
}
