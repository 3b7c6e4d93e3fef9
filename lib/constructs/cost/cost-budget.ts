import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';

export interface CostBudgetProps {
  /** Monthly limit in USD. */
  readonly monthlyLimitUsd: number;
  /** Email addresses alerted on actual and forecast overruns (1 to 10). */
  readonly alertEmails: readonly string[];
  /**
   * Topic alerted besides the emails (the stage's warning topic). The budget is allowed to publish to it.
   * @default - emails only
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Cost allocation tag that scopes the budget to one stage, e.g. `{ key: 'stage', value: 'prod' }`.
   * The tag must be activated for cost allocation in the billing console.
   * @default - the whole account
   */
  readonly costAllocationTag?: { readonly key: string; readonly value: string };
  /**
   * Percent of the limit at which actual spend alerts first.
   * @default 80
   */
  readonly actualWarningPercent?: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RULES: readonly ValidationRule<CostBudgetProps>[] = [
  { field: 'monthlyLimitUsd', value: (p) => p.monthlyLimitUsd, check: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0, fix: 'use a positive amount in USD' },
  { field: 'alertEmails', value: (p) => p.alertEmails, check: (v: string[]) => Array.isArray(v) && v.length >= 1 && v.length <= 10 && v.every((e) => EMAIL.test(e)), fix: 'list 1 to 10 email addresses (the AWS Budgets limit)' },
  { field: 'actualWarningPercent', value: (p) => p.actualWarningPercent, check: (v) => v === undefined || is.intBetween(1, 99)(v), fix: 'use 1 to 99 percent' },
];

/**
 * A monthly AWS Budgets cost budget with three alerts: actual spend at the warning percentage,
 * actual spend over the limit, and a forecast over the limit, to email and the warning topic.
 */
export class CostBudget extends Construct {
  public readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    assertValid(`CostBudget ${this.node.path}`, props, RULES);

    if (props.alertTopic) {
      props.alertTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          actions: ['sns:Publish'],
          principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
          resources: [props.alertTopic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }
    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      ...props.alertEmails.map((address) => ({ subscriptionType: 'EMAIL', address })),
      ...(props.alertTopic ? [{ subscriptionType: 'SNS', address: props.alertTopic.topicArn }] : []),
    ];
    const alert = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });

    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        costFilters: props.costAllocationTag ? { TagKeyValue: [`user:${props.costAllocationTag.key}$${props.costAllocationTag.value}`] } : undefined,
      },
      notificationsWithSubscribers: [alert('ACTUAL', props.actualWarningPercent ?? 80), alert('ACTUAL', 100), alert('FORECASTED', 100)],
    });
  }
}
