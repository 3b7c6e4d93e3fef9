import { App, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag';
import { SecretReadableByConsumer as rule } from '../../../../lib/aspects/rules/wiring/secret-readable-by-consumer';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };

/**
 * A grant that might not be deployed does not make a secret readable: the kms:Decrypt statement sits in a
 * policy whose Condition depends on a parameter (undecided at synth), or behind Fn::If with AWS::NoValue.
 * Twin: the same policy without the Condition is compliant.
 */
describe('Readiness-SECRET-READABLE: grants that may not be deployed', () => {
  function app(grant: 'plain' | 'conditional-policy' | 'fn-if-statement') {
    const a = new App({ context: NO_BUNDLING });
    const stack = new Stack(a, 'Data', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const imported = kms.Key.fromKeyArn(stack, 'KeyByArn', key.keyArn); // grants on it are dropped: the policy below is the only grant
    const secret = new secretsmanager.Secret(stack, 'DbSecret', { encryptionKey: imported, generateSecretString: { generateStringKey: 'password', secretStringTemplate: '{}' } });
    const td = new ecs.FargateTaskDefinition(stack, 'Task');
    td.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') } });
    const decrypt = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.keyArn };
    const withGrant = new CfnCondition(stack, 'WithGrant', { expression: Fn.conditionEquals(new CfnParameter(stack, 'Grant', { default: 'yes' }).valueAsString, 'yes') });
    const statement = grant === 'fn-if-statement' ? Fn.conditionIf(withGrant.logicalId, decrypt, Fn.ref('AWS::NoValue')) : decrypt;
    const policy = new iam.CfnPolicy(stack, 'DecryptPolicy', {
      policyName: 'decrypt',
      roles: [(td.executionRole as iam.Role).roleName],
      policyDocument: { Version: '2012-10-17', Statement: [statement] },
    });
    if (grant === 'conditional-policy') policy.cfnOptions.condition = withGrant;
    return td;
  }

  test('the grant in a policy without a Condition makes it readable (twin)', () => {
    expect(check(rule, app('plain'))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('the same policy with a Condition on it does not count', () => {
    expect(check(rule, app('conditional-policy'))).toEqual([expect.stringMatching(/kms:Decrypt/)]);
  });

  test('the statement behind Fn::If with an AWS::NoValue branch does not count', () => {
    expect(check(rule, app('fn-if-statement'))).toEqual([expect.stringMatching(/kms:Decrypt/)]);
  });
});
