import { Budget, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { GetAnomalyMonitorsCommand } from '@aws-sdk/client-cost-explorer';
import { ControlStatus } from '../readiness/types';
import { CheckContext, ControlCheck, row } from './checks';
import { toVerifyError } from './errors';
import { LiveResourceResult } from './types';

export const BUDGET_TYPE = 'AWS::Budgets::Budget';
export const ANOMALY_MONITOR_TYPE = 'AWS::CE::AnomalyMonitor';
/** AWS Budgets and Cost Explorer are global services answered in us-east-1. */
export const BILLING_REGION = 'us-east-1';

export function evaluateBudget(budget: Budget | undefined, name: string): { status: ControlStatus; reason: string } {
  if (!budget) return { status: 'missing', reason: `budget ${name} does not exist in AWS Budgets` };
  const limit = Number(budget.BudgetLimit?.Amount);
  const unit = budget.BudgetLimit?.Unit ?? '';
  const forecast = budget.CalculatedSpend?.ForecastedSpend;
  const actual = budget.CalculatedSpend?.ActualSpend;
  const spent = actual ? `actual ${actual.Amount} ${actual.Unit}` : 'no actual spend yet';
  if (!Number.isFinite(limit)) return { status: 'missing', reason: `budget ${name} has no limit (planned limits are not checked)` };
  if (!forecast) return { status: 'conditional', reason: `budget ${name}: limit ${limit} ${unit}, ${spent}, no forecast yet` };
  const f = Number(forecast.Amount);
  const what = `budget ${name}: forecast ${forecast.Amount} ${forecast.Unit} against the limit ${budget.BudgetLimit?.Amount} ${unit}, ${spent}`;
  return f <= limit ? { status: 'ready', reason: `${what}: under the limit` } : { status: 'missing', reason: `${what}: over the limit` };
}

/** Cost: each budget exists and its forecast is under its limit; each anomaly monitor exists. */
export const costCheck: ControlCheck = {
  check: 'cost',
  control: 'COST',
  needs: `${BUDGET_TYPE} or ${ANOMALY_MONITOR_TYPE}`,
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const out: LiveResourceResult[] = [];
    const budgets = ctx.inventory.ofType(BUDGET_TYPE);
    for (const b of budgets) {
      if (!ctx.inventory.accountId) {
        out.push(row(b, 'missing', 'no account ID found in the deployed stacks to read the budget with'));
        continue;
      }
      let budget: Budget | undefined;
      try {
        budget = (await ctx.clients.budgets(BILLING_REGION).send(new DescribeBudgetCommand({ AccountId: ctx.inventory.accountId, BudgetName: b.physicalId }))).Budget;
      } catch (err) {
        if ((err as { name?: string }).name !== 'NotFoundException') {
          throw toVerifyError(err, { action: 'budgets:ViewBudget', resource: `budget ${b.physicalId}`, region: BILLING_REGION, profile: ctx.profile });
        }
      }
      const v = evaluateBudget(budget, b.physicalId);
      out.push(row(b, v.status, v.reason, ctx.now));
    }
    const monitors = ctx.inventory.ofType(ANOMALY_MONITOR_TYPE);
    if (monitors.length > 0) {
      let found = new Set<string>();
      try {
        const res = await ctx.clients.costExplorer(BILLING_REGION).send(new GetAnomalyMonitorsCommand({ MonitorArnList: monitors.map((m) => m.physicalId) }));
        found = new Set((res.AnomalyMonitors ?? []).map((m) => m.MonitorArn ?? ''));
      } catch (err) {
        if ((err as { name?: string }).name !== 'UnknownMonitorException') {
          throw toVerifyError(err, { action: 'ce:GetAnomalyMonitors', resource: `${monitors.length} anomaly monitors`, region: BILLING_REGION, profile: ctx.profile });
        }
      }
      for (const m of monitors) {
        out.push(
          found.has(m.physicalId)
            ? row(m, 'ready', `anomaly monitor ${m.physicalId} exists`, ctx.now)
            : row(m, 'missing', `anomaly monitor ${m.physicalId} does not exist in Cost Explorer`),
        );
      }
    }
    return out;
  },
};
