import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { DatabasePooledWithTls as rule } from '../../../../lib/aspects/rules/database/database-pooled-with-tls';
import { check, flaggedPaths, cfnOf, userStack } from '../rule-test-kit';

describe('Readiness-DB-POOLING', () => {
  let stack: Stack;
  let pooled: rds.DatabaseCluster;
  let plainTextProxy: rds.DatabaseCluster;
  let noProxy: rds.DatabaseCluster;
  let tokenTls: rds.DatabaseCluster;
  let instance: rds.DatabaseInstance;
  let globalSecondary: rds.CfnDBCluster;
  let globalPrimary: rds.CfnDBCluster;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
    const cluster = (id: string) => new rds.DatabaseCluster(stack, id, { engine, vpc, vpcSubnets, writer: rds.ClusterInstance.provisioned('Writer') });
    pooled = cluster('Pooled');
    pooled.addProxy('Proxy', { secrets: [pooled.secret!], vpc, vpcSubnets, requireTLS: true });
    plainTextProxy = cluster('PlainText');
    plainTextProxy.addProxy('Proxy', { secrets: [plainTextProxy.secret!], vpc, vpcSubnets, requireTLS: false });
    noProxy = cluster('NoProxy');
    tokenTls = cluster('TokenTls');
    const proxy = tokenTls.addProxy('Proxy', { secrets: [tokenTls.secret!], vpc, vpcSubnets });
    (proxy.node.defaultChild as rds.CfnDBProxy).addPropertyOverride('RequireTLS', new CfnParameter(stack, 'Tls', { type: 'String' }).valueAsString);
    // A global-database secondary joins the global cluster without a master user of its own.
    globalSecondary = new rds.CfnDBCluster(stack, 'GlobalSecondary', { engine: 'aurora-postgresql', engineVersion: '16.4', globalClusterIdentifier: 'orders-global', storageEncrypted: true });
    // A cluster that joins a global cluster with its own master user takes connections: it needs the proxy.
    globalPrimary = new rds.CfnDBCluster(stack, 'GlobalPrimary', {
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      globalClusterIdentifier: 'orders-global',
      masterUsername: 'postgres',
      manageMasterUserPassword: true,
      storageEncrypted: true,
    });
    instance = new rds.DatabaseInstance(stack, 'Instance', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, vpcSubnets });
  });

  test('an Aurora cluster behind a TLS-only RDS Proxy is compliant', () => {
    expect(check(rule, pooled)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('no proxy, or a proxy that allows plain text, is non-compliant', () => {
    expect(check(rule, noProxy)).toEqual(['no AWS::RDS::DBProxyTargetGroup targets the cluster, needs an RDS Proxy with RequireTLS true']);
    expect(check(rule, plainTextProxy)).toEqual([expect.stringMatching(/^RequireTLS of \w+ is (false|not set), needs true$/)]);
  });

  test('RequireTLS from an unresolvable parameter is non-compliant', () => {
    expect(check(rule, tokenTls)).toEqual([expect.stringMatching(/^RequireTLS of TokenTlsProxy\w+ is Ref Tls \(not readable from the template\), needs true$/)]);
  });

  test('a global-database secondary (read-only until promoted) is not applicable; a global member with its own master user is checked', () => {
    expect(check(rule, globalSecondary)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, globalPrimary)).toEqual(['no AWS::RDS::DBProxyTargetGroup targets the cluster, needs an RDS Proxy with RequireTLS true']);
  });

  test('the Readiness pack flags exactly the unpooled clusters; RDS instances are not applicable', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([cfnOf(noProxy), cfnOf(plainTextProxy), cfnOf(tokenTls), globalPrimary].map((r) => r.node.path).sort());
    expect(flaggedPaths(rule, instance)).toEqual([]);
  });
});
