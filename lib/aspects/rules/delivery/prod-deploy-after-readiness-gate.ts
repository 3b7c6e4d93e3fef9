import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { buildSpecOf, firstProdDeploy, pipelineActions, runsBefore } from '../../analysis/pipeline-actions';

/** A build command that runs the readiness gate: `cdk synth ... -c gate=launch` (or `--context gate=launch`), or a `readiness` script. */
export const READINESS_GATE_COMMAND = /cdk synth[^"\n]*(-c|--context)[ =]gate=launch|\breadiness\b/;

/**
 * Readiness-PIPELINE-GATE: a pipeline that deploys a prod stage runs the readiness gate before its first
 * prod deploy: a CodeBuild action whose project's build spec (readable in the template) runs
 * `cdk synth -c gate=launch` or a `readiness` command. A failing gate fails the action and stops the
 * pipeline. Pipelines that deploy no prod stage are not applicable.
 */
export const ProdDeployAfterReadinessGate: ResourceRule = {
  kind: 'resource',
  id: 'PIPELINE-GATE',
  controlId: 'DEPLOY-SAFETY',
  category: 'operations',
  resourceTypes: ['AWS::CodePipeline::Pipeline'],
  info: 'A pipeline deploys prod without running the readiness gate before it.',
  explanation:
    'A change reaches prod only after the readiness gate passes (gap 9.3: change control). Add a CodeBuild step before the prod stage ' +
    'that runs `npx cdk synth -c stage=prod -c gate=launch` (CDK Pipelines: a CodeBuildStep in the prod wave\'s `pre`); keep its build spec in the template.',
  test: 'test/aspects/rules/delivery/prod-deploy-after-readiness-gate.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const actions = pipelineActions(node);
    if (!actions) return ['Stages cannot be read'];
    const first = firstProdDeploy(node, actions);
    if (!first) return NagRuleCompliance.NOT_APPLICABLE;
    const gated = actions.some((a) => a.category === 'Build' && runsBefore(a, first) && READINESS_GATE_COMMAND.test(buildSpecOf(node, a) ?? ''));
    return gated ? NagRuleCompliance.COMPLIANT : [`Stages[${first.stageIndex}] ${first.stageName}: action ${first.name} deploys prod with no readiness-gate build before it`];
  },
};
