import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { ObservabilityInPlace as rule } from '../../../../lib/aspects/rules/observability/observability-in-place';
import { NO_BUNDLING } from '../../../helpers/synth';

function userApp(opts: { dashboard: boolean; logs: boolean }): App {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack');
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('api', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    logging: opts.logs ? ecs.LogDrivers.awsLogs({ streamPrefix: 'api' }) : undefined,
  });
  if (opts.dashboard) {
    new cloudwatch.Dashboard(stack, 'Dashboard', { widgets: [[new cloudwatch.TextWidget({ markdown: '# API' })]] });
  }
  return app;
}

describe('Readiness-OBSERVABILITY', () => {
  test('a dashboard with widgets and containers that ship logs are compliant, with both as evidence', () => {
    const result = rule.check(userApp({ dashboard: true, logs: true }), ruleContextFor('prod'));
    expect(result.compliant).toBe(true);
    expect(result.evidence.map((e) => e.resourceType).sort()).toEqual(['AWS::CloudWatch::Dashboard', 'AWS::ECS::TaskDefinition']);
  });

  test('no dashboard and a container without a log driver are both named', () => {
    const result = rule.check(userApp({ dashboard: false, logs: false }), ruleContextFor('prod'));
    expect(result.compliant).toBe(false);
    expect(result.findings).toEqual(['There is no AWS::CloudWatch::Dashboard with widgets.', 'UserStack/Task/Resource: containers without a LogConfiguration: api.']);
  });

  test('an empty dashboard does not count', () => {
    const app = userApp({ dashboard: false, logs: true });
    new cloudwatch.Dashboard(app.node.findChild('UserStack') as Stack, 'Empty');
    expect(rule.check(app, ruleContextFor('prod')).findings).toEqual(['There is no AWS::CloudWatch::Dashboard with widgets.']);
  });
});
