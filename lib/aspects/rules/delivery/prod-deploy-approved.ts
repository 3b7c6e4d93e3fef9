import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ResourceRule } from '../../rule';
import { firstProdDeploy, pipelineActions, runsBefore } from '../../analysis/pipeline-actions';

/**
 * Readiness-PIPELINE-APPROVAL: a pipeline that deploys a prod stage (a Deploy action in a stage, or of a
 * stack, named prod) has a manual approval (an Approval action) or an automated gate (CodePipeline V2
 * `BeforeEntry` conditions on the stage) before its first prod deploy: the launch control room's go/no-go.
 * Pipelines that deploy no prod stage are not applicable.
 */
export const ProdDeployApproved: ResourceRule = {
  kind: 'resource',
  id: 'PIPELINE-APPROVAL',
  controlId: 'LAUNCH-CONTROL-ROOM',
  category: 'operations',
  resourceTypes: ['AWS::CodePipeline::Pipeline'],
  info: 'A pipeline deploys prod without a manual approval or an automated entry condition before it.',
  explanation:
    'Prod deployments need a go/no-go decision (readiness "Launch control room", gap 9.3 "approval workflow"). Put an Approval action ' +
    '(CDK Pipelines: `pre: [new ManualApprovalStep(...)]` on the prod stage or wave) or `BeforeEntry` conditions on the prod stage before its first deploy action.',
  test: 'test/aspects/rules/delivery/prod-deploy-approved.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const actions = pipelineActions(node);
    if (!actions) return ['Stages cannot be read'];
    const first = firstProdDeploy(node, actions);
    if (!first) return NagRuleCompliance.NOT_APPLICABLE;
    if (first.stageHasEntryConditions) return NagRuleCompliance.COMPLIANT;
    const approved = actions.some((a) => a.category === 'Approval' && runsBefore(a, first));
    return approved ? NagRuleCompliance.COMPLIANT : [`Stages[${first.stageIndex}] ${first.stageName}: action ${first.name} deploys prod with no Approval action before it`];
  },
};
