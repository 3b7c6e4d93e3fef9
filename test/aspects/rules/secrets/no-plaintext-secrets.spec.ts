import { App, CfnOutput, CfnParameter, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { NoPlaintextSecrets as rule } from '../../../../lib/aspects/rules/secrets/no-plaintext-secrets';
import { evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';

/** The secret every leaky fixture writes somewhere: no finding may repeat it. */
const SECRET = 'Tr0ub4dor-and-3-horses';
const inline = lambda.Code.fromInline('exports.handler = async () => {};');
const fn = (stack: Stack, id: string, environment: Record<string, string>) =>
  new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: inline, environment });

/** One stack per carrier of a plaintext secret, as a user's app would write them. */
function leakyApp(): App {
  const app = new App({ context: NO_BUNDLING });
  // 1. A secret whose value is in the template.
  new secretsmanager.Secret(new Stack(app, 'PlainSecret'), 'Db', { secretStringValue: SecretValue.unsafePlainText(SECRET) });
  // 2. A password in a Lambda environment.
  fn(new Stack(app, 'LambdaEnv'), 'Fn', { DB_PASSWORD: SECRET, LOG_LEVEL: 'info' });
  // 3. A plain SSM String parameter holding a password.
  new ssm.StringParameter(new Stack(app, 'SsmString'), 'DbPassword', { parameterName: '/shop/db/password', stringValue: SECRET });
  // 4. Stack outputs: a literal password, and a secret resolved into an output.
  const outputs = new Stack(app, 'Outputs');
  new CfnOutput(outputs, 'AdminPassword', { value: SECRET });
  const generated = new secretsmanager.Secret(outputs, 'Generated');
  new CfnOutput(outputs, 'GeneratedValue', { value: generated.secretValue.unsafeUnwrap() });
  // 5. A secret-named parameter with a default (NoEcho only hides it in the console).
  new CfnParameter(new Stack(app, 'ParameterDefault'), 'DbPassword', { type: 'String', noEcho: true, default: SECRET });
  // Split and short forms: a password joined from literals, a key split across Fn::Join pieces, DB_PASS.
  const split = new Stack(app, 'Split');
  new CfnOutput(split, 'DbPass', { value: Fn.join('', ['Tr0ub4dor', '-and-3-horses']) });
  new secretsmanager.CfnSecret(split, 'Joined', { secretString: Fn.join('', ['{"username":"app","password":"', 'Tr0ub4dor', '-and-3-horses"}']) });
  fn(split, 'ShortName', { DB_PASS: SECRET });
  new CfnOutput(split, 'AdminCreds', { value: SECRET });
  // Shapes anywhere, and other property carriers.
  const shapes = new Stack(app, 'Shapes');
  fn(shapes, 'Keys', { CONFIG: 'AKIAIOSFODNN7EXAMPLE', DATABASE: `postgres://app:${SECRET}@db.internal:5432/shop` });
  const task = new ecs.FargateTaskDefinition(shapes, 'Task');
  task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('nginx'), environment: { STRIPE_API_KEY: SECRET } });
  new rds.CfnDBInstance(shapes, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', masterUsername: 'app', masterUserPassword: SECRET });
  new codebuild.CfnProject(shapes, 'Build', {
    artifacts: { type: 'NO_ARTIFACTS' },
    source: { type: 'NO_SOURCE', buildSpec: 'version: 0.2' },
    serviceRole: 'arn:aws:iam::111111111111:role/build',
    environment: { type: 'LINUX_CONTAINER', computeType: 'BUILD_GENERAL1_SMALL', image: 'aws/codebuild/standard:7.0', environmentVariables: [{ name: 'NPM_TOKEN', value: SECRET, type: 'PLAINTEXT' }] },
  });
  return app;
}

/** The compliant twins: secrets by reference only, and non-secret values with secret-like names. */
function cleanApp(): App {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Clean');
  const secret = new secretsmanager.Secret(stack, 'Db', { generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'app' }), generateStringKey: 'password', excludeCharacters: '"@/\\' } });
  new rds.CfnDBInstance(stack, 'FromSecretsManager', {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    masterUsername: 'app',
    masterUserPassword: secret.secretValueFromJson('password').unsafeUnwrap(),
  });
  // A SecureString reaches a property only as a dynamic reference.
  new rds.CfnDBInstance(stack, 'FromSecureString', {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    masterUsername: 'app',
    masterUserPassword: '{{resolve:ssm-secure:/shop/db/password:1}}',
  });
  fn(stack, 'Fn', { TOKEN_URL: 'https://auth.example.com/oauth/token', DB_SECRET_ARN: secret.secretArn, PASSWORD_MIN_LENGTH: '12', API_KEY_PARAMETER: '/shop/api/key', SECRET_NAME: 'shop/db' });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('nginx'), secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') } });
  new ssm.StringParameter(stack, 'Flags', { parameterName: '/shop/feature-flags', stringValue: 'checkout=on' });
  new CfnParameter(stack, 'AdminPassword', { type: 'String', noEcho: true });
  new CfnOutput(stack, 'DbSecretArn', { value: secret.secretArn });
  return app;
}

