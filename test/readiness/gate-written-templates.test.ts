import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { evaluateReadiness, ReadinessEvaluation } from '../../lib/readiness/gate';
import { addUnreadyShop } from '../fixtures/unready-app';
import { NO_BUNDLING } from '../helpers/synth';

/**
 * In a synth, the gate reads each resource from the template CDK has just written instead of resolving
 * it again. Every result must be the same as when the resources are resolved from the tree.
 */
describe('the gate reads resources from the templates its synth wrote', () => {
  let app: App;
  let templatePaths: string[];
  let queueTemplate: string;
  const options = { stage: 'prod' as const, writeReport: false };
  const summary = (e: ReadinessEvaluation) =>
    e.results.map((r) => `${r.ruleId} ${r.findingId} ${r.compliance} ${r.level} ${r.acknowledged} ${r.construct.node.path} ${r.message}`).sort();

  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-written-'));
    app = new App({ outdir, context: NO_BUNDLING });
    const shop = addUnreadyShop(app);
    // What could render differently: a cross-stack reference, an Fn::If with AWS::NoValue, a conditional
    // resource, a raw override and a parameter.
    const stage = shop.node.scope as Stack;
    const producer = new Stack(stage, 'Producer');
    const key = new kms.Key(producer, 'Key', { enableKeyRotation: true });
    const queue = new sqs.Queue(producer, 'Jobs', { encryptionMasterKey: key, enforceSSL: true });
    const consumer = new Stack(stage, 'Consumer');
    const topic = new sns.Topic(consumer, 'Alerts');
    const isProd = new CfnCondition(consumer, 'IsProd', { expression: Fn.conditionEquals(new CfnParameter(consumer, 'Env').valueAsString, 'prod') });
    const alarm = new cloudwatch.Alarm(consumer, 'JobsAge', { metric: queue.metricApproximateAgeOfOldestMessage(), threshold: 60, evaluationPeriods: 1 });
    (alarm.node.defaultChild as cloudwatch.CfnAlarm).addPropertyOverride('AlarmActions', [Fn.conditionIf(isProd.logicalId, topic.topicArn, Fn.ref('AWS::NoValue'))]);
    const spare = new sqs.CfnQueue(consumer, 'Spare', {});
    spare.cfnOptions.condition = isProd;
    spare.addPropertyOverride('SqsManagedSseEnabled', false);
    const assembly = app.synth();
    templatePaths = assembly.stacksRecursively.map((s) => s.templateFullPath);
    queueTemplate = assembly.stacksRecursively.find((s) => s.hierarchicalId.endsWith('Producer'))!.templateFullPath;
  });

  test('every result equals the one from resolving the tree', () => {
    const fromTree = evaluateReadiness(app, options);
    const fromTemplates = evaluateReadiness(app, options, { templatePaths });
    expect(fromTemplates.results.length).toBeGreaterThan(20);
    expect(summary(fromTemplates)).toEqual(summary(fromTree));
    expect(fromTemplates.readiness.violations).toEqual(fromTree.readiness.violations);
  });

  test('the written template is what is judged: an edited file changes the finding, an unlisted one is ignored', () => {
    const original = fs.readFileSync(queueTemplate, 'utf8');
    const template = JSON.parse(original);
    const id = Object.keys(template.Resources).find((k) => template.Resources[k].Type === 'AWS::SQS::Queue')!;
    delete template.Resources[id].Properties.KmsMasterKeyId;
    template.Resources[id].Properties.SqsManagedSseEnabled = false;
    try {
      fs.writeFileSync(queueTemplate, JSON.stringify(template));
      const encryption = (e: ReadinessEvaluation) =>
        e.results.filter((r) => r.ruleId === 'Readiness-ENCRYPTION' && r.construct.node.path.includes('Producer/Jobs')).map((r) => r.compliance);
      expect(encryption(evaluateReadiness(app, options, { templatePaths }))).toContain('non-compliant');
      expect(encryption(evaluateReadiness(app, options, { templatePaths: templatePaths.filter((p) => p !== queueTemplate) }))).not.toContain('non-compliant');
    } finally {
      fs.writeFileSync(queueTemplate, original);
    }
  });
});
