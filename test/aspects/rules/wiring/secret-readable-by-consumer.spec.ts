import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag';
import { SecretReadableByConsumer as rule } from '../../../../lib/aspects/rules/wiring/secret-readable-by-consumer';
import { NO_BUNDLING } from '../../../helpers/synth';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { ruleIdOf } from '../../../../lib/aspects/rule';
import { check } from '../rule-test-kit';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27');

/** A task definition in `stack` that injects `secret` (imported or not) as DB_PASSWORD. */
function taskReading(stack: Stack, id: string, secret: secretsmanager.ISecret): ecs.FargateTaskDefinition {
  const td = new ecs.FargateTaskDefinition(stack, id);
  td.addContainer('App', { image: IMAGE, secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') } });
  return td;
}

/** kms:Decrypt on the key for the execution role, through Secrets Manager (what a correct import writes). */
function decryptVia(td: ecs.TaskDefinition, keyArn: string, viaService: string, conditionKey = 'kms:ViaService') {
  td.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [keyArn], conditions: { StringEquals: { [conditionKey]: viaService } } }));
}

/** A user's app: a data stack with a CMK-encrypted secret, and a compute stack whose tasks and functions read it. */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const data = new Stack(app, 'Data', { env: ENV });
  const key = new kms.Key(data, 'Key', { enableKeyRotation: true });
  const secret = new secretsmanager.Secret(data, 'DbSecret', { encryptionKey: key, generateSecretString: { secretStringTemplate: '{"username":"app"}', generateStringKey: 'password' } });
  // A secret encrypted with the AWS managed key: only GetSecretValue is needed.
  const plain = new secretsmanager.Secret(data, 'PlainSecret');
  // Same stack: the L2 grants land on the execution role and the key.
  const sameStack = taskReading(data, 'SameStackTask', secret);
  const plainTask = taskReading(data, 'PlainTask', plain);

  const svc = new Stack(app, 'Service', { env: ENV });
  const via = `secretsmanager.${ENV.region}.amazonaws.com`;
  const imported = () => secretsmanager.Secret.fromSecretAttributes(svc, `Imported${n++}`, { secretCompleteArn: secret.secretArn });
  let n = 0;
  // Cross-stack, done right: the secret imported without its key, kms:Decrypt written explicitly.
  const crossStack = taskReading(svc, 'CrossStackTask', imported());
  decryptVia(crossStack, key.keyArn, via);
  // The defect: the key imported by ARN, whose grants aws-cdk-lib drops.
  const keyByArn = taskReading(
    svc,
    'KeyByArnTask',
    secretsmanager.Secret.fromSecretAttributes(svc, 'ImportedWithKey', { secretCompleteArn: secret.secretArn, encryptionKey: kms.Key.fromKeyArn(svc, 'KeyByArn', key.keyArn) }),
  );
  // Fooling attempts: a ViaService that never holds for Secrets Manager, another region, an unknown condition,
  // a grant on another key, an explicit Deny, a secret resource policy that denies everyone else.
  const viaS3 = taskReading(svc, 'ViaS3Task', imported());
  decryptVia(viaS3, key.keyArn, `s3.${ENV.region}.amazonaws.com`);
  const otherRegion = taskReading(svc, 'OtherRegionTask', imported());
  decryptVia(otherRegion, key.keyArn, 'secretsmanager.us-east-1.amazonaws.com');
  const sourceIp = taskReading(svc, 'SourceIpTask', imported());
  decryptVia(sourceIp, key.keyArn, '203.0.113.0/24', 'aws:SourceIp');
  const otherKey = new kms.Key(svc, 'OtherKey', { enableKeyRotation: true });
  const wrongKey = taskReading(svc, 'WrongKeyTask', imported());
  decryptVia(wrongKey, otherKey.keyArn, via);
  const denied = taskReading(svc, 'DeniedTask', imported());
  decryptVia(denied, key.keyArn, via);
  denied.addToExecutionRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['kms:*'], resources: ['*'] }));
  const effectParam = new CfnParameter(svc, 'Effect', { default: 'Allow' });
  const unknownEffect = taskReading(svc, 'UnknownEffectTask', imported());
  unknownEffect.executionRole!.attachInlinePolicy(
    new iam.Policy(svc, 'ParamEffect', {
      document: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: [{ Effect: effectParam.valueAsString, Action: 'kms:Decrypt', Resource: key.keyArn }] }),
    }),
  );

  // Private-registry credentials: the image's secret is read by the execution role too.
  const registryTask = new ecs.FargateTaskDefinition(svc, 'RegistryTask');
  registryTask.addContainer('App', { image: ecs.ContainerImage.fromRegistry('registry.example.com/app:1.0', { credentials: imported() }) });

  // A Lambda function whose environment names the secret, with and without the grants.
  const fnProps = { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') };
  const readerFn = new lambda.Function(data, 'ReaderFn', { ...fnProps, environment: { SECRET_ARN: secret.secretArn } });
  secret.grantRead(readerFn);
  const blindFn = new lambda.Function(data, 'BlindFn', { ...fnProps, environment: { SECRET_ARN: secret.secretArn } });
  const unrelatedFn = new lambda.Function(data, 'UnrelatedFn', { ...fnProps, environment: { LOG_LEVEL: 'info' } });

  // A second secret whose resource policy denies reads to everyone but one other role.
  const guarded = new secretsmanager.Secret(data, 'Guarded', { encryptionKey: key });
  const someoneElse = new iam.Role(data, 'SomeoneElse', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  guarded.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': [someoneElse.roleArn] } },
    }),
  );
  const guardedTask = taskReading(data, 'GuardedTask', guarded);
  // The same guard admitting the stack's roles by name prefix (how SecretAccessPolicy does it).
  const admitted = new secretsmanager.Secret(data, 'Admitted', { encryptionKey: key });
  admitted.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': [`arn:${data.partition}:iam::${data.account}:role/${data.stackName}-*`] } },
    }),
  );
  const admittedTask = taskReading(data, 'AdmittedTask', admitted);
  // The same with the partition written out (what stacks with a known region render).
  const admittedLiteral = new secretsmanager.Secret(data, 'AdmittedLiteral', { encryptionKey: key });
  admittedLiteral.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ENV.account}:role/${data.stackName}-*`] } },
    }),
  );
  const admittedLiteralTask = taskReading(data, 'AdmittedLiteralTask', admittedLiteral);
  // A prefix that is not the stack's: another stack's roles only.
  const admittedOther = new secretsmanager.Secret(data, 'AdmittedOther', { encryptionKey: key });
  admittedOther.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ENV.account}:role/${data.stackName}Other-*`] } },
    }),
  );
  const admittedOtherTask = taskReading(data, 'AdmittedOtherTask', admittedOther);

  // A key whose policy does not delegate to IAM: an IAM grant alone cannot decrypt.
  const closedKey = new kms.CfnKey(data, 'ClosedKey', {
    enableKeyRotation: true,
    keyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: someoneElse.roleArn }, Action: 'kms:*', Resource: '*' }] },
  });
  const closedSecret = new secretsmanager.CfnSecret(data, 'ClosedSecret', { kmsKeyId: closedKey.attrArn });
  const closedTask = new ecs.FargateTaskDefinition(data, 'ClosedTask');
  closedTask.addContainer('App', { image: IMAGE, secrets: { TOKEN: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretAttributes(data, 'ClosedImport', { secretCompleteArn: closedSecret.ref })) } });
  decryptVia(closedTask, closedKey.attrArn, via);

  // A disabled key: every grant in order, and still nothing decrypts.
  const disabledKey = new kms.Key(data, 'DisabledKey', { enableKeyRotation: true, enabled: false });
  const disabledTask = taskReading(data, 'DisabledKeyTask', new secretsmanager.Secret(data, 'DisabledKeySecret', { encryptionKey: disabledKey }));

  return {
    app,
    f: { registryTask, admittedLiteralTask, admittedOtherTask, disabledTask, sameStack, plainTask, crossStack, keyByArn, viaS3, otherRegion, sourceIp, wrongKey, denied, unknownEffect, readerFn, blindFn, unrelatedFn, guardedTask, admittedTask, closedTask },
  };
}

