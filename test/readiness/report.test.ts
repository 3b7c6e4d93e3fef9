import { App, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { READINESS_RULES } from '../../lib/aspects/rules';
import { PROD } from '../../lib/config/stages';
import { CONTROLS } from '../../lib/readiness/catalogue';
import { evaluateReadiness, ReadinessEvaluation } from '../../lib/readiness/gate';
import { renderMarkdown } from '../../lib/readiness/report';
import { ReportSectionProvider } from '../../lib/readiness/sections/section';
import { ControlReport } from '../../lib/readiness/types';
import { NO_BUNDLING } from '../helpers/synth';

// Attestations with evidence a reviewer can open (the shipped stages attest nothing: no evidence pages exist yet).
const EVIDENCE = 'https://docs.marketplace-ops.net/readiness';
const ATTESTED = {
  ...PROD,
  attestations: {
    'LEGAL-PAGES': { owner: 'Operations / Legal', evidenceUrl: `${EVIDENCE}/legal`, date: '2026-05-01', status: 'ready' as const },
    'INCIDENT-RESPONSE': { owner: 'Operations', evidenceUrl: `${EVIDENCE}/incident-response`, date: '2026-05-01', status: 'ready' as const },
    'BILLING-VALIDATION': {
      owner: 'Finance / Operations',
      evidenceUrl: `${EVIDENCE}/pricing`,
      date: '2026-05-01',
      status: 'conditional' as const,
      reason: 'Billing foundation is implemented, but final Stripe checkout validation remains dependent on real test/live keys.',
    },
  },
};

describe('the readiness report', () => {
  let evaluation: ReadinessEvaluation;
  let markdown: string;
  const control = (id: string): ControlReport => evaluation.report.controls.find((c) => c.id === id)!;
  const capacitySection: ReportSectionProvider = (scope) => ({
    title: 'Capacity arithmetic',
    markdown: `Stacks in scope: ${scope.node.findAll().filter((c) => Stack.isStack(c)).length}`,
    data: { stacks: 1 },
  });

  beforeAll(() => {
    const app = new App({ context: NO_BUNDLING });
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Ops', { stackName: 'prod-ops' });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const rotator = new lambda.Function(stack, 'Rotator', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    const secret = new secretsmanager.Secret(stack, 'DbCredentials', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    secret.addRotationSchedule('Rotation', { rotationLambda: rotator, automaticallyAfter: Duration.days(30) });
    const topic = new sns.Topic(stack, 'OnCall', { masterKey: key });
    // On-call reads the critical topic by email: the critical alarm reaches a human (Readiness-INCIDENT-PATH).
    new sns.Subscription(stack, 'OnCallEmail', { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: 'oncall@example.com' });
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: rotator.metricErrors(),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: '[CRITICAL] The secret rotator fails',
    });
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
    evaluation = evaluateReadiness(stage, {
      stage: 'prod',
      config: ATTESTED,
      rules: READINESS_RULES,
      awsSolutions: false,
      sections: [capacitySection],
      gate: 'launch',
      now: new Date('2026-06-01T00:00:00Z'),
    });
    markdown = renderMarkdown(evaluation.report);
  });

  test('covers every catalogue control, with summary counts that add up', () => {
    const { summary, controls } = evaluation.report;
    expect(controls.map((c) => c.id)).toEqual(CONTROLS.map((c) => c.id));
    expect(summary.total).toBe(CONTROLS.length);
    for (const status of ['ready', 'conditional', 'missing', 'not-applicable'] as const) {
      expect(summary.byStatus[status]).toBe(controls.filter((c) => c.status === status).length);
    }
    const bySeverityTotal = Object.values(summary.bySeverity).reduce((n, s) => n + s.ready + s.conditional + s.missing + s['not-applicable'], 0);
    expect(bySeverityTotal).toBe(CONTROLS.length);
    expect(evaluation.report).toMatchObject({ schemaVersion: 1, stage: 'prod', scopePath: 'Prod' });
  });

  test('attested controls take owner, date and evidence URL from the config', () => {
    expect(control('LEGAL-PAGES')).toMatchObject({
      status: 'ready',
      attestation: { owner: 'Operations / Legal', evidenceUrl: `${EVIDENCE}/legal`, status: 'ready' },
    });
    expect(control('LEGAL-PAGES').evidence[0].note).toMatch(/Attested by Operations \/ Legal on \d{4}-\d{2}-\d{2}: https:\/\/docs.marketplace-ops.net\/readiness\/legal/);
    expect(control('BILLING-VALIDATION')).toMatchObject({ status: 'conditional', statusReason: expect.stringMatching(/Stripe checkout validation/) });
  });

  test('an attested control without an attestation is missing', () => {
    expect(control('CONTRACT-AUDIT')).toMatchObject({ status: 'missing', statusReason: expect.stringMatching(/No attestation.*attestations\["CONTRACT-AUDIT"\]/) });
  });

  test('a synth control without a registered rule is missing, "not yet enforced", until a rule names it', () => {
    const onlyDbHa = READINESS_RULES.filter((r) => r.id === 'DB-HA');
    const report = evaluateReadiness(new App(), { stage: 'prod', rules: onlyDbHa, awsSolutions: false }).report;
    const status = (id: string) => report.controls.find((c) => c.id === id)!;
    expect(status('CACHE-HA')).toMatchObject({ status: 'missing', statusReason: expect.stringMatching(/Not yet enforced/) });
    expect(status('DB-HA').statusReason).not.toMatch(/Not yet enforced/);
  });

  test('a passing rule is evidence: construct path, logical ID, deployed stack name, and the test file', () => {
    const rotation = control('SECRET-ROTATION');
    expect(rotation.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ constructPath: 'Prod/Ops/DbCredentials/Resource', stackName: 'prod-ops', resourceType: 'AWS::SecretsManager::Secret', logicalId: expect.stringMatching(/^DbCredentials/) }),
      ]),
    );
    expect(rotation.tests).toEqual(['test/aspects/rules/secrets/secret-rotated-with-cmk.spec.ts', 'test/aspects/rules/secrets/no-plaintext-secrets.spec.ts']);
  });

  test('live-checked controls are conditional and list what readiness verify must look up', () => {
    const rotation = control('SECRET-ROTATION');
    expect(rotation.status).toBe('conditional');
    expect(rotation.statusReason).toMatch(/awaiting live verification/i);
    expect(rotation.live!.check).toBe('secret-rotation');
    expect(rotation.live!.resources.map((r) => r.resourceType).sort()).toEqual(['AWS::SecretsManager::RotationSchedule', 'AWS::SecretsManager::Secret']);
    const incident = control('INCIDENT-RESPONSE');
    expect(incident.status).toBe('conditional');
    expect(incident.live!.resources.map((r) => r.resourceType).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic']);
    expect(incident.live!.resources.every((r) => r.stackName === 'prod-ops' && r.logicalId)).toBe(true);
  });

  test('the launch gate blocks on missing Critical controls and names them', () => {
    expect(evaluation.report.gate).toMatchObject({ launch: true, passed: false, blocking: expect.arrayContaining(['CONTRACT-AUDIT', 'MULTISIG-WALLETS', 'SUPPORT-24X7', 'BUSINESS-CONTINUITY']) });
    expect(evaluation.launch.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-LAUNCH-GATE', severity: 'error', description: expect.stringMatching(/CONTRACT-AUDIT/) })]);
  });

  test('areas contribute sections; the Markdown has a summary line, one table per area and the sections', () => {
    expect(evaluation.report.sections).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Capacity arithmetic', data: { stacks: 1 } })]));
    const { byStatus, total } = evaluation.report.summary;
    expect(markdown).toContain(
      `**${byStatus.ready} ready, ${byStatus.conditional} conditional, ${byStatus.missing} missing, ${byStatus['not-applicable']} not applicable** of ${total} controls`,
    );
    for (const area of ['Infrastructure', 'Security', 'Compliance & Legal', 'Business Readiness']) expect(markdown).toContain(`## ${area}\n`);
    expect(markdown).toMatch(/## Capacity arithmetic\n\nStacks in scope: 1/);
    expect(markdown).toMatch(/Launch gate: \*\*blocked\*\*/);
  });
});
