import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { SecurityMonitoringEnabled as rule } from '../../../../lib/aspects/rules/security/security-monitoring-enabled';
import { evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';

interface Options {
  readonly detector?: boolean;
  readonly hub?: boolean;
  readonly routeTo?: 'topic' | 'topic-in-other-stack' | 'queue' | 'none';
}

/** A user's app: threat detection in one stack, the alert topic possibly in another. */
function userApp(o: Options): App {
  const app = new App({ context: NO_BUNDLING });
  const env = { account: '111111111111', region: 'eu-west-1' };
  const alerting = new Stack(app, 'Alerting', { env });
  const stack = new Stack(app, 'Security', { env });
  if (o.detector ?? true) new guardduty.CfnDetector(stack, 'Detector', { enable: true });
  if (o.hub ?? true) {
    const hub = new securityhub.CfnHub(stack, 'Hub', {});
    new securityhub.CfnStandard(stack, 'Fsbp', { standardsArn: 'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0' }).addDependency(hub);
  }
  const route = o.routeTo ?? 'topic';
  if (route === 'none') return app;
  const key = new kms.Key(route === 'topic-in-other-stack' ? alerting : stack, 'AlertKey', { enableKeyRotation: true });
  const target =
    route === 'queue'
      ? new targets.SqsQueue(new sqs.Queue(stack, 'Queue', { encryptionMasterKey: key }))
      : new targets.SnsTopic(new sns.Topic(route === 'topic-in-other-stack' ? alerting : stack, 'Critical', { masterKey: key }));
  for (const source of ['aws.guardduty', 'aws.securityhub']) {
    new events.Rule(stack, `Route-${source}`, { eventPattern: { source: [source] }, targets: [target] });
  }
  return app;
}

const ctx = ruleContextFor('prod');

describe('Readiness-SECURITY-MONITORING', () => {
  test('GuardDuty, Security Hub with a standard, and findings routed to an SNS topic: compliant', () => {
    const result = rule.check(userApp({}), ctx);
    expect(result.findings).toEqual([]);
    expect(result.compliant).toBe(true);
    expect(result.evidence.map((e) => e.note)).toEqual(
      expect.arrayContaining(['GuardDuty detector enabled', 'Security Hub enabled', 'GuardDuty findings to SNS', 'Security Hub findings to SNS']),
    );
  });

  test('the topic may live in another stack (alerting), also after synthesis turns the reference into an import', () => {
    const app = userApp({ routeTo: 'topic-in-other-stack' });
    expect(rule.check(app, ctx).compliant).toBe(true);
    app.synth();
    expect(rule.check(app, ctx).compliant).toBe(true);
  });

  test('without a detector or hub it is non-compliant and names what is missing', () => {
    const result = rule.check(userApp({ detector: false, hub: false }), ctx);
    expect(result.compliant).toBe(false);
    expect(result.findings).toEqual(
      expect.arrayContaining(['There is no enabled AWS::GuardDuty::Detector.', 'There is no AWS::SecurityHub::Hub.']),
    );
  });

  test('findings that go nowhere, or to a queue instead of a topic, are non-compliant', () => {
    for (const routeTo of ['none', 'queue'] as const) {
      const result = rule.check(userApp({ routeTo }), ctx);
      expect(result.compliant).toBe(false);
      expect(result.findings).toEqual(
        expect.arrayContaining(['No enabled AWS::Events::Rule sends source "aws.guardduty" to an SNS topic.']),
      );
    }
  });

  test('through the gate: an error in prod when missing, nothing when present', () => {
    const bad = evaluateReadiness(userApp({ routeTo: 'none' }), { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(bad.scopeRules.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-SECURITY-MONITORING', severity: 'error' })]);
    const good = evaluateReadiness(userApp({}), { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(good.scopeRules.violations).toEqual([]);
  });
  describe('a baseline the organization declares it provides', () => {
    const provided = { mode: 'provided', providedBy: 'AWS Control Tower (audit account 999999999999)', evidenceUrl: 'https://landing-zone.example.com/controls' };

    test('no detector or hub in scope, findings routed: compliant but conditional, naming provider and evidence', () => {
      const result = rule.check(userApp({ detector: false, hub: false }), ruleContextFor('prod', undefined, { securityBaseline: provided }));
      expect(result.compliant).toBe(true);
      expect(result.conditional).toMatch(/provided by the organization \(AWS Control Tower \(audit account 999999999999\); evidence https:\/\/landing-zone\.example\.com\/controls\), to be proven live/);
    });

    test('the routes are still required: a declaration does not page anyone', () => {
      const result = rule.check(userApp({ detector: false, hub: false, routeTo: 'none' }), ruleContextFor('prod', undefined, { securityBaseline: provided }));
      expect(result.compliant).toBe(false);
      expect(result.findings.join(' ')).toMatch(/aws\.guardduty/);
      expect(result.findings.join(' ')).not.toMatch(/GuardDuty::Detector/);
    });

    test('a declaration without evidence, or with mode create, does not count (fooling)', () => {
      for (const declared of [{ mode: 'provided', providedBy: 'AWS Control Tower', evidenceUrl: '' }, { mode: 'create' }, { ...provided, mode: 'Provided' }]) {
        expect(rule.check(userApp({ detector: false, hub: false }), ruleContextFor('prod', undefined, { securityBaseline: declared })).compliant).toBe(false);
      }
    });

    test('resources in scope need no declaration: ready, not conditional', () => {
      const result = rule.check(userApp({}), ruleContextFor('prod', undefined, { securityBaseline: provided }));
      expect(result.compliant).toBe(true);
      expect(result.conditional).toBeUndefined();
    });

    test('the report shows the control conditional, never ready, and the gate passes', () => {
      const run = evaluateReadiness(userApp({ detector: false, hub: false }), { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false, settings: { securityBaseline: provided } });
      expect(run.scopeRules.violations).toEqual([]);
      const control = run.report.controls.find((c) => c.id === 'SECURITY-MONITORING');
      expect(control?.status).toBe('conditional');
      expect(control?.statusReason).toMatch(/provided by the organization .* to be proven live/);
    });
  });
});
