import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ALARM_TYPE, alarmsWatching, alarmWatches } from '../../../lib/aspects/analysis/alarm-graph';
import { resourcesOfType, withRuleCaches } from '../../../lib/aspects/rule-helpers';
import { NO_BUNDLING } from '../../helpers/synth';

/** alarmsWatching indexes the alarms; its answer must be alarmWatches' for every (alarm, target) pair. */
describe('alarmsWatching', () => {
  const app = new App({ context: NO_BUNDLING });
  const stage = new Stage(app, 'Prod', { env: { account: '111111111111', region: 'eu-west-1' } });
  const producer = new Stack(stage, 'Producer');
  const named = new sqs.Queue(producer, 'Orders', { queueName: 'orders' });
  const plain = new sqs.Queue(producer, 'Plain');
  const fn = new lambda.Function(producer, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
  const alarm = (scope: Stack, id: string, metric: cloudwatch.IMetric) => new cloudwatch.Alarm(scope, id, { metric, threshold: 1, evaluationPeriods: 1 });
  // Same stack: Ref in Dimensions (queue name), GetAtt-free function errors, metric math over two queues.
  alarm(producer, 'PlainAge', plain.metricApproximateAgeOfOldestMessage());
  alarm(producer, 'FnErrors', fn.metricErrors());
  alarm(producer, 'Math', new cloudwatch.MathExpression({ expression: 'a + b', usingMetrics: { a: plain.metricNumberOfMessagesSent(), b: named.metricNumberOfMessagesSent() } }));
  // Another stack: a cross-stack export after synth; a literal queue name. Same stack: an object with Ref and another key (no reference).
  const consumer = new Stack(stage, 'Consumer');
  alarm(consumer, 'CrossAge', plain.metricApproximateAgeOfOldestMessage());
  alarm(consumer, 'Literal', new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'NumberOfMessagesSent', dimensionsMap: { QueueName: 'orders' } }));
  const decoy = alarm(producer, 'Decoy', new cloudwatch.Metric({ namespace: 'AWS/SQS', metricName: 'NumberOfMessagesSent', dimensionsMap: { QueueName: 'x' } }));
  (decoy.node.defaultChild as cloudwatch.CfnAlarm).addPropertyOverride('Dimensions', [{ Name: 'QueueName', Value: { Ref: producer.resolve((plain.node.defaultChild as CfnResource).logicalId), Extra: 1 } }]);
  app.synth();

  const targets = [named, plain, fn].map((c) => c.node.defaultChild as CfnResource);
  const paths = (rs: CfnResource[]) => rs.map((r) => r.node.path);

  test.each([false, true])('answers like alarmWatches for every pair (per-run caches %s)', (cached) => {
    const run = () =>
      targets.map((t) => {
        const alarms = resourcesOfType(app, ALARM_TYPE);
        return { indexed: paths(alarmsWatching(t)), pairwise: paths(alarms.filter((a) => alarmWatches(a, t))) };
      });
    const answers = cached ? withRuleCaches(run) : run();
    for (const a of answers) expect(a.indexed).toEqual(a.pairwise);
    const [forNamed, forPlain, forFn] = answers.map((a) => a.indexed);
    expect(forNamed).toEqual(['Prod/Producer/Math/Resource', 'Prod/Consumer/Literal/Resource']);
    expect(forPlain).toEqual(['Prod/Producer/PlainAge/Resource', 'Prod/Producer/Math/Resource', 'Prod/Consumer/CrossAge/Resource']);
    expect(forFn).toEqual(['Prod/Producer/FnErrors/Resource']);
  });
});
