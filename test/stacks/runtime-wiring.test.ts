/**
 * What a task needs at start-up and what an application needs to log in, read from the shipped prod
 * templates: the execution role can decrypt the secrets it injects, the task roles may connect to the
 * proxy as the application user, and no task sees the master credentials.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ReadinessChecks } from '../../lib/aspects/readiness-checks';
import { ruleIdOf } from '../../lib/aspects/rule';
import { DatabaseClientsCanAuthenticate } from '../../lib/aspects/rules/wiring/database-clients-can-authenticate';
import { SecretReadableByConsumer } from '../../lib/aspects/rules/wiring/secret-readable-by-consumer';
import { PROD } from '../../lib/config/stages';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { buildStage } from '../helpers/synth';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every statement of every AWS::IAM::Policy attached to the role with this logical ID. */
function statementsOf(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** The logical ID a `{ Ref }`/`{ Fn::GetAtt }` points at. */
function refId(value: any): string | undefined {
  return value?.Ref ?? value?.['Fn::GetAtt']?.[0];
}

describe('prod runtime wiring (Prod/Data, Prod/Service)', () => {
  let stage: ReadinessStage;
  let service: Template;
  let data: Template;
  let taskDefinitions: Record<string, any>;

  beforeAll(() => {
    // The feature flags of cdk.json, as `cdk synth` applies them (they change how ARNs render).
    const flags = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context ?? {};
    stage = buildStage(PROD, flags).stage;
    service = Template.fromStack(stage.service!);
    data = Template.fromStack(stage.data);
    taskDefinitions = service.findResources('AWS::ECS::TaskDefinition');
  });

  test('each execution role that injects a secret may decrypt its customer key, only through Secrets Manager', () => {
    const cacheKeyId = stage.data.resolve((stage.data.cache.encryptionKey.node.defaultChild as any).logicalId);
    let injecting = 0;
    for (const [id, td] of Object.entries(taskDefinitions)) {
      const secrets = td.Properties.ContainerDefinitions.flatMap((c: any) => c.Secrets ?? []);
      if (secrets.length === 0) continue;
      injecting++;
      const statements = statementsOf(service, refId(td.Properties.ExecutionRoleArn)!);
      const decrypt = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('kms:Decrypt'));
      expect({ id, decrypt: decrypt.length }).toEqual({ id, decrypt: 1 });
      // The key ARN is the data stack's key, imported across stacks (not a wildcard).
      expect(JSON.stringify(decrypt[0].Resource)).toContain(cacheKeyId);
      expect(decrypt[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': `secretsmanager.${stage.service!.region}.amazonaws.com` } });
      expect(statements.some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))).toBe(true);
    }
    expect(injecting).toBeGreaterThan(0);
  });

  test('no task reads the master credentials: no DB password or user secret, no master secret in any policy', () => {
    const masterSecretId = stage.data.resolve((stage.data.database.secret.node.defaultChild as any).logicalId);
    for (const td of Object.values(taskDefinitions)) {
      for (const c of td.Properties.ContainerDefinitions) {
        expect((c.Secrets ?? []).map((s: any) => s.Name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^DB_/)]));
      }
    }
    expect(JSON.stringify(service.toJSON())).not.toContain(masterSecretId);
  });

  test('web and worker tasks get DB_HOST (proxy), DB_READ_HOST, DB_PORT and DB_USER, and may connect as that user', () => {
    const appContainers = Object.values(taskDefinitions)
      .map((td) => ({ td, c: td.Properties.ContainerDefinitions.find((c: any) => (c.Environment ?? []).some((e: any) => e.Name === 'DB_USER')) }))
      .filter((x) => x.c);
    expect(appContainers).toHaveLength(2);
    for (const { td, c } of appContainers) {
      const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
      expect(env).toMatchObject({ DB_USER: 'app_user', DB_PORT: String(PROD.database.port), DB_NAME: 'postgres' });
      expect(JSON.stringify(env.DB_HOST)).toMatch(/DatabaseProxy.*Endpoint/);
      expect(JSON.stringify(env.DB_READ_HOST)).toMatch(/ReadOnly.*Endpoint/);
      expect(Object.keys(env).filter((k) => /PASSWORD/.test(k))).toEqual([]);
      const connect = statementsOf(service, refId(td.Properties.TaskRoleArn)!).filter((s) => actionsOf(s).includes('rds-db:connect'));
      expect(connect).toHaveLength(1);
      const arn = JSON.stringify(connect[0].Resource);
      expect(arn).toContain(':dbuser:');
      expect(arn).toContain('/app_user');
      expect(arn).toMatch(/ExportsOutputFnGetAttDatabaseProxy[A-Za-z0-9]*DBProxyArn/);
    }
  });

  test('the proxy uses end-to-end IAM authentication and its role may connect to the cluster as the application user', () => {
    data.hasResourceProperties('AWS::RDS::DBProxy', { DefaultAuthScheme: 'IAM_AUTH', RequireTLS: true, Auth: Match.absent() });
    const proxy = Object.values(data.findResources('AWS::RDS::DBProxy'))[0];
    const statements = statementsOf(data, refId(proxy.Properties.RoleArn)!);
    const connect = statements.filter((s) => actionsOf(s).includes('rds-db:connect'));
    expect(connect).toHaveLength(1);
    expect(JSON.stringify(connect[0].Resource)).toMatch(/DatabaseCluster[A-Za-z0-9]*","DBClusterResourceId.*\/app_user/);
  });

  test('a bootstrap custom resource creates the application user after the cluster, from inside the VPC', () => {
    const [id, resource] = Object.entries(data.findResources('Custom::DatabaseAppUser'))[0];
    expect(resource.Properties).toMatchObject({ User: 'app_user', Database: 'postgres', Schema: 'app', Port: String(PROD.database.port) });
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^DatabaseClusterWriter/)]));
    const fnId = refId(resource.Properties.ServiceToken)!;
    const fn = data.findResources('AWS::Lambda::Function')[fnId];
    expect(fn.Properties.VpcConfig.SubnetIds.length).toBeGreaterThanOrEqual(2);
    expect(fn.Properties.Environment.Variables.NODE_EXTRA_CA_CERTS).toBe('/var/runtime/ca-cert.pem');
    // Its security group is admitted to the cluster on the database port.
    const fnSg = refId(fn.Properties.VpcConfig.SecurityGroupIds[0]);
    data.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [fnSg, 'GroupId'] },
      FromPort: PROD.database.port,
      ToPort: PROD.database.port,
    });
    expect(id).toMatch(/^DatabaseAppUser/);
    expect(Stack.of(stage.data.database.appUserBootstrap)).toBe(stage.data);
  });

  test('the stage passes Readiness-SECRET-READABLE and Readiness-DB-CLIENT-AUTH, and both rules found something to check', () => {
    const rules = [SecretReadableByConsumer, DatabaseClientsCanAuthenticate];
    const started = Date.now();
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules }).validateScope(stage);
    console.log(`RUNTIME-WIRING rules over the prod stage: ${Date.now() - started} ms`);
    const violations = report.violations.filter((v) => rules.some((r) => v.ruleName.startsWith(ruleIdOf(r))));
    expect(violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    // Applicable resources exist: the task definitions that inject the cache token, the proxy requiring IAM.
    const checked = (rule: typeof rules[number]) => {
      const { NagRuleCompliance } = require('cdk-nag');
      return stage.node.findAll().filter((c: any) => c.cfnResourceType && rule.resourceTypes.includes(c.cfnResourceType) && rule.check(c, {} as any) === NagRuleCompliance.COMPLIANT).length;
    };
    expect(checked(SecretReadableByConsumer)).toBeGreaterThanOrEqual(1);
    expect(checked(DatabaseClientsCanAuthenticate)).toBeGreaterThanOrEqual(1);
  });
});
