import { App, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PIPELINE } from '../../../lib/config/pipeline';
import { DeliveryPipelineStack } from '../../../lib/stacks/delivery-pipeline-stack';
import { NO_BUNDLING } from '../../helpers/synth';
import { NagRuleCompliance } from 'cdk-nag';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { ruleContextFor } from '../../../lib/aspects/readiness-checks';
import { ProdDeployApproved } from '../../../lib/aspects/rules/delivery/prod-deploy-approved';
import { ProdDeployAfterReadinessGate } from '../../../lib/aspects/rules/delivery/prod-deploy-after-readiness-gate';

/** A tiny stage per environment: the pipeline only needs their stacks. */
function tinyStage(app: App, id: string, account: string): Stage {
  const stage = new Stage(app, id, { env: { account, region: 'eu-west-1' } });
  new sns.Topic(new Stack(stage, 'Alerting'), 'Topic');
  return stage;
}

describe('DeliveryPipelineStack', () => {
  const app = new App({ context: NO_BUNDLING });
  const stages = [tinyStage(app, 'Dev', '111111111111'), tinyStage(app, 'Staging', '222222222222'), tinyStage(app, 'Prod', '333333333333')];
  const stack = new DeliveryPipelineStack(app, 'Pipeline', { config: PIPELINE, stages });
  const template = Template.fromStack(stack);
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
  const stageNames: string[] = pipeline.Stages.map((s: any) => s.Name);
  const prod = pipeline.Stages.find((s: any) => s.Name === 'Prod');

  test('in its own account; source from the configured connection; self-mutating; stages dev, staging, prod in order', () => {
    expect(stack.account).toBe(PIPELINE.account);
    expect(stageNames).toEqual(['Source', 'Build', 'UpdatePipeline', 'Dev', 'Staging', 'Prod']);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({ Name: 'Source', Actions: [Match.objectLike({ Configuration: Match.objectLike({ ConnectionArn: PIPELINE.connectionArn, FullRepositoryId: PIPELINE.repository, BranchName: 'main' }) })] })]),
    });
  });

  test('the synth step runs cdk synth, which runs the readiness gate', () => {
    template.hasResourceProperties('AWS::CodeBuild::Project', { Source: { BuildSpec: Match.stringLikeRegexp('npx cdk synth"') } });
  });

  test('before prod: freeze-window check, launch gate, then a manual approval that shows the readiness summary', () => {
    const actions = prod.Actions.map((a: any) => [a.Name, a.ActionTypeId.Category, a.RunOrder]);
    const order = (name: string) => actions.find((a: any) => a[0] === name)[2];
    expect(order('FreezeWindow')).toBeLessThan(order('LaunchGate'));
    expect(order('LaunchGate')).toBeLessThan(order('GoNoGo'));
    const approval = prod.Actions.find((a: any) => a.Name === 'GoNoGo');
    expect(approval.ActionTypeId.Category).toBe('Approval');
    expect(approval.Configuration.CustomData).toMatch(/Readiness: #\{.+\.READINESS_SUMMARY\}/);
    const deploys = prod.Actions.filter((a: any) => a.ActionTypeId.Category === 'Deploy');
    expect(deploys.length).toBeGreaterThan(0);
    for (const d of deploys) expect(d.RunOrder).toBeGreaterThan(order('GoNoGo'));
    template.hasResourceProperties('AWS::CodeBuild::Project', { Source: { BuildSpec: Match.stringLikeRegexp('-c gate=launch') } });
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({ EnvironmentVariables: Match.arrayWith([Match.objectLike({ Name: 'FREEZE_WINDOWS', Value: Match.stringLikeRegexp('Year-end change freeze') })]) }),
      Source: { BuildSpec: Match.stringLikeRegexp('Prod deployments are frozen until') },
    });
  });

  test('after prod: the bake watches the prod stage\'s critical alarms through the lookup role', () => {
    const bake = prod.Actions.find((a: any) => a.Name === 'BakeAndWatchAlarms');
    const deploys = prod.Actions.filter((a: any) => a.ActionTypeId.Category === 'Deploy');
    expect(bake.RunOrder).toBeGreaterThan(Math.max(...deploys.map((d: any) => d.RunOrder)));
    template.hasResourceProperties('AWS::CodeBuild::Project', { Source: { BuildSpec: Match.stringLikeRegexp('describe-alarms') } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sts:AssumeRole', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-west-1']] } }),
        ]),
      },
    });
  });

  test('the shipped pipeline passes Readiness-PIPELINE-APPROVAL and Readiness-PIPELINE-GATE', () => {
    const cfn = stack.delivery.pipeline.pipeline.node.defaultChild as codepipeline.CfnPipeline;
    expect(ProdDeployApproved.check(cfn, ruleContextFor('prod'))).toBe(NagRuleCompliance.COMPLIANT);
    expect(ProdDeployAfterReadinessGate.check(cfn, ruleContextFor('prod'))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a bad pipeline config names each field', () => {
    const other = new App({ context: NO_BUNDLING });
    expect(() => new DeliveryPipelineStack(other, 'P', { config: { ...PIPELINE, connectionArn: 'conn', freezeWindows: [{ start: '2027-01-02T00:00:00Z', end: '2027-01-01T00:00:00Z', reason: 'x' }] }, stages: [] }))
      .toThrow(/connectionArn = "conn": use the ARN[\s\S]*freezeWindows\[0\]/);
  });
});
