import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsCommandInput, GetMetricDataCommand, GetMetricDataCommandInput, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { burnRateAlarm, evaluateSlo, sliQueries, sloCheck } from '../../lib/verify/slo';
import { checkContext, throttling } from './check-context';
import { DAY } from './fixtures';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

const lb = (MetricName: string) => ({ Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: [{ Name: 'LoadBalancer', Value: 'app/prod/abc' }] });

/** A burn-rate window alarm as BurnRateAlarms renders it (availability SLI, objective 99.9%). */
function burnAlarm(name: string, burnRate: number, windowSeconds: number): MetricAlarm {
  return {
    AlarmName: name,
    AlarmDescription: `api burns its availability error budget (99.9%) at ${burnRate}x burn-rate alert.`,
    Threshold: Number((burnRate * 0.001).toPrecision(6)),
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    Metrics: [
      { Id: 'expr_1', Expression: '(FILL(t5, 0) + FILL(e5, 0)) / req', Period: windowSeconds, ReturnData: true },
      { Id: 'req', MetricStat: { Metric: lb('RequestCount'), Period: windowSeconds, Stat: 'Sum' }, ReturnData: false },
      { Id: 't5', MetricStat: { Metric: lb('HTTPCode_Target_5XX_Count'), Period: windowSeconds, Stat: 'Sum' }, ReturnData: false },
      { Id: 'e5', MetricStat: { Metric: lb('HTTPCode_ELB_5XX_Count'), Period: windowSeconds, Stat: 'Sum' }, ReturnData: false },
    ],
  };
}

const ALARMS = [burnAlarm('Prod-Page1hLong', 14.4, 3600), burnAlarm('Prod-Ticket3dLong', 1, 259200), { AlarmName: 'Prod-DbCpu', Threshold: 80, MetricName: 'CPUUtilization' }];

function deployed(errorRatio: number | undefined): void {
  cw.on(DescribeAlarmsCommand).callsFake((i: DescribeAlarmsCommandInput) => ({ MetricAlarms: ALARMS.filter((a) => i.AlarmNames?.includes(a.AlarmName!)) }));
  cw.on(GetMetricDataCommand).callsFake((i: GetMetricDataCommandInput) => ({
    MetricDataResults: (i.MetricDataQueries ?? []).filter((q) => q.ReturnData).map((q) => ({ Id: q.Id, Values: errorRatio === undefined ? [] : [errorRatio] })),
  }));
}

const ctx = () => checkContext(ALARMS.map((a) => ({ type: 'AWS::CloudWatch::Alarm', logicalId: a.AlarmName!.replace('Prod-', ''), physicalId: a.AlarmName! })));

describe('SLO attainment', () => {
  test('burn-rate alarms are recognised, with their error budget; other alarms are not', () => {
    expect(burnRateAlarm(ALARMS[0])).toMatchObject({ burnRate: 14.4, errorBudget: 0.001 });
    expect(burnRateAlarm(ALARMS[2])).toBeUndefined();
  });

  test('the SLI is the alarm metric math with every period set to the window, IDs prefixed', () => {
    const { queries, resultId } = sliQueries(ALARMS[0], 2_419_200, 's0');
    expect(resultId).toBe('s0_expr_1');
    expect(queries[0]).toEqual({ Id: 's0_expr_1', Expression: '(FILL(s0_t5, 0) + FILL(s0_e5, 0)) / s0_req', Period: 2_419_200, ReturnData: true });
    expect(queries[1]).toMatchObject({ Id: 's0_req', MetricStat: { Period: 2_419_200, Stat: 'Sum' }, ReturnData: false });
  });

  test('healthy: 0.04% errors over 28 d meets 99.9% with 60% of the budget left; one query set per SLI', async () => {
    deployed(0.0004);
    const rows = await sloCheck.run(ctx());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'ready', reason: 'Prod-Ticket3dLong: 99.96% over 28 d, objective 99.9%, error budget left 60%' });
    const input = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.MetricDataQueries).toHaveLength(4);
    expect(input.EndTime!.getTime() - input.StartTime!.getTime()).toBe(28 * DAY);
  });

  test('failing: the objective is missed, the budget is overspent', async () => {
    deployed(0.0025);
    const [r] = await sloCheck.run(ctx());
    expect(r).toMatchObject({ status: 'missing', reason: 'Prod-Ticket3dLong: 99.75% over 28 d, objective 99.9%, error budget left -150%: objective missed' });
  });

  test('no datapoint (no requests) is conditional; no burn-rate alarm gives no row', async () => {
    deployed(undefined);
    expect((await sloCheck.run(ctx()))[0].status).toBe('conditional');
    expect(evaluateSlo('x', undefined, 0.001, 28 * DAY).reason).toBe('x: no datapoint over 28 d (no requests?), objective 99.9%');
    cw.reset();
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [ALARMS[2]] });
    expect(await sloCheck.run(ctx())).toEqual([]);
  });

  test('throttled GetMetricData: one error naming the action', async () => {
    deployed(0.0004);
    cw.on(GetMetricDataCommand).rejects(throttling());
    await expect(sloCheck.run(ctx())).rejects.toThrow(/^Throttled: cloudwatch:GetMetricData in eu-west-1/);
  });
});
