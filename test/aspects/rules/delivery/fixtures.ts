import { Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';

type Action = codepipeline.CfnPipeline.ActionDeclarationProperty;

/** A CodeBuild project whose build spec runs `commands`, as a user's pipeline would have it. */
export function project(stack: Stack, id: string, commands: string[]): codebuild.PipelineProject {
  return new codebuild.PipelineProject(stack, id, { buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands } } }) });
}

const source: codepipeline.CfnPipeline.StageDeclarationProperty = {
  name: 'Source',
  actions: [{ name: 'Repo', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, configuration: { S3Bucket: 'src', S3ObjectKey: 'app.zip' }, outputArtifacts: [{ name: 'src' }] }],
};
export const build = (name: string, p: codebuild.PipelineProject, runOrder = 1): Action => ({
  name,
  runOrder,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  configuration: { ProjectName: p.projectName },
  inputArtifacts: [{ name: 'src' }],
});
export const approval = (runOrder = 1): Action => ({ name: 'Approve', runOrder, actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } });
export const deploy = (stackName: string, runOrder = 1): Action => ({
  name: `${stackName}.Deploy`,
  runOrder,
  actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
  configuration: { ActionMode: 'CREATE_UPDATE', StackName: stackName, TemplatePath: 'src::template.json', RoleArn: 'arn:aws:iam::111111111111:role/deploy' },
  inputArtifacts: [{ name: 'src' }],
});

/** An L1 pipeline with a source stage and the given stages. */
export function pipeline(stack: Stack, id: string, stages: { name: string; actions: Action[]; beforeEntry?: codepipeline.CfnPipeline.BeforeEntryConditionsProperty }[]): codepipeline.CfnPipeline {
  return new codepipeline.CfnPipeline(stack, id, {
    roleArn: 'arn:aws:iam::111111111111:role/pipeline',
    artifactStore: { type: 'S3', location: 'artifacts' },
    pipelineType: 'V2',
    stages: [source, ...stages],
  });
}
