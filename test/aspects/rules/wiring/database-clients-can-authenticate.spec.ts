import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { ruleIdOf } from '../../../../lib/aspects/rule';
import { DatabaseClientsCanAuthenticate as rule } from '../../../../lib/aspects/rules/wiring/database-clients-can-authenticate';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check } from '../rule-test-kit';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 });

/** A user's app: Aurora clusters behind proxies that require IAM, with and without clients that may connect. */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const data = new Stack(app, 'Data', { env: ENV });
  const vpc = new ec2.Vpc(data, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b'], subnetConfiguration: [{ name: 'Db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const cluster = (id: string, iamAuthentication = true) =>
    new rds.DatabaseCluster(data, id, { engine, vpc, vpcSubnets, writer: rds.ClusterInstance.provisioned('Writer'), iamAuthentication });
  const role = (scope: Stack, id: string) => new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const svc = new Stack(app, 'Service', { env: ENV });

  // Secret-based auth with IAM required for clients, and a task role in another stack granted connect.
  const secretsCluster = cluster('SecretsCluster');
  const secretsProxy = secretsCluster.addProxy('Proxy', { vpc, vpcSubnets, secrets: [secretsCluster.secret!], iamAuth: true });
  secretsProxy.grantConnect(role(svc, 'TaskRole'), 'app_user');

  // End-to-end IAM: the client role and the proxy's role (to the cluster) are granted.
  const e2eCluster = cluster('E2eCluster');
  const e2eProxy = new rds.DatabaseProxy(data, 'E2eProxy', { proxyTarget: rds.ProxyTarget.fromCluster(e2eCluster), vpc, vpcSubnets, defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH });
  e2eProxy.grantConnect(role(svc, 'E2eTaskRole'), 'app_user');
  e2eCluster.grantConnect(e2eProxy.node.findChild('IAMRole') as iam.Role, 'app_user');

  // The shipped defect: IAM required, nobody granted (and, end to end, the proxy role not granted either).
  const lonelyCluster = cluster('LonelyCluster');
  const lonelyProxy = lonelyCluster.addProxy('Proxy', { vpc, vpcSubnets, secrets: [lonelyCluster.secret!], iamAuth: true });
  const lonelyE2e = new rds.DatabaseProxy(data, 'LonelyE2eProxy', { proxyTarget: rds.ProxyTarget.fromCluster(cluster('LonelyE2eCluster')), vpc, vpcSubnets, defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH });

  // Fooling attempts, each on its own proxy: an ARN built from the proxy's endpoint, a grant on another
  // proxy's ID, a grant with a condition the rule cannot prove, a grant undone by an explicit Deny.
  const foolProxy = (id: string) => {
    const c = cluster(`${id}Cluster`);
    return c.addProxy('Proxy', { vpc, vpcSubnets, secrets: [c.secret!], iamAuth: true });
  };
  const endpointProxy = foolProxy('Endpoint');
  role(svc, 'EndpointRole').addToPolicy(
    new iam.PolicyStatement({ actions: ['rds-db:connect'], resources: [`arn:aws:rds-db:${ENV.region}:${ENV.account}:dbuser:${endpointProxy.endpoint}/app_user`] }),
  );
  const otherIdProxy = foolProxy('OtherId');
  // Granted on the first proxy's ID only.
  secretsProxy.grantConnect(role(svc, 'OtherIdRole'), 'app_user');
  const conditionalProxy = foolProxy('Conditional');
  role(svc, 'ConditionalRole').addToPolicy(new iam.PolicyStatement({ actions: ['rds-db:connect'], resources: ['*'], conditions: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }));
  const deniedProxy = foolProxy('Denied');
  const denied = role(svc, 'DeniedRole');
  deniedProxy.grantConnect(denied, 'app_user');
  denied.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['rds-db:*'], resources: ['*'] }));

  // End to end on a cluster without IAM database authentication: every grant in place, no login.
  const noIamCluster = cluster('NoIamCluster', false);
  const noIamProxy = new rds.DatabaseProxy(data, 'NoIamProxy', { proxyTarget: rds.ProxyTarget.fromCluster(noIamCluster), vpc, vpcSubnets, defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH });
  noIamProxy.grantConnect(role(svc, 'NoIamTaskRole'), 'app_user');
  noIamCluster.grantConnect(noIamProxy.node.findChild('IAMRole') as iam.Role, 'app_user');

  // Clusters without a proxy: IAM auth with a granted role, IAM auth with nobody, IAM auth off.
  const directCluster = cluster('DirectCluster');
  directCluster.grantConnect(role(svc, 'DirectRole'), 'app_user');
  const orphanCluster = cluster('OrphanCluster');
  const passwordCluster = cluster('PasswordCluster', false);

  return { app, f: { noIamProxy, secretsProxy, e2eProxy, lonelyProxy, lonelyE2e, endpointProxy, otherIdProxy, conditionalProxy, deniedProxy, directCluster, orphanCluster, passwordCluster, secretsCluster } };
}

