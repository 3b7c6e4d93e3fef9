import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { ruleIdOf } from '../../../../lib/aspects/rule';
import { AlarmMetricsExist } from '../../../../lib/aspects/rules/observability/alarm-metrics-exist';
import { AlarmsDeliverable } from '../../../../lib/aspects/rules/observability/alarms-deliverable';
import { NodeAlarmsComplete } from '../../../../lib/aspects/rules/observability/node-alarms-complete';
import { StageConfig } from '../../../../lib/config/stage-config';
import { PROD } from '../../../../lib/config/stages';
import { buildStage } from '../../../helpers/synth';

const RULES = [AlarmMetricsExist, AlarmsDeliverable, NodeAlarmsComplete];

/** The shipped alarms, checked as the gate sees them (after synthesis: cross-stack references are imports). */
function run(config: StageConfig) {
  const { app, stage } = buildStage(config);
  app.synth();
  const pack = new ReadinessChecks(undefined, { stage: 'prod', rules: RULES });
  const report = pack.validateScope(stage);
  const compliant = (rule: { id: string }) => pack.results.filter((r) => r.ruleId === ruleIdOf(rule) && r.compliance === 'compliant').map((r) => r.construct.node.path);
  return { violations: report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`), compliant };
}

describe('the prod stage (global-database mode: DR-region topics too) passes the alarm wiring rules', () => {
  const config: StageConfig = { ...PROD, dr: { ...PROD.dr, mode: 'global-database', targets: { ...PROD.dr.targets, region: { rpoMinutes: 1, rtoMinutes: 60 } } } };
  let result: ReturnType<typeof run>;
  beforeAll(() => {
    result = run(config);
  });

  test('no finding', () => {
    expect(result.violations).toEqual([]);
  });

  test('the proxy alarms, the cache nodes, the DR and us-east-1 topics, the security-findings rules, the vault and the budget are checked, not skipped', () => {
    const metrics = result.compliant(AlarmMetricsExist);
    expect(metrics).toEqual(expect.arrayContaining(['Prod/Observability/DatabaseAlarms/ProxyAvailability/Resource', 'Prod/Observability/DatabaseAlarms/ProxyConnectionSaturation/Resource']));
    expect(result.compliant(NodeAlarmsComplete)).toEqual(['Prod/Data/Cache/Resource']);
    const delivered = result.compliant(AlarmsDeliverable);
    for (const prefix of ['Prod/Observability/', 'Prod/EdgeObservability/', 'Prod/Dr/', 'Prod/Alerting/SecurityFindings/', 'Prod/Backup/', 'Prod/Resilience/']) {
      expect(delivered.some((p) => p.startsWith(prefix))).toBe(true);
    }
  });
});
