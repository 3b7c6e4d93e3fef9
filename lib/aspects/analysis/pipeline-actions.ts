/**
 * What the delivery rules read from an `AWS::CodePipeline::Pipeline`: its actions in execution order,
 * and which of them deploy a prod stage.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { prop, stringOf } from '../rule-helpers';
import { referencedResource } from '../rules/intrinsics';

export interface PipelineAction {
  readonly stageIndex: number;
  readonly stageName: string;
  readonly name: string;
  readonly category: string;
  readonly runOrder: number;
  readonly configuration: Record<string, unknown>;
  /** The stage's automated entry conditions (CodePipeline V2 `BeforeEntry`). */
  readonly stageHasEntryConditions: boolean;
}

/** The actions of every stage, or undefined when the template's stages cannot be read. */
export function pipelineActions(node: CfnResource): PipelineAction[] | undefined {
  const stages = Stack.of(node).resolve(prop(node, 'Stages'));
  if (!Array.isArray(stages)) return undefined;
  const out: PipelineAction[] = [];
  for (const [i, stage] of stages.entries()) {
    if (!stage || typeof stage !== 'object' || !Array.isArray(stage.Actions) || typeof stage.Name !== 'string') return undefined;
    const conditions = stage.BeforeEntry?.Conditions;
    for (const a of stage.Actions) {
      out.push({
        stageIndex: i,
        stageName: stage.Name,
        name: String(a?.Name),
        category: String(a?.ActionTypeId?.Category),
        runOrder: typeof a?.RunOrder === 'number' ? a.RunOrder : 1,
        configuration: a?.Configuration ?? {},
        stageHasEntryConditions: Array.isArray(conditions) && conditions.some((c: any) => Array.isArray(c?.Rules) && c.Rules.length > 0),
      });
    }
  }
  return out;
}

const PROD = /(^|[^a-z])prod(uction)?([^a-z]|$)/i;

/** Deploy actions whose stage or stack name says prod (`Prod`, `Prod-Service`, `shop-production`). */
export function prodDeploys(node: CfnResource, actions: readonly PipelineAction[]): PipelineAction[] {
  return actions.filter((a) => {
    if (a.category !== 'Deploy') return false;
    const stackName = stringOf(node, a.configuration.StackName);
    return PROD.test(a.stageName) || (stackName !== undefined && PROD.test(stackName));
  });
}

/** True when `a` runs before `b` (an earlier stage, or a lower run order in the same stage). */
export function runsBefore(a: PipelineAction, b: PipelineAction): boolean {
  return a.stageIndex < b.stageIndex || (a.stageIndex === b.stageIndex && a.runOrder < b.runOrder);
}

/** The first prod deploy action (the one every gate must precede). */
export function firstProdDeploy(node: CfnResource, actions: readonly PipelineAction[]): PipelineAction | undefined {
  return prodDeploys(node, actions).sort((x, y) => x.stageIndex - y.stageIndex || x.runOrder - y.runOrder)[0];
}

/** The build spec text of a CodeBuild action's project, or undefined when it cannot be read from the template. */
export function buildSpecOf(node: CfnResource, action: PipelineAction): string | undefined {
  const project = referencedResource(node, action.configuration.ProjectName);
  if (!project || project.cfnResourceType !== 'AWS::CodeBuild::Project') return undefined;
  const source = prop(project, 'Source') as Record<string, unknown> | undefined;
  return stringOf(project, source?.BuildSpec);
}