describe('Readiness-DB-CLIENT-AUTH', () => {
  let app: App;
  let f: ReturnType<typeof userApp>['f'];

  beforeAll(() => {
    ({ app, f } = userApp());
  });

  test('proxies requiring IAM with a role that may connect (across stacks; end to end with the proxy role granted) are compliant', () => {
    expect(check(rule, f.secretsProxy)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.e2eProxy)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.directCluster)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('after synthesis (the client roles import the proxy ARN) the verdicts stay the same', () => {
    const { app: synthesized, f: g } = userApp();
    synthesized.synth();
    expect(check(rule, g.secretsProxy)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, g.e2eProxy)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, g.otherIdProxy)).toEqual([expect.stringMatching(/no IAM role has rds-db:connect/)]);
  });

  test('a cluster behind a proxy, or without IAM authentication, is not applicable', () => {
    expect(check(rule, f.secretsCluster)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    expect(check(rule, f.passwordCluster)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('IAM required and nobody granted: the finding names the property and the value', () => {
    expect(check(rule, f.lonelyProxy)).toEqual([expect.stringMatching(/^Auth\[0\]\.IAMAuth = "REQUIRED": no IAM role has rds-db:connect on .*dbuser:<LonelyClusterProxy[0-9A-F]+ ID>/)]);
    expect(check(rule, f.lonelyE2e)).toEqual([
      expect.stringMatching(/^DefaultAuthScheme = "IAM_AUTH": no IAM role has rds-db:connect/),
      expect.stringMatching(/^RoleArn: the proxy role may not rds-db:connect to LonelyE2eCluster[0-9A-F]+/),
    ]);
    expect(check(rule, f.orphanCluster)).toEqual([expect.stringMatching(/^EnableIAMDatabaseAuthentication = true, .*DBClusterResourceId/)]);
  });

  test('end to end, a target without IAM database authentication counts against the proxy', () => {
    expect(check(rule, f.noIamProxy)).toEqual([expect.stringMatching(/^DefaultAuthScheme = "IAM_AUTH": the target NoIamCluster[0-9A-F]+ does not set EnableIAMDatabaseAuthentication = true/)]);
  });

  test.each([
    ['an ARN built from the proxy endpoint', 'endpointProxy'],
    ["a grant on another proxy's ID", 'otherIdProxy'],
    ['a grant undone by an explicit Deny', 'deniedProxy'],
    ['a grant with a condition the rule cannot prove', 'conditionalProxy'],
  ] as const)('%s does not count', (_name, fixture) => {
    expect(check(rule, f[fixture])).toEqual([expect.stringMatching(/no IAM role has rds-db:connect/)]);
  });

  test('the Readiness pack flags exactly the databases no client can log in to', () => {
    const report = new ReadinessChecks(undefined, { stage: 'prod', rules: [rule] }).validateScope(app);
    const flagged = report.violations
      .filter((v) => v.ruleName === ruleIdOf(rule))
      .flatMap((v) => v.violatingResources.map((r) => r.constructPath!.split('/').slice(0, 3).join('/')));
    expect(new Set(flagged)).toEqual(
      new Set([
        'Data/LonelyCluster/Proxy',
        'Data/LonelyE2eProxy/Resource',
        'Data/EndpointCluster/Proxy',
        'Data/OtherIdCluster/Proxy',
        'Data/DeniedCluster/Proxy',
        'Data/ConditionalCluster/Proxy',
        'Data/OrphanCluster/Resource',
        'Data/NoIamProxy/Resource',
      ]),
    );
  });
});
