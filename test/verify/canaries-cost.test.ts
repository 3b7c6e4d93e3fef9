import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, GetMetricDataCommand, GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetAnomalyMonitorsCommand } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { canariesCheck } from '../../lib/verify/canaries';
import { costCheck } from '../../lib/verify/cost';
import { checkContext, throttling } from './check-context';
import { NOW } from './fixtures';

const cw = mockClient(CloudWatchClient);
const budgets = mockClient(BudgetsClient);
const ce = mockClient(CostExplorerClient);
beforeEach(() => [cw, budgets, ce].forEach((m) => m.reset()));

/** Answers SuccessPercent queries: canary name -> [average, runs]. */
function canaryMetrics(byName: Record<string, [number, number] | undefined>, pageSplit = false): void {
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const results = (input.MetricDataQueries ?? []).map((q) => {
      const name = q.MetricStat!.Metric!.Dimensions![0].Value!;
      const v = byName[name];
      const value = v === undefined ? [] : [q.MetricStat!.Stat === 'Average' ? v[0] : v[1]];
      return { Id: q.Id, Values: value, Timestamps: value.map(() => NOW) };
    });
    if (!pageSplit) return { MetricDataResults: results };
    return input.NextToken ? { MetricDataResults: results.slice(1) } : { MetricDataResults: results.slice(0, 1), NextToken: 'p2' };
  });
}

const canaries = () =>
  checkContext(
    [
      { type: 'AWS::Synthetics::Canary', logicalId: 'ApiCanary', physicalId: 'prod-api' },
      { type: 'AWS::Synthetics::Canary', logicalId: 'WebCanary', physicalId: 'prod-web' },
    ],
    { sloTargetPercent: 99 },
  );

describe('canaries', () => {
  test('healthy and failing: success rate over 24 h against the SLO target, from CloudWatchSynthetics SuccessPercent', async () => {
    canaryMetrics({ 'prod-api': [100, 288], 'prod-web': [50, 288] });
    const rows = await canariesCheck.run(canaries());
    expect(rows[0]).toMatchObject({ status: 'ready', reason: 'canary prod-api: 100% of 288 runs passed in the last 1 d (0 failed), SLO target 99%' });
    expect(rows[1]).toMatchObject({ status: 'missing', reason: 'canary prod-web: 50% of 288 runs passed in the last 1 d (144 failed), SLO target 99%: below target' });
    const q = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!;
    expect(q[0].MetricStat).toMatchObject({ Metric: { Namespace: 'CloudWatchSynthetics', MetricName: 'SuccessPercent' }, Period: 86_400, Stat: 'Average' });
  });

  test('missing: a canary with no run in the window (stopped)', async () => {
    canaryMetrics({ 'prod-api': [100, 288] });
    const rows = await canariesCheck.run(canaries());
    expect(rows[1]).toMatchObject({ status: 'missing', reason: 'canary prod-web published no run in the last 1 d (stopped, or never started)' });
  });

  test('paginated: values from both pages of GetMetricData', async () => {
    canaryMetrics({ 'prod-api': [99.5, 200], 'prod-web': [100, 200] }, true);
    const rows = await canariesCheck.run(canaries());
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(2);
    expect(rows.map((r) => r.status)).toEqual(['ready', 'ready']);
  });

  test('throttled: one error naming cloudwatch:GetMetricData', async () => {
    cw.on(GetMetricDataCommand).rejects(throttling());
    await expect(canariesCheck.run(canaries())).rejects.toThrow(/^Throttled: cloudwatch:GetMetricData in eu-west-1/);
  });
});

describe('cost', () => {
  const cost = () =>
    checkContext([
      { type: 'AWS::Budgets::Budget', logicalId: 'MonthlyBudget', physicalId: 'prod-monthly' },
      { type: 'AWS::CE::AnomalyMonitor', logicalId: 'AnomalyMonitor', physicalId: 'arn:aws:ce::123456789012:anomalymonitor/m-1' },
    ]);
  const budget = (forecast: string) => ({
    Budget: {
      BudgetName: 'prod-monthly',
      BudgetType: 'COST' as const,
      TimeUnit: 'MONTHLY' as const,
      BudgetLimit: { Amount: '1000.0', Unit: 'USD' },
      CalculatedSpend: { ActualSpend: { Amount: '400.0', Unit: 'USD' }, ForecastedSpend: { Amount: forecast, Unit: 'USD' } },
    },
  });

  test('healthy: forecast under the limit and the monitor exists; billing APIs in us-east-1 with the account ID', async () => {
    budgets.on(DescribeBudgetCommand).resolves(budget('900.0'));
    ce.on(GetAnomalyMonitorsCommand).resolves({ AnomalyMonitors: [{ MonitorArn: 'arn:aws:ce::123456789012:anomalymonitor/m-1', MonitorName: 'm', MonitorType: 'DIMENSIONAL' }] });
    const rows = await costCheck.run(cost());
    expect(rows.map((r) => r.status)).toEqual(['ready', 'ready']);
    expect(rows[0].reason).toBe('budget prod-monthly: forecast 900.0 USD against the limit 1000.0 USD, actual 400.0 USD: under the limit');
    expect(budgets.commandCalls(DescribeBudgetCommand)[0].args[0].input).toEqual({ AccountId: '123456789012', BudgetName: 'prod-monthly' });
  });

  test('failing: forecast over the limit; missing: the budget and the monitor are gone', async () => {
    budgets.on(DescribeBudgetCommand).resolves(budget('1500.0'));
    ce.on(GetAnomalyMonitorsCommand).resolves({ AnomalyMonitors: [] });
    let rows = await costCheck.run(cost());
    expect(rows[0]).toMatchObject({ status: 'missing', reason: expect.stringMatching(/forecast 1500.0 USD .*: over the limit$/) });
    expect(rows[1]).toMatchObject({ status: 'missing', reason: expect.stringMatching(/does not exist in Cost Explorer/) });
    budgets.on(DescribeBudgetCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFoundException' }));
    rows = await costCheck.run(cost());
    expect(rows[0]).toMatchObject({ status: 'missing', reason: 'budget prod-monthly does not exist in AWS Budgets' });
  });

  test('throttled: one error naming budgets:ViewBudget', async () => {
    budgets.on(DescribeBudgetCommand).rejects(throttling());
    await expect(costCheck.run(cost())).rejects.toThrow(/^Throttled: budgets:ViewBudget in us-east-1/);
  });
});
