import { App, CfnCondition, CfnParameter, CfnResource, Fn, Stack, Stage } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { AccountSingletons as rule } from '../../../../lib/aspects/rules/wiring/account-singletons';
import { stageConstructId } from '../../../../lib/config/stage-config';
import { DEV, PROD, STAGING } from '../../../../lib/config/stages';
import { evaluateReadiness } from '../../../../lib/readiness/gate';
import { ReadinessStage } from '../../../../lib/stacks/readiness-stage';
import { NO_BUNDLING } from '../../../helpers/synth';

type Env = { account?: string; region?: string };

/** A user's app: one stage per env, each with the account singletons a security baseline creates. */
function userApp(envs: Record<string, Env>): { app: App; stages: Record<string, Stage> } {
  const app = new App({ context: NO_BUNDLING });
  const stages: Record<string, Stage> = {};
  for (const [name, env] of Object.entries(envs)) {
    const stage = new Stage(app, name);
    const stack = new Stack(stage, 'Security', { env: env.account || env.region ? env : undefined });
    new guardduty.CfnDetector(stack, 'Detector', { enable: true });
    new securityhub.CfnHub(stack, 'Hub', {});
    new accessanalyzer.CfnAnalyzer(stack, 'External', { type: 'ACCOUNT' });
    new config.CfnConfigurationRecorder(stack, 'Recorder', { roleArn: 'arn:aws:iam::111111111111:role/config' });
    stages[name] = stage;
  }
  return { app, stages };
}

const ctx = ruleContextFor('prod');

