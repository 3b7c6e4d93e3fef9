import { CfnResource } from 'aws-cdk-lib';
import { finding, isTrue, prop, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';

type Obj = Record<string, any>;

/**
 * Readiness-STATE-MACHINE-OBSERVED (control OBSERVABILITY): every Step Functions state machine logs
 * (`LoggingConfiguration.Level` ALL or ERROR with at least one CloudWatch Logs destination) and traces
 * (`TracingConfiguration.Enabled` true). `FATAL` or `OFF` logs too little to debug a failed execution.
 */
export const StateMachineLoggedAndTraced: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'STATE-MACHINE-OBSERVED',
  controlId: 'OBSERVABILITY',
  category: 'operations',
  resourceTypes: ['AWS::StepFunctions::StateMachine'],
  info: 'The state machine does not log (level ALL or ERROR with a destination) or trace its executions (the finding names the property and value).',
  explanation:
    'Gap 4.1: a failed execution without logs or traces cannot be diagnosed after the fact. ' +
    'CDK: `logs: { destination: logGroup, level: sfn.LogLevel.ERROR }` (or ALL) and `tracingEnabled: true` on `sfn.StateMachine`.',
  test: 'test/aspects/rules/observability/state-machine-logged-and-traced.spec.ts',
  check: (node: CfnResource) => {
    const logging = (prop(node, 'LoggingConfiguration') ?? {}) as Obj;
    const level = stringOf(node, logging.Level);
    const destinations = Array.isArray(logging.Destinations) ? logging.Destinations : [];
    const hasDestination = destinations.some((d: Obj) => d?.CloudWatchLogsLogGroup?.LogGroupArn !== undefined);
    const tracing = (prop(node, 'TracingConfiguration') ?? {}) as Obj;
    return verdict([
      ...(level === 'ALL' || level === 'ERROR' ? [] : [finding(node, 'LoggingConfiguration.Level', logging.Level, 'ALL or ERROR')]),
      ...(hasDestination ? [] : [finding(node, 'LoggingConfiguration.Destinations', logging.Destinations, 'a CloudWatch Logs log group')]),
      ...(isTrue(node, tracing.Enabled) ? [] : [finding(node, 'TracingConfiguration.Enabled', tracing.Enabled, 'true')]),
    ]);
  },
});
