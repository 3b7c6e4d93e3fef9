import { CfnElement, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ResilientPostgres, ResilientPostgresProps } from '../../../lib/constructs/database/resilient-postgres';
import { PROD } from '../../../lib/config/stages';
import { DatabaseBackedUp } from '../../../lib/aspects/rules/database/database-backed-up';
import { DatabaseHighlyAvailable } from '../../../lib/aspects/rules/database/database-highly-available';
import { DatabasePooledWithTls } from '../../../lib/aspects/rules/database/database-pooled-with-tls';
import { StatefulResourcesRetained } from '../../../lib/aspects/rules/retention/stateful-resources-retained';
import { buildStage, newTestApp } from '../../helpers/synth';
import { ENV, THREE_AZS, threeTierVpc as vpcWith } from '../../helpers/vpc';


function only(template: Template, type: string): { id: string; resource: any } {
  const found = template.findResources(type);
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: found[ids[0]] };
}

/** The logical ID a construct's resource gets in its template (after any override). */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).resolve((construct.node.defaultChild as CfnElement).logicalId);
}

/** Every [key, value] pair in a template, at any depth. */
function* entries(node: unknown): Generator<[string, unknown]> {
  if (Array.isArray(node)) for (const item of node) yield* entries(item);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      yield [key, value];
      yield* entries(value);
    }
  }
}

