import * as path from 'path';
import { Aspects, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { GRANT_GUARD_SID, ProactiveControlGuards } from '../../../lib/constructs/security/proactive-controls';
import { newTestApp } from '../../helpers/synth';

const ENV = { account: '333333333333', region: 'eu-west-1' };
const CT_RULES = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const rule = (dir: string, name: string) => path.join(CT_RULES, 'rules/control-tower/cfn-guard', dir, `${name}.guard`);

/** A user's stack: L2 keys, a secret rotated by a function (the permission CDK adds), a Fargate task. */
function userStack(guards: boolean) {
  const app = newTestApp();
  const stack = new Stack(app, 'User', { env: ENV });
  const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
  new kms.Key(stack, 'OtherKey', { enableKeyRotation: true });
  const fn = new lambda.Function(stack, 'Rotator', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
  const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
  secret.addRotationSchedule('Rotation', { rotationLambda: fn });
  // A permission that already names its source stays as it is.
  fn.addPermission('FromBucket', { principal: new iam.ServicePrincipal('events.amazonaws.com'), sourceArn: 'arn:aws:events:eu-west-1:333333333333:rule/nightly' });
  // An S3 ARN names no account: the account is added.
  fn.addPermission('FromS3', { principal: new iam.ServicePrincipal('s3.amazonaws.com'), sourceArn: 'arn:aws:s3:::my-bucket' });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') });
  if (guards) Aspects.of(stack).add(new ProactiveControlGuards({ guardDutyFargateAgent: true }));
  return { app, stack, template: Template.fromStack(stack) };
}

function controlTower(app: ReturnType<typeof userStack>['app'], rules: string[]) {
  const assembly = app.synth();
  const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules });
  return validator.validate({ templatePaths: assembly.stacks.map((s) => path.join(assembly.directory, s.templateFile)) } as never);
}

describe('ProactiveControlGuards', () => {
  const guarded = userStack(true);
  const plain = userStack(false);

  test('every key denies kms:CreateGrant unless the grant is for an AWS resource (CT.KMS.PR.3)', () => {
    const keys = guarded.template.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2);
    for (const key of Object.values(keys)) {
      expect(key.Properties.KeyPolicy.Statement).toEqual(
        expect.arrayContaining([
          {
            Sid: GRANT_GUARD_SID,
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      );
    }
  });

  test("the rotation function's permission names the account Secrets Manager may invoke it for (CT.LAMBDA.PR.2)", () => {
    guarded.template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'secretsmanager.amazonaws.com', SourceAccount: '333333333333' });
    guarded.template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', SourceArn: 'arn:aws:events:eu-west-1:333333333333:rule/nightly', SourceAccount: Match.absent() });
    guarded.template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket', SourceAccount: '333333333333' });
    plain.template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'secretsmanager.amazonaws.com', SourceAccount: Match.absent() });
  });

  test("the execution role may pull GuardDuty's Fargate agent from the region's agent repository", () => {
    guarded.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
          Match.objectLike({
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:*:repository/aws-guardduty-agent-fargate']] },
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('TaskExecutionRole') }],
    });
  });

  test('cfn-guard with the Control Tower rules: CT.KMS.PR.3 and CT.LAMBDA.PR.2 fail without the guards and pass with them', () => {
    const rules = [rule('keymanagementservice', 'ct-kms-pr-3'), rule('lambda', 'ct-lambda-pr-2')];
    const before = controlTower(userStack(false).app, rules);
    expect(before.success).toBe(false);
    expect(before.violations.map((v) => v.ruleName).sort()).toEqual(['kms_create_grant_aws_service_check', 'lambda_function_public_access_prohibited_check']);
    const after = controlTower(userStack(true).app, rules);
    expect(after.violations).toEqual([]);
    expect(after.success).toBe(true);
  });
});
