import { Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { NagRuleCompliance } from 'cdk-nag';
import { ProdDeployAfterReadinessGate as rule } from '../../../../lib/aspects/rules/delivery/prod-deploy-after-readiness-gate';
import { check, userStack } from '../rule-test-kit';
import { build, deploy, pipeline, project } from './fixtures';

describe('Readiness-PIPELINE-GATE', () => {
  let stack: Stack;
  const p: Record<string, codepipeline.CfnPipeline> = {};

  beforeAll(() => {
    stack = userStack();
    const gate = project(stack, 'GateProject', ['npm ci', 'npx cdk synth -q -c stage=prod -c gate=launch']);
    const script = project(stack, 'ScriptProject', ['npm ci', 'npm run readiness']);
    const plainSynth = project(stack, 'PlainSynthProject', ['npm ci', 'npx cdk synth']);
    const echo = project(stack, 'EchoProject', ['echo "skip the gate=launch check"']);
    p.Gated = pipeline(stack, 'Gated', [{ name: 'Build', actions: [build('Synth', gate)] }, { name: 'Prod', actions: [deploy('Prod-Service')] }]);
    p.Script = pipeline(stack, 'Script', [{ name: 'Prod', actions: [build('Gate', script, 1), deploy('Prod-Service', 2)] }]);
    p.Ungated = pipeline(stack, 'Ungated', [{ name: 'Build', actions: [build('Synth', plainSynth)] }, { name: 'Prod', actions: [deploy('Prod-Service')] }]);
    // Fooling: the gate runs after prod; an echo that only mentions the flag; a gate in the same run order.
    p.GateAfter = pipeline(stack, 'GateAfter', [{ name: 'Prod', actions: [deploy('Prod-Service', 1), build('Gate', gate, 2)] }]);
    p.Echo = pipeline(stack, 'Echo', [{ name: 'Build', actions: [build('Synth', echo)] }, { name: 'Prod', actions: [deploy('Prod-Service')] }]);
    p.Parallel = pipeline(stack, 'Parallel', [{ name: 'Prod', actions: [build('Gate', gate, 1), deploy('Prod-Service', 1)] }]);
    p.Staging = pipeline(stack, 'Staging', [{ name: 'Staging', actions: [deploy('Staging-Service')] }]);
  });

  test('a launch-gate synth or a readiness script before the first prod deploy is compliant', () => {
    expect(check(rule, p.Gated)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, p.Script)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a plain synth proves no gate: non-compliant, naming the stage and action', () => {
    expect(check(rule, p.Ungated)).toEqual(['Stages[2] Prod: action Prod-Service.Deploy deploys prod with no readiness-gate build before it']);
  });

  test('fooling: a gate after prod, in parallel with it, or an echo mentioning the flag does not count', () => {
    for (const id of ['GateAfter', 'Echo', 'Parallel']) expect([id, check(rule, p[id])]).toEqual([id, [expect.stringMatching(/deploys prod with no readiness-gate build/)]]);
  });

  test('a pipeline without a prod deploy is not applicable', () => {
    expect(check(rule, p.Staging)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});
