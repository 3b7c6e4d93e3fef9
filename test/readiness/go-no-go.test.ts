import { App, Stack, Stage } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { READINESS_RULES } from '../../lib/aspects/rules';
import { PROD } from '../../lib/config/stages';
import { evaluateReadiness } from '../../lib/readiness/gate';
import { GoNoGo, renderGoNoGoText } from '../../lib/readiness/go-no-go';
import { renderMarkdown } from '../../lib/readiness/report';
import { NO_BUNDLING } from '../helpers/synth';

describe('launch go/no-go table', () => {
  const stage = new Stage(new App({ context: NO_BUNDLING }), 'Prod');
  const stack = new Stack(stage, 'Ops', { env: { account: '333333333333', region: 'eu-west-1' } });
  const errors = new cloudwatch.Alarm(stack, 'Errors5xx', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 });
  new ecs.CfnService(stack, 'Api', {
    deploymentConfiguration: { alarms: { enable: true, rollback: true, alarmNames: [errors.alarmName] }, deploymentCircuitBreaker: { enable: true, rollback: true } },
  });
  const app = new appconfig.CfnApplication(stack, 'Flags', { name: 'shop' });
  new appconfig.CfnEnvironment(stack, 'ProdFlags', { applicationId: app.ref, name: 'prod', monitors: [{ alarmArn: errors.alarmArn, alarmRoleArn: 'arn:aws:iam::333333333333:role/appconfig' }] });
  const run = (gate?: 'launch') =>
    evaluateReadiness(stage, { stage: 'prod', config: PROD, rules: READINESS_RULES, awsSolutions: false, nist: false, gate, now: new Date('2026-06-01T00:00:00Z') }).report;
  const launch = run('launch');
  const section = launch.sections.find((s) => s.title === 'Launch go/no-go')!;
  const data = section.data as GoNoGo;

  test('lists every Critical and High control with status, owner and whether it blocks; Critical missing ones block', () => {
    const ids = launch.controls.filter((c) => c.severity === 'Critical' || c.severity === 'High').map((c) => c.id);
    expect(data.rows.map((r) => r.id)).toEqual(ids);
    expect(data.rows.find((r) => r.id === 'SUPPORT-24X7')).toMatchObject({ severity: 'Critical', status: 'missing', owner: 'Support', blocking: true });
    expect(data.rows.find((r) => r.id === 'INCIDENT-RESPONSE')).toMatchObject({ severity: 'High', blocking: false });
    expect(data.decision).toBe('NO-GO');
  });

  test('rollback triggers are the deployment alarms and pause criteria the AppConfig monitors, read from the templates', () => {
    expect(data.rollbackTriggers).toEqual(['Prod/Ops/Api: Prod/Ops/Errors5xx/Resource']);
    expect(data.pauseCriteria).toEqual(['Prod/Ops/ProdFlags: Prod/Ops/Errors5xx/Resource']);
  });

  test('written into the Markdown report and printable for a terminal; only under the launch gate', () => {
    expect(renderMarkdown(launch)).toMatch(/## Launch go\/no-go[\s\S]*Decision: \*\*NO-GO\*\*[\s\S]*\| SUPPORT-24X7: .* \| Critical \| missing \| Support \| \*\*yes\*\* \|/);
    expect(renderGoNoGoText('prod', data)).toMatch(/Launch go\/no-go \(prod\): NO-GO\n[\s\S]*SUPPORT-24X7 +Critical +missing +BLOCKING +Support[\s\S]*Rollback triggers:\n  - Prod\/Ops\/Api/);
    expect(run().sections.some((s) => s.title === 'Launch go/no-go')).toBe(false);
  });
});
