import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { findSecretMaterial } from '../../../lib/constructs/security/secret-scan';

/** Proves the scanner finds what the all-stages scan must never see, and passes what is safe. */
describe('findSecretMaterial', () => {
  let findings: ReturnType<typeof findSecretMaterial>;
  let safe: ReturnType<typeof findSecretMaterial>;

  beforeAll(() => {
    const stack = new Stack(new App(), 'Leaky');
    new secretsmanager.Secret(stack, 'Plain', { secretStringValue: SecretValue.unsafePlainText('hunter2-hunter2') });
    new rds.CfnDBCluster(stack, 'Db', { engine: 'aurora-postgresql', masterUsername: 'admin', masterUserPassword: 'correct-horse-battery' });
    new elasticache.CfnReplicationGroup(stack, 'Cache', { replicationGroupDescription: 'c', authToken: 'a-literal-auth-token-0123456789' });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), environment: { DB_PASSWORD: 'p4ssw0rd', LOG_LEVEL: 'info' } });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      environment: { API_KEY: 'abc123', STRIPE: 'sk_live_0123456789abcdef' },
    });
    findings = findSecretMaterial(Template.fromStack(stack).toJSON());

    const ok = new Stack(new App(), 'Safe');
    const secret = new secretsmanager.Secret(ok, 'Generated', { generateSecretString: { excludePunctuation: true } });
    new elasticache.CfnReplicationGroup(ok, 'Cache', { replicationGroupDescription: 'c', authToken: secret.secretValue.unsafeUnwrap() });
    const okTask = new ecs.FargateTaskDefinition(ok, 'Task');
    okTask.addContainer('App', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
      environment: { DB_PASSWORD_SECRET_ARN: secret.secretArn, REDIS_TLS: 'true', TOKEN_FIELD: 'authToken' },
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret) },
    });
    safe = findSecretMaterial(Template.fromStack(ok).toJSON());
  });

  test('finds unsafePlainText, literal passwords and tokens, plain env secrets and known key formats', () => {
    const where = findings.map((f) => f.location).join('\n');
    expect(where).toMatch(/^Plain\w*\.Properties\.SecretString$/m);
    expect(where).toMatch(/^Db\.Properties\.MasterUserPassword$/m);
    expect(where).toMatch(/^Cache\.Properties\.AuthToken$/m);
    expect(where).toMatch(/ContainerDefinitions\[0\]\.Environment\[\d\] \(DB_PASSWORD\)/);
    expect(where).toMatch(/Environment\.Variables\.API_KEY/);
    expect(findings.map((f) => f.reason)).toContain('a Stripe live secret key');
    expect(where).not.toMatch(/LOG_LEVEL/);
  });

  test('dynamic references, container Secrets, ARNs and field names are not material', () => {
    expect(safe).toEqual([]);
  });
});
