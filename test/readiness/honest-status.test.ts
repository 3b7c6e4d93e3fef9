import { App, CfnResource, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as memorydb from 'aws-cdk-lib/aws-memorydb';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { READINESS_RULES } from '../../lib/aspects/rules';
import { StageConfig } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { errorListing, evaluateReadiness, ReadinessEvaluation } from '../../lib/readiness/gate';
import { renderMarkdown } from '../../lib/readiness/report';
import { ControlReport } from '../../lib/readiness/types';
import { NO_BUNDLING } from '../helpers/synth';

const NOW = new Date('2026-06-01T00:00:00Z');
const DATA_RULES = READINESS_RULES.filter((r) => ['DB-HA', 'DB-BACKUP', 'DB-POOLING', 'CACHE-HA', 'SECRET-ROTATION', 'DATA-RETENTION'].includes(r.id));
const CONFIG: StageConfig = { ...PROD, attestations: {} };

function evaluate(build: (stack: Stack) => void, options: { config?: StageConfig; gate?: 'launch'; rules?: typeof READINESS_RULES } = {}): ReadinessEvaluation {
  const app = new App({ context: NO_BUNDLING });
  build(new Stack(app, 'Orders'));
  return evaluateReadiness(app, { stage: 'prod', config: options.config ?? CONFIG, rules: options.rules ?? DATA_RULES, awsSolutions: false, nist: false, gate: options.gate, now: NOW });
}
const control = (e: ReadinessEvaluation, id: string): ControlReport => e.report.controls.find((c) => c.id === id)!;

function multiAzPostgres(stack: Stack, id: string, engine = 'postgres'): rds.CfnDBInstance {
  const db = new rds.CfnDBInstance(stack, id, {
    engine,
    dbInstanceClass: 'db.m6i.large',
    allocatedStorage: '100',
    multiAz: true,
    backupRetentionPeriod: 14,
    deletionProtection: true,
    storageEncrypted: true,
  });
  db.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
  return db;
}

describe('nothing to check is not-applicable, never ready', () => {
  let noDatabase: ReadinessEvaluation;
  beforeAll(() => {
    noDatabase = evaluate((s) => new sns.Topic(s, 'Events'));
  });

  test('a control whose rules found no resource is not-applicable, with the types it looked for', () => {
    expect(control(noDatabase, 'DB-HA')).toMatchObject({
      status: 'not-applicable',
      notApplicable: true,
      statusReason: expect.stringMatching(/^No resource of type AWS::RDS::DBCluster, AWS::RDS::DBInstance, AWS::DocDB::DBCluster/),
    });
    expect(control(noDatabase, 'CACHE-HA').statusReason).toMatch(/No resource of type .*AWS::MemoryDB::Cluster/);
  });

  test('the summary counts not-applicable apart, in total and per severity', () => {
    const { summary, controls } = noDatabase.report;
    const na = controls.filter((c) => c.status === 'not-applicable').length;
    expect(na).toBeGreaterThan(0);
    expect(summary.byStatus['not-applicable']).toBe(na);
    expect(summary.byStatus.ready).toBe(controls.filter((c) => c.status === 'ready').length);
    expect(Object.values(summary.byStatus).reduce((a, b) => a + b, 0)).toBe(summary.total);
    expect(summary.bySeverity.High['not-applicable']).toBe(controls.filter((c) => c.severity === 'High' && c.status === 'not-applicable').length);
  });

  test('the Markdown shows not applicable in the summary, per severity and per control', () => {
    const markdown = renderMarkdown(noDatabase.report);
    expect(markdown).toContain(`${noDatabase.report.summary.byStatus['not-applicable']} not applicable** of ${noDatabase.report.summary.total} controls`);
    expect(markdown).toMatch(/\| Severity \| ready \| conditional \| missing \| not applicable \|/);
    expect(markdown).toMatch(/DB-HA: Database high availability[^\n]*\| not applicable \| No resource of type/);
  });

  test('the compliant twin: a Multi-AZ database makes DB-HA ready', () => {
    const e = evaluate((s) => multiAzPostgres(s, 'Db'));
    expect(control(e, 'DB-HA').status).toBe('ready');
  });
});

describe('the launch gate: a Critical control that is not applicable must be declared', () => {
  const waf = READINESS_RULES.filter((r) => r.controlId === 'WAF');

  test('undeclared, it blocks the launch gate and fails synth', () => {
    const e = evaluate((s) => new sns.Topic(s, 'Events'), { rules: waf, gate: 'launch' });
    expect(control(e, 'WAF').status).toBe('not-applicable');
    expect(e.report.gate).toMatchObject({ launch: true, passed: false, blocking: expect.arrayContaining(['WAF']) });
    expect(e.launch.violations[0].description).toMatch(/not applicable without a declaration.*WAF/);
  });

  test('a Network Load Balancer, which no WAF rule covers, is nothing to check: not applicable, and it blocks', () => {
    const e = evaluate(
      (s) =>
        new elbv2.CfnLoadBalancer(s, 'Nlb', { type: 'network', scheme: 'internet-facing', subnets: ['subnet-1', 'subnet-2'] }),
      { rules: waf, gate: 'launch' },
    );
    expect(control(e, 'WAF')).toMatchObject({
      status: 'not-applicable',
      statusReason: expect.stringMatching(/^Nothing to check: its rules apply to none of the 1 resource of their types in scope \(AWS::ElasticLoadBalancingV2::LoadBalancer Orders\/Nlb\)/),
    });
    expect(e.report.gate!.blocking).toContain('WAF');
  });

  test('an HTTP API (API Gateway v2, no WAF association possible) makes WAF missing, not applicable', () => {
    const e = evaluate((s) => new CfnResource(s, 'HttpApi', { type: 'AWS::ApiGatewayV2::Api', properties: { Name: 'orders', ProtocolType: 'HTTP' } }), { rules: waf, gate: 'launch' });
    expect(control(e, 'WAF')).toMatchObject({ status: 'missing', notUnderstood: ['AWS::ApiGatewayV2::Api Orders/HttpApi'] });
  });

  test('declared in the stage config (owner, reason), it does not block', () => {
    const config: StageConfig = { ...CONFIG, notApplicable: { WAF: { owner: 'Security', reason: 'This stage has no public HTTP entry point: workers only.' } } };
    const e = evaluate((s) => new sns.Topic(s, 'Events'), { rules: waf, gate: 'launch', config });
    expect(control(e, 'WAF')).toMatchObject({
      status: 'not-applicable',
      statusReason: expect.stringMatching(/Declared not applicable by Security: This stage has no public HTTP entry point/),
      notApplicableDeclaration: { owner: 'Security' },
    });
    expect(e.report.gate!.blocking).not.toContain('WAF');
    expect(e.scopeRules.violations).toEqual([]);
  });

  test('a declaration on a control that has something to check is reported stale (a warning) and changes nothing', () => {
    const config: StageConfig = { ...CONFIG, notApplicable: { 'DB-HA': { owner: 'Data team', reason: 'No database here, the service is stateless.' } } };
    const e = evaluate((s) => multiAzPostgres(s, 'Db'), { config });
    expect(control(e, 'DB-HA').status).toBe('ready');
    expect(e.scopeRules.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-NOT-APPLICABLE-STALE', severity: 'warning' })]);
  });
});

describe('resources a control is about but no rule of it reads make it missing', () => {
  test('MemoryDB makes CACHE-HA missing ("not understood"), where it was ready by absence', () => {
    const e = evaluate((s) => new memorydb.CfnCluster(s, 'Sessions', { clusterName: 'sessions', nodeType: 'db.r7g.large', aclName: 'open-access' }));
    expect(control(e, 'CACHE-HA')).toMatchObject({
      status: 'missing',
      statusReason: expect.stringMatching(/Not understood: AWS::MemoryDB::Cluster Orders\/Sessions/),
      notUnderstood: ['AWS::MemoryDB::Cluster Orders/Sessions'],
    });
  });

  test('the compliant twin: a Multi-AZ ElastiCache replication group is understood (no "not understood")', () => {
    const e = evaluate((s) => {
      const g = new elasticache.CfnReplicationGroup(s, 'Sessions', {
        replicationGroupDescription: 'sessions',
        engine: 'valkey',
        cacheNodeType: 'cache.r7g.large',
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        userGroupIds: ['app-users'],
        snapshotRetentionLimit: 7,
      });
      g.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    });
    expect(control(e, 'CACHE-HA').notUnderstood).toBeUndefined();
    expect(control(e, 'CACHE-HA').status).toBe('ready');
  });

  test('an RDS SQL Server instance makes DB-HA missing; the PostgreSQL twin is ready', () => {
    const sqlserver = evaluate((s) => multiAzPostgres(s, 'Ledger', 'sqlserver-se'));
    expect(control(sqlserver, 'DB-HA')).toMatchObject({ status: 'missing', statusReason: expect.stringMatching(/Not understood: AWS::RDS::DBInstance Orders\/Ledger/) });
    const postgres = evaluate((s) => multiAzPostgres(s, 'Ledger'));
    expect(control(postgres, 'DB-HA')).toMatchObject({ status: 'ready' });
  });

  test('a Memcached cluster is not a Redis: CACHE-HA is not applicable and says what it skipped', () => {
    const e = evaluate((s) => new elasticache.CfnCacheCluster(s, 'Fragments', { engine: 'memcached', cacheNodeType: 'cache.t4g.small', numCacheNodes: 2 }));
    expect(control(e, 'CACHE-HA')).toMatchObject({
      status: 'not-applicable',
      statusReason: expect.stringMatching(/its rules apply to none of the 1 resource of their types in scope \(AWS::ElastiCache::CacheCluster Orders\/Fragments\)/),
    });
  });

  test('a DocumentDB cluster makes DB-HA, DB-BACKUP and BACKUP-DR missing', () => {
    const rules = READINESS_RULES.filter((r) => ['DB-HA', 'DB-BACKUP', 'BACKUP-DR'].includes(r.id));
    const e = evaluate((s) => new docdb.CfnDBCluster(s, 'Catalog', { storageEncrypted: true, backupRetentionPeriod: 7 }), { rules });
    for (const id of ['DB-HA', 'DB-BACKUP', 'BACKUP-DR']) {
      expect(control(e, id)).toMatchObject({ status: 'missing', notUnderstood: ['AWS::DocDB::DBCluster Orders/Catalog'] });
    }
  });

  test('a raw CfnResource of a database type is judged by what it renders: a single instance is a finding, not ready by absence', () => {
    const e = evaluate((s) => {
      const raw = new CfnResource(s, 'Legacy', { type: 'AWS::RDS::DBInstance', properties: { Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20' } });
      raw.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    });
    expect(control(e, 'DB-HA').status).toBe('missing');
  });

  test('Aurora instances are decided by their cluster, not reported as not understood', () => {
    const e = evaluate((s) => {
      const cluster = new rds.CfnDBCluster(s, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true, backupRetentionPeriod: 14, deletionProtection: true });
      cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
      for (const id of ['Writer', 'Reader']) {
        new rds.CfnDBInstance(s, id, { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
      }
    });
    expect(control(e, 'DB-HA').notUnderstood).toBeUndefined();
    expect(control(e, 'DB-HA').status).toBe('ready');
  });
});

describe('the report\'s gate is the synth outcome', () => {
  test('a finding fails synth without the launch gate: gate.passed is false, with the errors by rule; the Markdown says so', () => {
    const e = evaluate((s) => {
      const db = new rds.CfnDBInstance(s, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', backupRetentionPeriod: 14, deletionProtection: true, storageEncrypted: true });
      db.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    });
    expect(e.summary.violations).toHaveLength(1);
    expect(e.report.gate).toMatchObject({ launch: false, passed: false, errors: expect.objectContaining({ 'Readiness-DB-HA': 1 }) });
    expect(renderMarkdown(e.report)).toMatch(/Gate: \*\*failed\*\* \(synth fails: [^)]*Readiness-DB-HA x1/);
  });

  test('the compliant twin passes, and the Markdown says so', () => {
    const e = evaluate((s) => multiAzPostgres(s, 'Db'));
    expect(e.summary.violations).toEqual([]);
    expect(e.report.gate).toMatchObject({ launch: false, passed: true });
    expect(renderMarkdown(e.report)).toMatch(/Gate: \*\*passed\*\*/);
  });

  test('the terminal listing says how to waive() a control\'s finding instead of acknowledging it', () => {
    const app = new App({ context: NO_BUNDLING });
    const stage = new Stage(app, 'Staging');
    const db = new rds.CfnDBInstance(new Stack(stage, 'Orders'), 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', backupRetentionPeriod: 14, deletionProtection: true, storageEncrypted: true });
    db.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    const e = evaluateReadiness(stage, { stage: 'staging', rules: DATA_RULES, awsSolutions: false, now: NOW });
    const listing = errorListing(stage, 'staging', e);
    expect(listing).toMatch(/Readiness-DB-HA {2}Staging\/Orders\/Db {2}.*\n {6}-> instead of acknowledging, waive\(<construct at Staging\/Orders\/Db>, \{ control: 'DB-HA', reason, owner, expires: 'YYYY-MM-DD' \}\) .*within 180 days/);
  });
});
