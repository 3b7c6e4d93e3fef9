import { CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  AUTH_TOKEN_EXCLUDED_CHARACTERS,
  ResilientRedis,
  ResilientRedisProps,
} from '../../../lib/constructs/cache/resilient-redis';
import { PROD } from '../../../lib/config/stages';
import { buildStage, newTestApp } from '../../helpers/synth';
import { ENV, THREE_AZS, threeTierVpc as isolatedVpc } from '../../helpers/vpc';


/** The one resource of `type` under `scope` (other constructs may share the stack). */
function onlyResource(template: Template, type: string, scope?: Construct): { id: string; resource: any } {
  const found = template.findResources(type);
  const mine = scope
    ? new Set(
        scope.node
          .findAll()
          .filter((c): c is CfnElement => CfnElement.isCfnElement(c))
          .map((c) => Stack.of(c).getLogicalId(c)),
      )
    : undefined;
  const ids = Object.keys(found).filter((id) => !mine || mine.has(id));
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: found[ids[0]] };
}

describe('ResilientRedis in the prod Data stack', () => {
  let template: Template;
  let json: any;
  let data: Stack;
  let cache: ResilientRedis;
  let rg: any;

  beforeAll(() => {
    const { stage } = buildStage(PROD);
    data = stage.data;
    cache = stage.data.cache;
    template = Template.fromStack(stage.data);
    json = template.toJSON();
    rg = onlyResource(template, 'AWS::ElastiCache::ReplicationGroup', cache).resource;
  });

  test('automatic failover and Multi-AZ on, one shard with 2 replicas spread over 3 zones', () => {
    expect(rg.Properties).toMatchObject({
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      ClusterMode: 'disabled',
      NumCacheClusters: PROD.cache.replicasPerShard + 1,
    });
    expect(rg.Properties.NumCacheClusters).toBe(3);
    expect(new Set(rg.Properties.PreferredCacheClusterAZs)).toEqual(new Set(PROD.availabilityZones));
    expect(rg.Properties.NumNodeGroups).toBeUndefined();
    expect(rg.Properties.NodeGroupConfiguration).toBeUndefined();
  });

  test('engine, version, node type and the non-default port come from config', () => {
    expect(rg.Properties).toMatchObject({
      Engine: 'valkey',
      EngineVersion: '8.1',
      CacheNodeType: PROD.cache.nodeType,
      Port: PROD.cache.port,
    });
    expect(rg.Properties.Port).not.toBe(6379);
  });

  test('encryption at rest uses the customer-managed key; TLS is required in transit', () => {
    const key = onlyResource(template, 'AWS::KMS::Key', cache);
    expect(rg.Properties).toMatchObject({
      AtRestEncryptionEnabled: true,
      KmsKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] },
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
    expect(key.resource.Properties.EnableKeyRotation).toBe(true);
    expect(key.resource.DeletionPolicy).toBe('Retain');
  });

  test('the AUTH token is a Secrets Manager dynamic reference to a CMK-encrypted generated secret', () => {
    const secret = onlyResource(template, 'AWS::SecretsManager::Secret', cache);
    const key = onlyResource(template, 'AWS::KMS::Key', cache);
    expect(rg.Properties.AuthToken).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret.id }, ':SecretString:authToken::}}']],
    });
    expect(secret.resource.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [key.id, 'Arn'] });
    expect(secret.resource.Properties.SecretString).toBeUndefined();
    expect(secret.resource.Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'authToken',
      PasswordLength: 64,
      IncludeSpace: false,
    });
    expect(secret.resource.DeletionPolicy).toBe('Retain');
  });

  test('no AUTH token literal anywhere in the template: the only AuthToken is the dynamic reference', () => {
    const secretId = onlyResource(template, 'AWS::SecretsManager::Secret', cache).id;
    const references = JSON.stringify(json).split(`"{{resolve:secretsmanager:",{"Ref":"${secretId}"}`).length - 1;
    expect(references).toBe(1);
    expect(JSON.stringify(rg.Properties).match(/\{\{resolve:secretsmanager:/g)).toHaveLength(1);
    expect(typeof rg.Properties.AuthToken).not.toBe('string');
    // No other resource or output carries a secret-valued property.
    const keysOf = (value: unknown): string[] =>
      value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)])
        : [];
    for (const [id, resource] of Object.entries<any>(json.Resources)) {
      if (resource.Type === 'AWS::ElastiCache::ReplicationGroup') continue;
      const secretKeys = keysOf(resource.Properties).filter((k) => ['AuthToken', 'Password', 'SecretString'].includes(k));
      expect([id, secretKeys]).toEqual([id, []]);
    }
    // Outputs may export the secret's ARN (a Ref) for consumers, never its value.
    for (const output of Object.values<any>(json.Outputs ?? {})) {
      expect(JSON.stringify(output.Value)).not.toMatch(/resolve:secretsmanager|SecretString/);
    }
  });

  test('generated tokens only use characters ElastiCache accepts (letters, digits, ! & # $ ^ < > -)', () => {
    const secret = onlyResource(template, 'AWS::SecretsManager::Secret', cache);
    const excluded: string = secret.resource.Properties.GenerateSecretString.ExcludeCharacters;
    expect(excluded).toBe(AUTH_TOKEN_EXCLUDED_CHARACTERS);
    const printablePunctuation = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) => !/[A-Za-z0-9]/.test(c));
    const allowed = ['!', '&', '#', '$', '^', '<', '>', '-'];
    for (const c of printablePunctuation) {
      expect([c, excluded.includes(c)]).toEqual([c, !allowed.includes(c)]);
    }
  });

  test('daily snapshots kept 7 days in the configured window; maintenance window and minor upgrades', () => {
    expect(rg.Properties).toMatchObject({
      SnapshotRetentionLimit: PROD.cache.snapshotRetentionDays,
      SnapshotWindow: PROD.cache.snapshotWindow,
      PreferredMaintenanceWindow: PROD.cache.maintenanceWindow,
      AutoMinorVersionUpgrade: true,
    });
    expect(rg.Properties.SnapshotRetentionLimit).toBe(7);
  });

  test('slow log and engine log go to retained, encrypted log groups with the configured retention', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: PROD.cache.logRetentionDays, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
    const delivered = rg.Properties.LogDeliveryConfigurations;
    expect(delivered.map((d: any) => d.LogType).sort()).toEqual(['engine-log', 'slow-log']);
    for (const d of delivered) {
      expect(d).toMatchObject({ DestinationType: 'cloudwatch-logs', LogFormat: 'json' });
      const ref = d.DestinationDetails.CloudWatchLogsDetails.LogGroup.Ref;
      expect(Object.keys(groups)).toContain(ref);
      expect(rg.DependsOn).toContain(ref);
    }
  });

  test('its own subnet group over the isolated data subnets of every zone', () => {
    const subnetGroup = onlyResource(template, 'AWS::ElastiCache::SubnetGroup', cache);
    expect(rg.Properties.CacheSubnetGroupName).toEqual({ Ref: subnetGroup.id });
    const ids = subnetGroup.resource.Properties.SubnetIds;
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(JSON.stringify(id)).toMatch(/VpcDataSubnet\d/);
  });

  test('its own parameter group of the engine family, cluster mode off', () => {
    const params = onlyResource(template, 'AWS::ElastiCache::ParameterGroup', cache);
    expect(rg.Properties.CacheParameterGroupName).toEqual({ Ref: params.id });
    expect(params.resource.Properties).toMatchObject({
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'cluster-enabled': 'no' },
    });
  });

  test('its own security group admits only security groups on the cache port, and opens no egress', () => {
    const sgId = data.getLogicalId(cache.securityGroup.node.defaultChild as CfnElement);
    const sg = json.Resources[sgId];
    expect(rg.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
    ]);
    const ingressOnCache = Object.values<any>(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] }),
    );
    for (const rule of ingressOnCache) {
      expect(rule.Properties).toEqual(
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: PROD.cache.port, ToPort: PROD.cache.port, SourceSecurityGroupId: expect.anything() }),
      );
      expect(rule.Properties.CidrIp).toBeUndefined();
      expect(rule.Properties.CidrIpv6).toBeUndefined();
    }
  });

  test('DeletionPolicy and UpdateReplacePolicy are Snapshot, set explicitly', () => {
    expect(rg.DeletionPolicy).toBe('Snapshot');
    expect(rg.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('typed properties point at the replication group, its endpoints and the secret', () => {
    const rgId = onlyResource(template, 'AWS::ElastiCache::ReplicationGroup', cache).id;
    expect(data.resolve(cache.replicationGroupId)).toEqual({ Ref: rgId });
    expect(data.resolve(cache.primaryEndpointAddress)).toEqual({ 'Fn::GetAtt': [rgId, 'PrimaryEndPoint.Address'] });
    expect(data.resolve(cache.primaryEndpointPort)).toEqual({ 'Fn::GetAtt': [rgId, 'PrimaryEndPoint.Port'] });
    expect(data.resolve(cache.readerEndpointAddress)).toEqual({ 'Fn::GetAtt': [rgId, 'ReaderEndPoint.Address'] });
    expect(data.resolve(cache.readerEndpointPort)).toEqual({ 'Fn::GetAtt': [rgId, 'ReaderEndPoint.Port'] });
    expect(data.resolve(cache.authTokenSecret.secretArn)).toEqual({ Ref: onlyResource(template, 'AWS::SecretsManager::Secret', cache).id });
    expect(data.resolve(cache.encryptionKey.keyArn)).toEqual({ 'Fn::GetAtt': [onlyResource(template, 'AWS::KMS::Key', cache).id, 'Arn'] });
    expect(cache.replicationGroup.cfnResourceType).toBe('AWS::ElastiCache::ReplicationGroup');
    expect(cache.connections.defaultPort?.toString()).toBe(`${PROD.cache.port}`);
    expect(cache.port).toBe(PROD.cache.port);
  });

  describe('logical IDs of the stateful cache resources are pinned (a change replaces them and loses data)', () => {
    const PINNED: Record<string, string> = {
      Cache18F6EE16: 'AWS::ElastiCache::ReplicationGroup',
      CacheKeyCDF9DE27: 'AWS::KMS::Key',
      CacheAuthToken04672416: 'AWS::SecretsManager::Secret',
      CacheSubnetGroup355C216D: 'AWS::ElastiCache::SubnetGroup',
      CacheParameterGroup32BBAE3A: 'AWS::ElastiCache::ParameterGroup',
      CacheSlowLog43E55961: 'AWS::Logs::LogGroup',
      CacheEngineLogFEAEB291: 'AWS::Logs::LogGroup',
    };
    test.each(Object.entries(PINNED))('%s is a %s', (logicalId, type) => {
      expect(json.Resources[logicalId]?.Type).toBe(type);
    });
  });
});

describe('ResilientRedis with cluster mode on', () => {
  let template: Template;
  let stack: Stack;
  let cache: ResilientRedis;

  beforeAll(() => {
    const app = newTestApp();
    stack = new Stack(app, 'Sharded', { env: ENV });
    cache = new ResilientRedis(stack, 'Cache', {
      vpc: isolatedVpc(stack),
      engine: 'redis',
      clusterMode: true,
      shards: 3,
      replicasPerShard: 1,
      snapshotRetention: Duration.days(14),
      logRetention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    template = Template.fromStack(stack);
  });

  test('declares shards and replicas per shard, each shard spread over two zones', () => {
    const rg = onlyResource(template, 'AWS::ElastiCache::ReplicationGroup').resource;
    expect(rg.Properties).toMatchObject({
      ClusterMode: 'enabled',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 1,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      Engine: 'redis',
      EngineVersion: '7.1',
    });
    expect(rg.Properties.NumCacheClusters).toBeUndefined();
    expect(rg.Properties.PreferredCacheClusterAZs).toBeUndefined();
    const groups = rg.Properties.NodeGroupConfiguration;
    expect(groups.map((g: any) => g.NodeGroupId)).toEqual(['0001', '0002', '0003']);
    expect(new Set(groups.map((g: any) => g.PrimaryAvailabilityZone))).toEqual(new Set(THREE_AZS));
    for (const g of groups) {
      expect(g.ReplicaCount).toBe(1);
      expect(g.ReplicaAvailabilityZones).toHaveLength(1);
      expect(g.ReplicaAvailabilityZones).not.toContain(g.PrimaryAvailabilityZone);
    }
  });

  test('resharding happens online and the removal policy is the one asked for', () => {
    const rg = onlyResource(template, 'AWS::ElastiCache::ReplicationGroup').resource;
    expect(rg.UpdatePolicy).toEqual({ UseOnlineResharding: true });
    expect(rg.DeletionPolicy).toBe('Retain');
    expect(rg.Properties.SnapshotRetentionLimit).toBe(14);
  });

  test('the parameter group is of the redis7 family with cluster-enabled yes', () => {
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'redis7',
      Properties: { 'cluster-enabled': 'yes' },
    });
  });

  test('clients connect to the configuration endpoint; there is no reader endpoint', () => {
    const rgId = onlyResource(template, 'AWS::ElastiCache::ReplicationGroup').id;
    expect(stack.resolve(cache.primaryEndpointAddress)).toEqual({ 'Fn::GetAtt': [rgId, 'ConfigurationEndPoint.Address'] });
    expect(stack.resolve(cache.primaryEndpointPort)).toEqual({ 'Fn::GetAtt': [rgId, 'ConfigurationEndPoint.Port'] });
    expect(cache.readerEndpointAddress).toBeUndefined();
    expect(cache.clusterMode).toBe(true);
    for (const group of [cache.slowLogGroup, cache.engineLogGroup]) {
      const id = stack.getLogicalId(group.node.defaultChild as CfnElement);
      expect(template.toJSON().Resources[id].Properties.RetentionInDays).toBe(30);
    }
  });
});

describe('ResilientRedis admits a peer security group from a consumer stack without a cyclic reference', () => {
  let dataTemplate: Template;
  let serviceTemplate: Template;

  beforeAll(() => {
    const app = newTestApp();
    const dataStack = new Stack(app, 'Data', { env: ENV });
    const vpc = isolatedVpc(dataStack);
    const cache = new ResilientRedis(dataStack, 'Cache', { vpc });
    const serviceStack = new Stack(app, 'Service', { env: ENV });
    const serviceSg = new ec2.SecurityGroup(serviceStack, 'ServiceSg', { vpc, allowAllOutbound: false });
    // The consumer also reads the endpoint: the Service stack depends on the Data stack.
    new ec2.CfnSecurityGroup(serviceStack, 'Uses', { groupDescription: cache.primaryEndpointAddress, vpcId: vpc.vpcId });
    cache.allowConnectionsFrom(serviceSg);
    cache.allowConnectionsFrom(serviceSg); // idempotent
    // Synthesizing the whole app fails on a cycle between the two stacks.
    app.synth();
    dataTemplate = Template.fromStack(dataStack);
    serviceTemplate = Template.fromStack(serviceStack);
  });

  test('the ingress rule lives in the consumer stack, on the cache port only', () => {
    const ingress = serviceTemplate.findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.values(ingress)).toHaveLength(1);
    expect(Object.values<any>(ingress)[0].Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 6380,
      ToPort: 6380,
      GroupId: { 'Fn::ImportValue': expect.stringMatching(/CacheSecurityGroup/) },
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ServiceSg/), 'GroupId'] },
    });
    // The data stack never references the consumer stack.
    expect(JSON.stringify(dataTemplate.toJSON())).not.toMatch(/ServiceSg|"Fn::ImportValue":"Service/);
  });

  test('a peer without open egress gets an egress rule to the cache port, in its own stack', () => {
    serviceTemplate.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
    serviceTemplate.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      IpProtocol: 'tcp',
      FromPort: 6380,
      ToPort: 6380,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceSg'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::ImportValue': Match.stringLikeRegexp('CacheSecurityGroup') },
    });
    expect(Object.values<any>(dataTemplate.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => JSON.stringify(r))).not.toContainEqual(
      expect.stringMatching(/Service/),
    );
  });

  test('no ingress rule admits a CIDR range', () => {
    for (const t of [dataTemplate, serviceTemplate]) {
      const standalone = Object.values<any>(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
      const inline = Object.values<any>(t.findResources('AWS::EC2::SecurityGroup')).flatMap((r) => r.Properties.SecurityGroupIngress ?? []);
      for (const rule of [...standalone, ...inline]) {
        expect(rule.CidrIp).toBeUndefined();
        expect(rule.CidrIpv6).toBeUndefined();
      }
    }
  });
});