describe('ResilientPostgres in the prod Data stack', () => {
  let stack: Stack;
  let db: ResilientPostgres;
  let template: Template;
  let json: any;
  let clusterId: string;
  let cluster: any;
  let instances: Record<string, any>;
  let keyId: string;
  let secretId: string;

  beforeAll(() => {
    const { stage } = buildStage(PROD);
    stack = stage.data;
    db = stage.data.database;
    template = Template.fromStack(stage.data);
    json = template.toJSON();
    ({ id: clusterId, resource: cluster } = only(template, 'AWS::RDS::DBCluster'));
    instances = template.findResources('AWS::RDS::DBInstance');
    keyId = logicalId(db.encryptionKey);
    // db.secret is the attached secret; the generated AWS::SecretsManager::Secret is its target.
    secretId = logicalId(db.cluster.node.findChild('Secret'));
  });

  test('the credentials secret denies reading and rotating outside the data stack and CDK deployments: clients log in with IAM, never with it', () => {
    const policies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy')) as any[];
    const onDbSecret = policies.filter((p) => JSON.stringify(p.Properties.SecretId).includes('DatabaseClusterSecret'));
    expect(onDbSecret).toHaveLength(1);
    const deny = onDbSecret[0].Properties.ResourcePolicy.Statement.find((st: { Sid?: string }) => st.Sid === 'DenyOutsideAllowedRoles');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(deny.Action).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']));
    const allowed = JSON.stringify(deny.Condition.ArnNotLike['aws:PrincipalArn']);
    // The data stack (rotation, the app-user bootstrap) and CDK deployments. The service stack connects
    // with IAM tokens as the application user: its roles must not read the master credentials.
    expect(allowed).toContain(':role/Prod-Data-*');
    expect(allowed).not.toContain(':role/Prod-Service-*');
    expect(allowed).toContain(':role/cdk-*-cfn-exec-role-*');
    expect(allowed).not.toContain(':role/Prod-Observability-*');
  });

  test('pins the logical IDs of the stateful database resources (a change here replaces them)', () => {
    const ids = (type: string) => Object.keys(template.findResources(type)).sort();
    expect(ids('AWS::RDS::DBCluster')).toEqual(['DatabaseCluster5B53A178']);
    expect(ids('AWS::RDS::DBInstance')).toEqual(['DatabaseClusterReader1D8B76102', 'DatabaseClusterReader26C65DE14', 'DatabaseClusterWriterD43085C6']);
    expect(ids('AWS::RDS::DBClusterParameterGroup')).toEqual(['DatabaseParameterGroup2A921026']);
    expect(ids('AWS::RDS::DBSubnetGroup')).toEqual(['DatabaseClusterSubnets5540150D']);
    expect(keyId).toBe('DatabaseKey5E5D9547');
    expect(secretId).toBe('ProdDataDatabaseClusterSecret2B0E0A753fdaad7efa858a3daf9490cf0a702aeb');
    expect(ids('AWS::SecretsManager::Secret')).toContain(secretId);
    expect(Object.keys(template.findResources('AWS::RDS::DBProxy'))).toEqual(['DatabaseProxyE01FC4E6']);
  });

  test('Aurora PostgreSQL 17 on the configured port (not 5432) with IAM database authentication', () => {
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      EngineVersion: expect.stringMatching(/^17\.\d+$/),
      Port: PROD.database.port,
      EnableIAMDatabaseAuthentication: true,
    });
    expect(cluster.Properties.Port).not.toBe(5432);
    expect(db.port).toBe(PROD.database.port);
  });

  test('a writer and two readers of the configured class in three distinct AZs, with promotion tiers', () => {
    const list = Object.values(instances);
    expect(list).toHaveLength(1 + PROD.database.readers);
    for (const i of list) {
      expect(i.Properties).toMatchObject({
        DBClusterIdentifier: { Ref: clusterId },
        DBInstanceClass: `db.${PROD.database.instanceType}`,
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
      });
    }
    expect(new Set(list.map((i) => i.Properties.AvailabilityZone))).toEqual(new Set(PROD.availabilityZones));
    expect(instances.DatabaseClusterWriterD43085C6.Properties.PromotionTier).toBe(0);
    expect(instances.DatabaseClusterReader1D8B76102.Properties.PromotionTier).toBe(1);
    expect(instances.DatabaseClusterReader26C65DE14.Properties.PromotionTier).toBe(2);
  });

  test('reader autoscaling tracks reader CPU on ReadReplicaCount, bounded by config, after the instances exist', () => {
    const { id: targetId, resource: target } = only(template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties).toMatchObject({
      ServiceNamespace: 'rds',
      ScalableDimension: 'rds:cluster:ReadReplicaCount',
      ResourceId: { 'Fn::Join': ['', ['cluster:', { Ref: clusterId }]] },
      MinCapacity: PROD.database.minReaders,
      MaxCapacity: PROD.database.maxReaders,
    });
    expect(target.DependsOn).toEqual(expect.arrayContaining([clusterId, ...Object.keys(instances)]));
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: targetId },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'RDSReaderAverageCPUUtilization' },
        TargetValue: PROD.database.readerCpuTargetPercent,
      },
    });
    // Application Auto Scaling uses its service-linked role: no extra IAM role for scaling.
    expect(JSON.stringify(target.Properties.RoleARN)).toContain('AWSServiceRoleForApplicationAutoScaling_RDSCluster');
  });

  test('RDS Proxy in front of the cluster requires TLS and end-to-end IAM auth (no password path), with a read-only endpoint', () => {
    const { id: proxyId, resource: proxy } = only(template, 'AWS::RDS::DBProxy');
    // IAM_AUTH: clients present an IAM token, the proxy logs in to the cluster with its own. No Auth
    // entry means no secret, so no user (the master included) can log in through it with a password.
    expect(proxy.Properties.Auth).toBeUndefined();
    expect(proxy.Properties).toMatchObject({
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      DefaultAuthScheme: 'IAM_AUTH',
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(db.proxySecurityGroup), 'GroupId'] }],
    });
    expect(proxy.Properties.DBProxyName).toMatch(/^ProdData-Database-[0-9A-F]+-proxy$/);
    template.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      DBProxyName: { Ref: proxyId },
      DBClusterIdentifiers: [{ Ref: clusterId }],
    });
    template.hasResourceProperties('AWS::RDS::DBProxyEndpoint', { DBProxyName: { Ref: proxyId }, TargetRole: 'READ_ONLY' });
  });

  test('storage, secret and Performance Insights are encrypted with one customer-managed key that rotates', () => {
    expect(json.Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
    expect(cluster.Properties).toMatchObject({
      StorageEncrypted: true,
      KmsKeyId: keyArn,
      PerformanceInsightsEnabled: true,
      PerformanceInsightsKmsKeyId: keyArn,
      PerformanceInsightsRetentionPeriod: 7,
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyArn, GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }) });
  });

  test('backups kept 14 days (point-in-time window), deletion protection, final snapshot, tags copied to snapshots', () => {
    expect(cluster.Properties).toMatchObject({
      BackupRetentionPeriod: PROD.database.backupRetentionDays,
      DeletionProtection: true,
      CopyTagsToSnapshot: true,
      DeleteAutomatedBackups: false,
    });
    expect(cluster.Properties.BackupRetentionPeriod).toBe(14);
    expect(cluster.DeletionPolicy).toBe('Snapshot');
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot');
    expect(json.Resources[secretId].DeletionPolicy).toBe('Retain');
  });

  test('the cluster parameter group forces TLS and logs slow statements', () => {
    const { id, resource } = only(template, 'AWS::RDS::DBClusterParameterGroup');
    expect(resource.Properties).toMatchObject({
      Family: 'aurora-postgresql17',
      Parameters: { 'rds.force_ssl': '1', log_min_duration_statement: String(PROD.database.slowQueryMs), ssl_min_protocol_version: 'TLSv1.2' },
    });
    expect(cluster.Properties.DBClusterParameterGroupName).toEqual({ Ref: id });
  });

  test('postgresql logs go to CloudWatch Logs with the configured retention', () => {
    expect(cluster.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql']);
    template.hasResourceProperties('Custom::LogRetention', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/rds/cluster/', { Ref: clusterId }, '/postgresql']] },
      RetentionInDays: PROD.database.logRetentionDays,
    });
  });

  test('enhanced monitoring at the configured interval on every instance', () => {
    const roleId = logicalId(db.cluster.node.findChild('MonitoringRole'));
    for (const i of Object.values(instances)) {
      expect(i.Properties).toMatchObject({
        MonitoringInterval: PROD.database.monitoringIntervalSeconds,
        MonitoringRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      });
    }
  });

  test('the password is generated into Secrets Manager and only a dynamic reference reaches the cluster', () => {
    expect(cluster.Properties.MasterUserPassword).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:password::}}']],
    });
    // Settings that name passwords without holding one: the generator's length, the proxy's auth type.
    const settings = ['PasswordLength', 'ClientPasswordAuthType'];
    const passwordFields = [...entries(json)].filter(([key]) => /password/i.test(key) && !settings.includes(key));
    expect(passwordFields.length).toBeGreaterThan(0);
    for (const [key, value] of passwordFields) {
      expect({ key, literal: typeof value === 'string' }).toEqual({ key, literal: false });
      expect(JSON.stringify(value)).toContain('{{resolve:secretsmanager:');
    }
    // The only password text in the template is the generator's settings.
    expect(JSON.stringify(json)).not.toMatch(/"MasterUserPassword":"[^{]/);
  });

  test('single-user rotation every 30 days, CMK-aware, from the subnets with egress', () => {
    const attachment = logicalId(db.cluster.node.findChild('Secret').node.findChild('Attachment'));
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: attachment },
      RotationRules: { ScheduleExpression: `rate(${PROD.database.credentialRotationDays} days)` },
    });
    const { resource: app } = only(template, 'AWS::Serverless::Application');
    expect(app.Properties.Parameters.kmsKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(JSON.stringify(app.Properties.Parameters.vpcSubnetIds)).toMatch(/PrivateSubnet1/);
    expect(JSON.stringify(app.Properties.Parameters.vpcSubnetIds)).not.toMatch(/DataSubnet/);
  });

  test('instances and proxy sit in the isolated subnets', () => {
    const { resource: subnets } = only(template, 'AWS::RDS::DBSubnetGroup');
    expect(JSON.stringify(subnets.Properties.SubnetIds)).toMatch(/DataSubnet1.*DataSubnet2.*DataSubnet3/);
    const { resource: proxy } = only(template, 'AWS::RDS::DBProxy');
    expect(JSON.stringify(proxy.Properties.VpcSubnetIds)).toMatch(/DataSubnet1.*DataSubnet2.*DataSubnet3/);
  });

  test('the security groups admit only security groups (proxy, rotation function, app-user bootstrap), never an address range', () => {
    const dbGroups = [db.securityGroup, db.proxySecurityGroup].map((g) => logicalId(g));
    for (const id of dbGroups) {
      expect(json.Resources[id].Properties.SecurityGroupIngress).toBeUndefined();
      // allowAllOutbound: false renders CDK's no-traffic placeholder, never 0.0.0.0/0.
      expect(JSON.stringify(json.Resources[id].Properties.SecurityGroupEgress ?? [])).not.toContain('0.0.0.0/0');
    }
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((r: any) =>
      dbGroups.includes(r.Properties.GroupId?.['Fn::GetAtt']?.[0]),
    );
    expect(ingress.length).toBeGreaterThan(0);
    for (const rule of ingress as any[]) {
      expect(rule.Properties.CidrIp).toBeUndefined();
      expect(rule.Properties.CidrIpv6).toBeUndefined();
      expect(rule.Properties.SourceSecurityGroupId).toBeDefined();
    }
    const clusterSources = ingress
      .filter((r: any) => r.Properties.GroupId['Fn::GetAtt'][0] === dbGroups[0])
      .map((r: any) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0])
      .sort();
    expect(clusterSources).toEqual(
      [dbGroups[1], logicalId(db.secretRotation.node.findChild('SecurityGroup')), logicalId(db.appUserBootstrap.securityGroup)].sort(),
    );
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged on the database or the log-retention function it brings', () => {
    const report = new AwsSolutionsChecks(stack).validateScope(stack);
    const ours = report.violations.flatMap((v) =>
      v.violatingResources.filter((r) => /\/Data\/(Database|LogRetention)/.test(r.constructPath ?? '')).map((r) => `${v.ruleName} ${r.constructPath}`),
    );
    expect(ours).toEqual([]);
  });

  test('the data-tier readiness rules find the cluster highly available, backed up, pooled with TLS and retained', () => {
    const ctx = { stage: 'prod' as const, minBackupRetentionDays: PROD.database.backupRetentionDays, maxRotationDays: 30, settings: {} };
    const cfnCluster = db.cluster.node.defaultChild as CfnResource;
    for (const rule of [DatabaseHighlyAvailable, DatabaseBackedUp, DatabasePooledWithTls, StatefulResourcesRetained]) {
      expect([rule.id, rule.check(cfnCluster, ctx)]).toEqual([rule.id, 'Compliant']);
    }
    expect(StatefulResourcesRetained.check(db.encryptionKey.node.defaultChild as CfnResource, ctx)).toBe('Compliant');
  });

  test('exposes the endpoints, port and resources as typed properties', () => {
    expect(stack.resolve(db.writerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] });
    expect(stack.resolve(db.readerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [clusterId, 'ReadEndpoint.Address'] });
    expect(stack.resolve(db.proxyEndpoint)).toEqual({ 'Fn::GetAtt': ['DatabaseProxyE01FC4E6', 'Endpoint'] });
    expect(stack.resolve(db.proxyReadOnlyEndpoint)).toEqual({ 'Fn::GetAtt': ['DatabaseProxyReadOnly9BD9431F', 'Endpoint'] });
    expect(stack.resolve(db.cluster.clusterIdentifier)).toEqual({ Ref: clusterId });
    expect(stack.resolve(db.proxy.dbProxyName)).toEqual({ Ref: 'DatabaseProxyE01FC4E6' });
    expect(db.port).toBe(5433);
  });
});

