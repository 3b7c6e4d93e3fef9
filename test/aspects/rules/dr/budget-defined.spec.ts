import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { BudgetDefined } from '../../../../lib/aspects/rules/dr/budget-defined';
import { newTestApp } from '../../../helpers/synth';

describe('Readiness-COST', () => {
  const context = ruleContextFor('prod');
  const budget = (stack: Stack, subscribers: budgets.CfnBudget.SubscriberProperty[]) =>
    new budgets.CfnBudget(stack, 'Budget', {
      budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 1000, unit: 'USD' } },
      notificationsWithSubscribers: [
        { notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers },
      ],
    });

  test('a stage with a cost budget that alerts someone is compliant, with the budget as evidence', () => {
    const stack = new Stack(newTestApp(), 'WithBudget');
    budget(stack, [{ subscriptionType: 'EMAIL', address: 'finance@example.com' }]);
    const result = BudgetDefined.check(stack, context);
    expect(result.compliant).toBe(true);
    expect(result.evidence).toEqual([expect.objectContaining({ constructPath: 'WithBudget/Budget', note: 'monthly limit 1000 USD' })]);
  });

  test('a stage without a budget is non-compliant', () => {
    const result = BudgetDefined.check(new Stack(newTestApp(), 'NoBudget'), context);
    expect(result).toMatchObject({ compliant: false, findings: [expect.stringMatching(/No cost budget/)] });
  });

  test('a budget that alerts nobody does not count', () => {
    const stack = new Stack(newTestApp(), 'Silent');
    budget(stack, []);
    expect(BudgetDefined.check(stack, context).compliant).toBe(false);
  });
});
