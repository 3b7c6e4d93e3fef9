import { App, Stack, Stage } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { ProdStacksTerminationProtected as rule } from '../../../../lib/aspects/rules/service/prod-stacks-termination-protected';
import { NO_BUNDLING } from '../../../helpers/synth';

describe('Readiness-DEPLOY-SAFETY-STACKS', () => {
  const context = ruleContextFor('prod');

  test('a prod stage whose stacks all have termination protection is compliant, with each stack as evidence', () => {
    const stage = new Stage(new App({ context: NO_BUNDLING }), 'Prod');
    new sns.Topic(new Stack(stage, 'A', { terminationProtection: true }), 'T');
    new Stack(stage, 'B', { terminationProtection: true });
    const result = rule.check(stage, context);
    expect(result.compliant).toBe(true);
    expect(result.evidence.map((e) => e.constructPath)).toEqual(['Prod/A', 'Prod/B']);
  });

  test('one unprotected stack makes the stage non-compliant and is named', () => {
    const stage = new Stage(new App({ context: NO_BUNDLING }), 'Prod');
    new Stack(stage, 'Protected', { terminationProtection: true });
    new Stack(stage, 'Service');
    const result = rule.check(stage, context);
    expect(result.compliant).toBe(false);
    expect(result.findings).toEqual([expect.stringMatching(/Prod\/Service \(Prod-Service\) has no termination protection/)]);
  });

  test('the rule only runs in prod', () => {
    expect(rule.stages).toEqual(['prod']);
  });
});