describe('Readiness-NO-PLAINTEXT-SECRETS', () => {
  let findings: string[];

  beforeAll(() => {
    const result = rule.check(leakyApp(), ruleContextFor('prod'));
    expect(result.compliant).toBe(false);
    findings = [...result.findings];
  });

  const inStack = (stack: string) => findings.filter((f) => f.startsWith(`${stack}: `));

  test('a SecretValue.unsafePlainText secret', () => {
    expect(inStack('PlainSecret')).toEqual([expect.stringMatching(/^PlainSecret: Db\w+\.Properties\.SecretString: a secret value written into the template\.$/)]);
  });

  test('a password in a Lambda environment', () => {
    expect(inStack('LambdaEnv')).toEqual([expect.stringMatching(/Environment\.Variables\.DB_PASSWORD: a literal value for "DB_PASSWORD"/)]);
  });

  test('a plain SSM String parameter named like a secret', () => {
    expect(inStack('SsmString')).toEqual([expect.stringMatching(/Properties\.Value: a plain String SSM parameter named like a secret \(\/shop\/db\/password\)/)]);
  });

  test('stack outputs: a literal password, and a secret resolved into an output', () => {
    expect(inStack('Outputs')).toEqual([
      'Outputs: Outputs.AdminPassword.Value: a literal value for the secret-named output "AdminPassword".',
      'Outputs: Outputs.GeneratedValue.Value: a secret resolved into a stack output (anyone with DescribeStacks reads it).',
    ]);
  });

  test('a secret-named parameter with a default, even with NoEcho', () => {
    expect(inStack('ParameterDefault')).toEqual(['ParameterDefault: Parameters.DbPassword.Default: a default value for the secret-named parameter "DbPassword".']);
  });

  test('value shapes anywhere and other carriers: access keys, URLs with a password, container env, database password, CodeBuild', () => {
    const shapes = inStack('Shapes').join('\n');
    expect(shapes).toMatch(/CONFIG: an AWS access key ID/);
    expect(shapes).toMatch(/DATABASE: a URL with a password/);
    expect(shapes).toMatch(/ContainerDefinitions\.0\.Environment\.0 \(STRIPE_API_KEY\)/);
    expect(shapes).toMatch(/Db\.Properties\.MasterUserPassword: a literal value for "MasterUserPassword"/);
    expect(shapes).toMatch(/EnvironmentVariables\.0 \(NPM_TOKEN\)/);
  });

  test('split and short forms: literals joined by Fn::Join, DB_PASS', () => {
    const split = inStack('Split').join('\n');
    expect(split).toMatch(/Outputs\.DbPass\.Value: a literal value for the secret-named output "DbPass"/);
    expect(split).toMatch(/Joined\.Properties\.SecretString: a secret value written into the template/);
    expect(split).toMatch(/Variables\.DB_PASS: a literal value for "DB_PASS"/);
    expect(split).toMatch(/Outputs\.AdminCreds\.Value/);
  });

  test('no finding repeats the secret', () => {
    expect(findings.length).toBeGreaterThanOrEqual(10);
    for (const f of findings) {
      expect(f).not.toContain(SECRET);
      expect(f).not.toContain('AKIAIOSFODNN7EXAMPLE');
    }
  });

  test('compliant twins: generated secrets, dynamic references (Secrets Manager, SSM SecureString), container secrets, ARNs, TOKEN_URL, a NoEcho parameter without default', () => {
    const result = rule.check(cleanApp(), ruleContextFor('prod'));
    expect(result.findings).toEqual([]);
    expect(result.compliant).toBe(true);
  });

  test('the gate runs it: a plaintext secret fails every stage (security)', () => {
    for (const stage of ['prod', 'dev'] as const) {
      const evaluation = evaluateReadiness(leakyApp(), { stage, rules: [rule], awsSolutions: false, nist: false, writeReport: false });
      const violation = evaluation.scopeRules.violations.find((v) => v.ruleName === 'Readiness-NO-PLAINTEXT-SECRETS');
      expect(violation?.severity).toBe('error');
      expect(violation?.description).not.toContain(SECRET);
    }
    expect(evaluateReadiness(cleanApp(), { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false }).scopeRules.violations).toEqual([]);
  });
});