describe('Readiness-ACCOUNT-SINGLETONS', () => {
  test('compliant: each stage in its own account, with each singleton as evidence', () => {
    const { stages } = userApp({ Dev: { account: '111111111111', region: 'eu-west-1' }, Prod: { account: '333333333333', region: 'eu-west-1' } });
    const result = rule.check(stages.Prod, ctx);
    expect(result.compliant).toBe(true);
    expect(result.evidence.map((e) => e.resourceType).sort()).toEqual(['AWS::AccessAnalyzer::Analyzer', 'AWS::Config::ConfigurationRecorder', 'AWS::GuardDuty::Detector', 'AWS::SecurityHub::Hub']);
  });

  test('non-compliant: two stages in one account and region collide on every singleton, named with both paths', () => {
    const { stages } = userApp({ Dev: { account: '111111111111', region: 'eu-west-1' }, Prod: { account: '111111111111', region: 'eu-west-1' } });
    const result = rule.check(stages.Prod, ctx);
    expect(result.compliant).toBe(false);
    expect(result.findings).toHaveLength(4);
    expect(result.findings.join('\n')).toMatch(/Prod\/Security\/Detector \(AWS::GuardDuty::Detector, 111111111111\/eu-west-1\) and Dev\/Security\/Detector/);
    expect(result.findings.join('\n')).toMatch(/AWS::AccessAnalyzer::Analyzer ACCOUNT/);
  });

  test('the same account in two regions does not collide; an unused-access analyzer beside an external one does not either', () => {
    const { app, stages } = userApp({ Dev: { account: '111111111111', region: 'eu-west-1' }, Prod: { account: '111111111111', region: 'eu-central-1' } });
    new accessanalyzer.CfnAnalyzer(Stack.of(stages.Prod.node.findChild('Security').node.findChild('Detector')), 'Unused', { type: 'ACCOUNT_UNUSED_ACCESS' });
    expect(rule.check(stages.Prod, ctx).compliant).toBe(true);
    void app;
  });

  test('fooling: an env-agnostic stage may land in any account, so it collides with every other stage', () => {
    const { stages } = userApp({ Dev: {}, Prod: { account: '333333333333', region: 'eu-west-1' } });
    const result = rule.check(stages.Prod, ctx);
    expect(result.compliant).toBe(false);
    expect(result.findings.join('\n')).toMatch(/Dev\/Security\/Hub \(AWS::SecurityHub::Hub, any account \(env-agnostic\)\/any region \(env-agnostic\)\)/);
  });

  test('fooling: an escape hatch that blanks the analyzer type still counts as an analyzer', () => {
    const { stages } = userApp({ Dev: { account: '111111111111', region: 'eu-west-1' }, Prod: { account: '111111111111', region: 'eu-central-1' } });
    const stack = Stack.of(stages.Prod.node.findChild('Security').node.findChild('Detector'));
    const twin = new accessanalyzer.CfnAnalyzer(stack, 'Twin', { type: 'ACCOUNT_UNUSED_ACCESS' });
    twin.addPropertyOverride('Type', { Ref: 'AnalyzerType' });
    expect(rule.check(stages.Prod, ctx).findings.join('\n')).toMatch(/Twin \(AWS::AccessAnalyzer::Analyzer \*/);
  });

  test('a singleton created where the stage declares the baseline provided by the organization is a finding', () => {
    const { stages } = userApp({ Prod: { account: '333333333333', region: 'eu-west-1' } });
    const provided = { mode: 'provided', providedBy: 'AWS Control Tower', evidenceUrl: 'https://lz.example.com' };
    const result = rule.check(stages.Prod, ruleContextFor('prod', undefined, { securityBaseline: provided }));
    expect(result.compliant).toBe(false);
    expect(result.findings.join('\n')).toMatch(/Prod\/Security\/Detector .* is created where the baseline is declared provided by AWS Control Tower/);
  });

  test('a detector or hub created though the app declares threatDetection / securityHub provided (enforceReadiness, readiness.json) is a finding', () => {
    const { stages } = userApp({ Prod: { account: '333333333333', region: 'eu-west-1' } });
    const evidence = { providedBy: 'Security team (delegated administrator 999999999999)', evidenceUrl: 'https://wiki.acme-corp.io/security/guardduty', date: '2026-11-20' };
    const run = (provided: Record<string, unknown>) =>
      evaluateReadiness(stages.Prod, { stage: 'prod', rules: [rule], provided, awsSolutions: false, nist: false, writeReport: false, now: new Date('2026-11-29T00:00:00Z') });
    const both = run({ threatDetection: evidence, securityHub: evidence }).scopeRules.violations.map((v) => v.description).join('\n');
    expect(both).toMatch(/Prod\/Security\/Detector \(AWS::GuardDuty::Detector, 333333333333\/eu-west-1\) is created though threatDetection is declared provided by Security team/);
    expect(both).toMatch(/Prod\/Security\/Hub \(AWS::SecurityHub::Hub, 333333333333\/eu-west-1\) is created though securityHub is declared provided/);
    // Budgets and the organization trail are no account singletons: declaring them provided changes nothing here.
    expect(run({ budgets: evidence, auditTrail: evidence }).scopeRules.violations).toEqual([]);
    // Fooling: a detector that exists only when a parameter says so may still be deployed.
    const { stages: maybe } = userApp({ Prod: { account: '333333333333', region: 'eu-west-1' } });
    const security = maybe.Prod.node.findChild('Security') as Stack;
    const when = new CfnCondition(security, 'WithDetector', { expression: Fn.conditionEquals(new CfnParameter(security, 'WantDetector', { default: 'no' }).valueAsString, 'yes') });
    (security.node.findChild('Detector') as CfnResource).cfnOptions.condition = when;
    const conditional = evaluateReadiness(maybe.Prod, { stage: 'prod', rules: [rule], provided: { threatDetection: evidence }, awsSolutions: false, nist: false, writeReport: false, now: new Date('2026-11-29T00:00:00Z') });
    expect(conditional.scopeRules.violations.map((v) => v.description).join('\n')).toMatch(/Prod\/Security\/Detector .* is created though threatDetection is declared provided/);
    // Placeholder evidence is not a declaration the rule trusts (the gate reports it as invalid instead).
    const placeholder = run({ threatDetection: { ...evidence, evidenceUrl: 'https://example.com' } }).scopeRules.violations;
    expect(placeholder.map((v) => v.ruleName)).toEqual(['Readiness-PROVIDED-INVALID']);
  });

  test('the shipped stages, built together in one app, pass (distinct accounts); in one account they would fail', () => {
    const build = (same: boolean) => {
      const app = new App({ context: NO_BUNDLING });
      const stages = [DEV, STAGING, PROD].map((c) => new ReadinessStage(app, stageConstructId(c.stage), { config: same ? { ...c, account: '111111111111' } : c }));
      return stages;
    };
    const shipped = build(false);
    for (const stage of shipped) expect(rule.check(stage, ruleContextFor(stage.config.stage, stage.config))).toMatchObject({ compliant: true, findings: [] });
    const oneAccount = build(true);
    const prod = rule.check(oneAccount[2], ruleContextFor('prod', oneAccount[2].config));
    expect(prod.compliant).toBe(false);
    expect(prod.findings.join('\n')).toMatch(/Prod\/Security\/ThreatDetection\/Detector .* and Dev\/Security\/ThreatDetection\/Detector/);
  });

  test('through the gate: an error in prod', () => {
    const { stages } = userApp({ Dev: { account: '111111111111', region: 'eu-west-1' }, Prod: { account: '111111111111', region: 'eu-west-1' } });
    const run = evaluateReadiness(stages.Prod, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false });
    expect(run.scopeRules.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-ACCOUNT-SINGLETONS', severity: 'error' })]);
  });
});
