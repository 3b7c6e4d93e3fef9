import { IConstruct } from 'constructs';
import { numberOf, prop, rendered, resourcesOfType } from '../../rule-helpers';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';
import { providedBaselineNote, providedService } from '../../analysis/helpers';
import { evidenceOf } from '../../analysis/evidence';

/**
 * Readiness-COST: the stage has an AWS Budgets cost budget with a positive limit and at least one
 * alert with a subscriber. Without one, budgets the organization's FinOps declares it runs for the
 * account (`provided.budgets`: provider, evidence URL, date; in code or readiness.json) make it compliant
 * but `conditional`: provided by the organization, to be proven live.
 */
export const BudgetDefined: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'COST',
  controlId: 'COST',
  category: 'operations',
  info: 'No AWS Budgets cost budget with a limit and an alert subscriber in the stage.',
  explanation:
    'Costs must be tracked and overruns alerted before launch (gap 9.5: "Set cost budgets", "Configure cost alerts"). ' +
    'Add a CostBudget (lib/constructs/cost) or an AWS::Budgets::Budget with BudgetLimit and NotificationsWithSubscribers, ' +
    'or declare the organization\'s budgets: `enforceReadiness(app, { provided: { budgets: { providedBy, evidenceUrl, date } } })` or `provided.budgets` in readiness.json.',
  test: 'test/aspects/rules/dr/budget-defined.spec.ts',
  check: (scope: IConstruct, context: RuleContext): ScopeRuleResult => {
    const budgets = resourcesOfType(scope, 'AWS::Budgets::Budget').filter((b) => {
      const body = rendered(b).Properties.Budget ?? {};
      const amount = numberOf(b, body.BudgetLimit?.Amount);
      const alerts: any[] = Array.isArray(prop(b, 'NotificationsWithSubscribers')) ? (prop(b, 'NotificationsWithSubscribers') as any[]) : [];
      return body.BudgetType === 'COST' && amount !== undefined && amount > 0 && alerts.some((a) => Array.isArray(a?.Subscribers) && a.Subscribers.length > 0);
    });
    const provided = providedService(context, 'budgets');
    if (budgets.length === 0 && provided) {
      const note = providedBaselineNote(provided, 'Cost budgets (organization FinOps)');
      return { compliant: true, findings: [], conditional: note, evidence: [{ constructPath: '', note }] };
    }
    return budgets.length > 0
      ? { compliant: true, findings: [], evidence: budgets.map((b) => evidenceOf(b, `monthly limit ${rendered(b).Properties.Budget?.BudgetLimit?.Amount} ${rendered(b).Properties.Budget?.BudgetLimit?.Unit}`)) }
      : { compliant: false, findings: ['No cost budget with a limit and an alert subscriber.'], evidence: [] };
  },
});
