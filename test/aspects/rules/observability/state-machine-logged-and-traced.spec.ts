import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { NagRuleCompliance } from 'cdk-nag';
import { StateMachineLoggedAndTraced as rule } from '../../../../lib/aspects/rules/observability/state-machine-logged-and-traced';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-STATE-MACHINE-OBSERVED', () => {
  let stack: Stack;
  const m: Record<string, sfn.StateMachine> = {};

  beforeAll(() => {
    stack = userStack();
    const destination = new logs.LogGroup(stack, 'Logs', { removalPolicy: RemovalPolicy.RETAIN });
    const machine = (id: string, props: Partial<sfn.StateMachineProps>) =>
      (m[id] = new sfn.StateMachine(stack, id, { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, `${id}Pass`)), ...props }));
    machine('Observed', { logs: { destination, level: sfn.LogLevel.ERROR }, tracingEnabled: true });
    machine('Plain', {});
    // Fooling: logging configured, but at FATAL only, and no tracing.
    machine('FatalOnly', { logs: { destination, level: sfn.LogLevel.FATAL } });
  });

  test('a state machine logging ERROR to a log group with tracing is compliant', () => {
    expect(check(rule, m.Observed)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('findings name the level, destinations and tracing', () => {
    expect(check(rule, m.Plain)).toEqual(['LoggingConfiguration.Level is not set, needs ALL or ERROR; LoggingConfiguration.Destinations is not set, needs a CloudWatch Logs log group; TracingConfiguration.Enabled is not set, needs true']);
    expect(check(rule, m.FatalOnly)).toEqual(['LoggingConfiguration.Level is "FATAL", needs ALL or ERROR; TracingConfiguration.Enabled is not set, needs true']);
  });

  test('the Readiness pack flags exactly the unobserved state machines', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([m.Plain, m.FatalOnly].map((x) => cfnOf(x).node.path).sort());
  });
});