describe('Readiness-SECRET-READABLE', () => {
  let f: ReturnType<typeof userApp>['f'];
  let app: App;

  beforeAll(() => {
    ({ app, f } = userApp());
  });

  test('tasks and functions whose role may read the secret and decrypt its key are compliant', () => {
    for (const c of [f.sameStack, f.plainTask, f.crossStack, f.readerFn, f.admittedTask, f.admittedLiteralTask]) {
      expect({ path: c.node.path, result: check(rule, c) }).toEqual({ path: c.node.path, result: NagRuleCompliance.COMPLIANT });
    }
    expect(check(rule, f.unrelatedFn)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('a key imported by ARN (grants dropped) leaves the execution role without kms:Decrypt: the finding names the property and the key', () => {
    const result = check(rule, f.keyByArn);
    expect(result).toEqual([expect.stringMatching(/^ContainerDefinitions\[0\]\.Secrets\[0\]\.ValueFrom: DbSecret[0-9A-F]+: kms:Decrypt on Key[0-9A-F]+: no statement allows kms:Decrypt/)]);
  });

  test.each([
    ['a kms:ViaService of another service', 'viaS3'],
    ['a kms:ViaService of another region', 'otherRegion'],
    ['a condition the rule cannot prove (aws:SourceIp)', 'sourceIp'],
    ['a grant on another key', 'wrongKey'],
    ['an Effect that is a parameter', 'unknownEffect'],
  ] as const)('%s does not count', (_name, fixture) => {
    expect(check(rule, f[fixture])).toEqual([expect.stringMatching(/kms:Decrypt on Key[0-9A-F]+: no statement allows/)]);
  });

  test('an explicit Deny in the role policy counts against it', () => {
    expect(check(rule, f.denied)).toEqual([expect.stringMatching(/kms:Decrypt on Key[0-9A-F]+: .*denies kms:Decrypt/)]);
  });

  test("a secret resource policy that denies everyone but another role, and a key policy that does not delegate to IAM, count against it", () => {
    expect(check(rule, f.guardedTask)).toEqual([expect.stringMatching(/Guarded[0-9A-F]+: secretsmanager:GetSecretValue: .*denies secretsmanager:GetSecretValue/)]);
    expect(check(rule, f.admittedOtherTask)).toEqual([expect.stringMatching(/AdmittedOther[0-9A-F]+: secretsmanager:GetSecretValue: .*denies/)]);
    expect(check(rule, f.closedTask)).toEqual([expect.stringMatching(/ClosedSecret: kms:Decrypt on ClosedKey: .*does not delegate to IAM/)]);
  });

  test('RepositoryCredentials are followed like container secrets', () => {
    expect(check(rule, f.registryTask)).toEqual([expect.stringMatching(/^ContainerDefinitions\[0\]\.RepositoryCredentials\.CredentialsParameter: DbSecret[0-9A-F]+: kms:Decrypt on Key[0-9A-F]+: no statement/)]);
  });

  test('after synthesis (cross-stack references as Fn::ImportValue) the verdicts stay the same', () => {
    const { app: synthesized, f: g } = userApp();
    synthesized.synth();
    expect(check(rule, g.crossStack)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, g.keyByArn)).toEqual([expect.stringMatching(/kms:Decrypt on Key[0-9A-F]+: no statement allows/)]);
    expect(check(rule, g.wrongKey)).toEqual([expect.stringMatching(/kms:Decrypt on Key[0-9A-F]+: no statement allows/)]);
  });

  test('a disabled key counts against it, whatever the grants', () => {
    expect(check(rule, f.disabledTask)).toEqual([expect.stringMatching(/DisabledKeySecret[0-9A-F]+: KmsKeyId: DisabledKey[0-9A-F]+ has Enabled = false/)]);
  });

  test('a Lambda function whose environment names the secret needs the grants too', () => {
    expect(check(rule, f.blindFn)).toEqual([
      expect.stringMatching(/^Environment\.Variables\.SECRET_ARN: DbSecret[0-9A-F]+: secretsmanager:GetSecretValue: no statement/),
      expect.stringMatching(/^Environment\.Variables\.SECRET_ARN: DbSecret[0-9A-F]+: kms:Decrypt on Key[0-9A-F]+: no statement/),
    ]);
  });

  test('the Readiness pack flags exactly the defective consumers, by path', () => {
    // One violation per resource under the published rule ID; its locations say what failed (<property>: <secret>: <why>).
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [rule] }).validateScope(app);
    const flagged = report.violations
      .filter((v) => v.ruleName === ruleIdOf(rule))
      .filter((v) => v.violatingResources.every((r) => (r.locations ?? []).length > 0))
      .flatMap((v) => v.violatingResources.map((r) => r.constructPath!.split('/').slice(0, 2).join('/')));
    expect(new Set(flagged)).toEqual(
      new Set([
        'Service/KeyByArnTask',
        'Service/ViaS3Task',
        'Service/OtherRegionTask',
        'Service/SourceIpTask',
        'Service/WrongKeyTask',
        'Service/DeniedTask',
        'Service/UnknownEffectTask',
        'Data/BlindFn',
        'Data/GuardedTask',
        'Data/ClosedTask',
        'Data/DisabledKeyTask',
        'Data/AdmittedOtherTask',
        'Service/RegistryTask',
      ]),
    );
  });
});