describe('ResilientPostgres defaults, consumers in other stacks, and grants', () => {
  let data: Stack;
  let svc: Stack;
  let db: ResilientPostgres;
  let dataTemplate: Template;
  let svcTemplate: Template;
  let sameStackPeer: ec2.SecurityGroup;

  beforeAll(() => {
    const app = newTestApp();
    const net = new Stack(app, 'Net', { env: ENV });
    const vpc = vpcWith(net);
    const adminSg = new ec2.SecurityGroup(net, 'Admin', { vpc });
    data = new Stack(app, 'Data', { env: ENV });
    db = new ResilientPostgres(data, 'Database', { vpc, allowedSecurityGroups: [adminSg] });
    sameStackPeer = new ec2.SecurityGroup(data, 'Migrations', { vpc });
    db.allowConnectionsFrom(sameStackPeer);

    svc = new Stack(app, 'Service', { env: ENV });
    const appSg = new ec2.SecurityGroup(svc, 'App', { vpc, allowAllOutbound: false });
    db.allowConnectionsFrom(appSg);
    db.allowConnectionsFrom(appSg); // idempotent
    const role = new iam.Role(svc, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    db.grantConnect(role, 'app_user');
    db.grantAppConnect(new iam.Role(svc, 'AppTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') }));

    svcTemplate = Template.fromStack(svc);
    dataTemplate = Template.fromStack(data);
  });

  test('production-safe defaults without config: 2 readers, 14-day backups, port 5433, 1-year logs, 30-day rotation', () => {
    dataTemplate.resourceCountIs('AWS::RDS::DBInstance', 3);
    dataTemplate.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({ BackupRetentionPeriod: 14, Port: 5433, DeletionProtection: true, StorageEncrypted: true, EngineVersion: '17.9' }),
      DeletionPolicy: 'Snapshot',
    });
    dataTemplate.hasResourceProperties('Custom::LogRetention', { RetentionInDays: 365 });
    dataTemplate.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    dataTemplate.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    dataTemplate.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: Match.objectLike({ log_min_duration_statement: '500' }) });
    dataTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('groups given at construction and same-stack peers are admitted in the data stack', () => {
    const dbGroups = [db.proxySecurityGroup, db.securityGroup].map((g) => logicalId(g));
    for (const groupId of dbGroups) {
      dataTemplate.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('Admin.*GroupId') },
        FromPort: 5433,
        ToPort: 5433,
      });
      dataTemplate.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(sameStackPeer), 'GroupId'] },
      });
    }
  });

  test('a consumer in another stack gets its ingress rules in its own stack: the data stack never references it', () => {
    const rules = svcTemplate.findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.keys(rules)).toHaveLength(2);
    for (const rule of Object.values<any>(rules)) {
      expect(rule.Properties).toMatchObject({
        GroupId: { 'Fn::ImportValue': expect.stringMatching(/^Data:/) },
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^App/), 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 5433,
        ToPort: 5433,
      });
    }
    expect(JSON.stringify(dataTemplate.toJSON())).not.toContain('Service:');
    // The consumer's group has no open egress, so it gets egress to both database groups.
    svcTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('DatabaseProxySecurityGroup') }, FromPort: 5433 }),
        Match.objectLike({ DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('DatabaseSecurityGroup') }, FromPort: 5433 }),
      ]),
    });
  });

  test('grantConnect allows rds-db:connect as the user through the proxy and on the cluster', () => {
    const statements = Object.values<any>(svcTemplate.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(svc.node.findChild('TaskRole')) }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const connect = statements.filter((s) => s.Action === 'rds-db:connect');
    expect(connect).toHaveLength(2);
    const resources = connect.map((s) => JSON.stringify(s.Resource));
    expect(resources.some((r) => r.includes('DBProxyArn') && r.includes('/app_user'))).toBe(true);
    expect(resources.some((r) => r.includes('DBClusterResourceId') && r.includes('/app_user'))).toBe(true);
  });

  test('grantAppConnect allows rds-db:connect as the application user through the proxy only', () => {
    const statements = Object.values(svcTemplate.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes('AppTaskRole'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('rds-db:connect');
    expect(JSON.stringify(statements[0].Resource)).toMatch(/DBProxyArn.*\/app_user/);
  });

  test('grantConnect rejects a user name that is not a PostgreSQL role name', () => {
    const role = new iam.Role(svc, 'OtherRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => db.grantConnect(role, 'app user; drop')).toThrow(/dbUser.*"app user; drop"/);
  });
});

describe('ResilientPostgres prop validation', () => {
  let n = 0;
  const build = (props: Partial<ResilientPostgresProps>, azs: string[] = THREE_AZS) => {
    const stack = new Stack(newTestApp(), `S${n++}`, { env: ENV });
    return () => new ResilientPostgres(stack, 'Database', { vpc: vpcWith(stack, azs), ...props });
  };

  test.each<[string, Partial<ResilientPostgresProps>, RegExp]>([
    ['readers', { readers: 0 }, /readers = 0: use 1 to 15 readers/],
    ['minReaders', { readers: 2, minReaders: 4, maxReaders: 3 }, /minReaders = 4: .*no more than maxReaders/],
    ['maxReaders', { readers: 3, maxReaders: 2 }, /maxReaders = 2: .*at least readers/],
    ['maxReaders above the Aurora limit', { maxReaders: 16 }, /maxReaders = 16/],
    ['readerCpuTargetPercent', { readerCpuTargetPercent: 95 }, /readerCpuTargetPercent = 95/],
    ['backupRetention too long', { backupRetention: Duration.days(40) }, /backupRetention = 40: keep backups 1 to 35/],
    ['backupRetention zero', { backupRetention: Duration.days(0) }, /backupRetention = 0/],
    ['backupRetention not whole days', { backupRetention: Duration.hours(36) }, /backupRetention = 1\.5/],
    ['credentialRotation', { credentialRotation: Duration.days(45) }, /credentialRotation = 45: rotate credentials every 1 to 30/],
    ['port default', { port: 5432 }, /port = 5432: .*other than the default 5432/],
    ['port range', { port: 80 }, /port = 80/],
    ['slowQueryThreshold', { slowQueryThreshold: Duration.millis(0) }, /slowQueryThreshold = 0/],
    ['monitoringInterval', { monitoringInterval: Duration.seconds(20) }, /monitoringInterval = 20: use 1, 5, 10, 15, 30 or 60/],
    ['logRetention', { logRetention: logs.RetentionDays.INFINITE }, /logRetention = 9999/],
    ['masterUsername', { masterUsername: 'rdsadmin' }, /masterUsername = "rdsadmin"/],
    ['appUser not a role name', { appUser: 'app-user' }, /appUser = "app-user": use a PostgreSQL role name/],
    ['appUser is the master user', { masterUsername: 'dbadmin', appUser: 'DBADMIN' }, /appUser = "DBADMIN": .*not the master user/],
    ['appUser reserved', { appUser: 'rds_iam' }, /appUser = "rds_iam"/],
    ['appSchema', { appSchema: 'pg_app' }, /appSchema = "pg_app"/],
    ['preferredBackupWindow', { preferredBackupWindow: '3am' }, /preferredBackupWindow = "3am"/],
    ['preferredMaintenanceWindow', { preferredMaintenanceWindow: 'sunday' }, /preferredMaintenanceWindow = "sunday"/],
  ])('%s', (_name, props, error) => {
    expect(build(props)).toThrow(error);
  });

  test('vpcSubnets in one AZ cannot hold a writer and a reader in distinct zones', () => {
    expect(build({}, ['eu-west-1a'])).toThrow(/vpcSubnets = \["eu-west-1a"\]: select subnets in at least 2 availability zones/);
  });

  test('one error lists every bad value with its fix', () => {
    let message = '';
    try {
      build({ readerCpuTargetPercent: 5, backupRetention: Duration.days(36), credentialRotation: Duration.days(31), port: 5432 })();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\(4 problems\)/);
    expect(message).toMatch(/readerCpuTargetPercent = 5/);
    expect(message).toMatch(/backupRetention = 36/);
    expect(message).toMatch(/credentialRotation = 31/);
    expect(message).toMatch(/port = 5432/);
  });

  test('valid props build', () => {
    expect(build({ readers: 1, minReaders: 1, maxReaders: 15, backupRetention: Duration.days(35), credentialRotation: Duration.days(1), port: 6543 })).not.toThrow();
  });
});