describe('ResilientRedis validates its props against a table', () => {
  function build(overrides: Partial<ResilientRedisProps> = {}, azs: string[] = THREE_AZS): ResilientRedis {
    const app = newTestApp();
    const stack = new Stack(app, 'V', { env: ENV });
    return new ResilientRedis(stack, 'Cache', { vpc: isolatedVpc(stack, azs), ...overrides });
  }

  test('the defaults are valid', () => {
    expect(() => build()).not.toThrow();
  });

  test.each<[string, Partial<ResilientRedisProps>, RegExp]>([
    ['engine', { engine: 'memcached' as any }, /engine = "memcached"/],
    ['engineVersion', { engine: 'redis', engineVersion: '6.2' }, /engineVersion = "6\.2"/],
    ['engineVersion format', { engineVersion: '8' }, /engineVersion = "8"/],
    ['nodeType', { nodeType: 'r7g.large' }, /nodeType = "r7g\.large"/],
    ['shards without cluster mode', { shards: 2 }, /shards = 2.*clusterMode/],
    ['shards with cluster mode', { clusterMode: true, shards: 501 }, /shards = 501/],
    ['replicas too few', { replicasPerShard: 0 }, /replicasPerShard = 0/],
    ['replicas too many', { replicasPerShard: 6 }, /replicasPerShard = 6/],
    ['nodes per group', { clusterMode: true, shards: 100, replicasPerShard: 5 }, /shards = 100.*500 nodes/],
    ['default port', { port: 6379 }, /port = 6379/],
    ['privileged port', { port: 80 }, /port = 80/],
    ['retention too long', { snapshotRetention: Duration.days(36) }, /snapshotRetention = 36/],
    ['retention zero', { snapshotRetention: Duration.days(0) }, /snapshotRetention = 0/],
    ['retention not whole days', { snapshotRetention: Duration.hours(36) }, /snapshotRetention = 1\.5/],
    ['snapshot window format', { snapshotWindow: '3:00-4:00' }, /snapshotWindow = "3:00-4:00"/],
    ['snapshot window length', { snapshotWindow: '03:00-03:30' }, /snapshotWindow = "03:00-03:30".*60 minutes/],
    ['maintenance window format', { maintenanceWindow: 'sunday:05:00-sunday:06:00' }, /maintenanceWindow = "sunday:05:00-sunday:06:00"/],
    ['maintenance window length', { maintenanceWindow: 'sun:05:00-sun:05:30' }, /maintenanceWindow = "sun:05:00-sun:05:30".*60 minutes/],
    ['windows overlap', { maintenanceWindow: 'mon:03:30-mon:04:30' }, /maintenanceWindow = "mon:03:30-mon:04:30".*overlapping/],
    [
      'windows overlap across midnight',
      { snapshotWindow: '23:30-00:30', maintenanceWindow: 'sat:23:00-sun:00:00' },
      /maintenanceWindow = "sat:23:00-sun:00:00".*overlapping/,
    ],
    ['removal policy', { removalPolicy: RemovalPolicy.DESTROY }, /removalPolicy = "destroy"/],
    ['cluster-enabled parameter', { parameters: { 'cluster-enabled': 'yes' } }, /parameters = \["cluster-enabled"\].*clusterMode/],
  ])('%s', (_name, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });

  test('subnets in one availability zone are refused (Multi-AZ needs two)', () => {
    expect(() => build({}, ['eu-west-1a'])).toThrow(/vpcSubnets = \["eu-west-1a"\]/);
  });

  test('windows that do not overlap are accepted, including a maintenance window that wraps the week', () => {
    expect(() => build({ snapshotWindow: '03:00-04:00', maintenanceWindow: 'sat:23:00-sun:01:00' })).not.toThrow();
  });

  test('one error lists every bad value with its fix', () => {
    let message = '';
    try {
      build({ port: 6379, replicasPerShard: 0, snapshotRetention: Duration.days(40), removalPolicy: RemovalPolicy.DESTROY });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/ResilientRedis V\/Cache is invalid \(4 problems\)/);
    expect(message).toMatch(/port = 6379: use a port/);
    expect(message).toMatch(/replicasPerShard = 0: use 1 to 5/);
    expect(message).toMatch(/snapshotRetention = 40: keep snapshots/);
    expect(message).toMatch(/removalPolicy = "destroy": use RemovalPolicy\.SNAPSHOT/);
  });
});
