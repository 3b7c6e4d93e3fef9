import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag';
import { SecretRotatedWithCmk as rule } from '../../../../lib/aspects/rules/secrets/secret-rotated-with-cmk';
import { EncryptedWithCustomerManagedKey as keyRule } from '../../../../lib/aspects/rules/security/encrypted-with-customer-managed-key';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-SECRET-ROTATION', () => {
  let stack: Stack;
  const secrets: Record<string, secretsmanager.Secret> = {};
  let rotatedDatabase: rds.DatabaseCluster;

  beforeAll(() => {
    stack = userStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const rotator = new lambda.Function(stack, 'Rotator', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    const secret = (id: string, props: secretsmanager.SecretProps, rotateEvery?: Duration) => {
      const s = new secretsmanager.Secret(stack, id, { removalPolicy: RemovalPolicy.RETAIN, ...props });
      if (rotateEvery) s.addRotationSchedule('Rotation', { rotationLambda: rotator, automaticallyAfter: rotateEvery });
      secrets[id] = s;
    };
    secret('Rotated', { encryptionKey: key }, Duration.days(30));
    secret('RotatedHourly', { encryptionKey: key }, Duration.hours(4));
    secret('NotRotated', { encryptionKey: key });
    secret('AwsManagedKey', {}, Duration.days(30));
    // Rotated every 15 days on the AWS managed key: a key finding (Readiness-ENCRYPTION-KEY), not a rotation finding.
    secret('AwsManagedKey15Days', {}, Duration.days(15));
    secret('Quarterly', { encryptionKey: key }, Duration.days(90));
    // The RDS L2 rotates through the secret's target attachment.
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    rotatedDatabase = new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('Writer'),
      credentials: rds.Credentials.fromGeneratedSecret('app', { encryptionKey: key }),
    });
    rotatedDatabase.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    // A cron schedule cannot be read as an interval: treated as unknown, so non-compliant.
    secret('Cron', { encryptionKey: key });
    new secretsmanager.CfnRotationSchedule(stack, 'CronRotation', {
      secretId: secrets.Cron.secretArn,
      rotationLambdaArn: rotator.functionArn,
      rotationRules: { scheduleExpression: 'cron(0 4 1 * ? *)' },
    });
  });

  test('a secret with a customer-managed key and a 30-day (or shorter) rotation is compliant', () => {
    expect(check(rule, secrets.Rotated)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, secrets.RotatedHourly)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a database secret rotated through its target attachment (RDS L2 addRotationSingleUser) is compliant', () => {
    const dbSecret = rotatedDatabase.node.findAll().find((c) => c instanceof secretsmanager.CfnSecret)!;
    expect(check(rule, dbSecret)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a secret without rotation is non-compliant', () => {
    expect(check(rule, secrets.NotRotated)).toEqual(['no AWS::SecretsManager::RotationSchedule rotates the secret, needs one with rate(<= 30 days)']);
  });

  test('the key is not a rotation finding: a rotated secret on the AWS managed key passes this rule and fails ENCRYPTION-KEY', () => {
    expect(check(rule, secrets.AwsManagedKey15Days)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, secrets.AwsManagedKey)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(keyRule, secrets.AwsManagedKey15Days)).toEqual([
      'KmsKeyId is not set: encrypted with the AWS-managed key aws/secretsmanager; the policy requires a customer-managed key',
    ]);
  });

  test('90-day rotation passes in staging and fails in prod (at most 30 days)', () => {
    expect(check(rule, secrets.Quarterly, 'staging')).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, secrets.Quarterly, 'prod')).toEqual([expect.stringMatching(/^RotationRules.ScheduleExpression of QuarterlyRotation\w+ is "rate\(90 days\)", needs rate\(<= 30 days\)$/)]);
  });

  test('a schedule it cannot read (cron) is non-compliant, never compliant', () => {
    expect(check(rule, secrets.Cron)).toEqual([expect.stringMatching(/ScheduleExpression of \w+ is "cron\(0 4 1 \* \? \*\)", needs rate/)]);
  });

  test('the Readiness pack flags exactly the non-compliant secrets', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['NotRotated', 'Quarterly', 'Cron'].map((id) => cfnOf(secrets[id]).node.path).sort());
  });
});
