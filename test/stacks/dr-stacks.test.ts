import { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ruleContextFor } from '../../lib/aspects/readiness-checks';
import { RecoveryObjectivesMet } from '../../lib/aspects/rules/dr/recovery-objectives-met';
import { StageConfig } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { intervalHoursOf } from '../../lib/aspects/analysis/coverage';
import { recoverySections } from '../../lib/readiness/recovery/report-section';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { buildStage } from '../helpers/synth';

describe('prod stage: backup, DR, drills and cost stacks', () => {
  let stage: ReadinessStage;
  let backup: Template;
  let dr: Template;
  let resilience: Template;
  let costMonitor: Template;
  let data: Template;
  beforeAll(() => {
    stage = buildStage(PROD).stage;
    backup = Template.fromStack(stage.backup);
    dr = Template.fromStack(stage.dr);
    resilience = Template.fromStack(stage.resilience);
    costMonitor = Template.fromStack(stage.costMonitor);
    data = Template.fromStack(stage.data);
  });

  test('the DR vault lives in the DR region, locked, under a name the primary plan can target', () => {
    expect(stage.dr.region).toBe('eu-central-1');
    dr.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'readiness-prod-dr', LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: 3 } });
    expect(stage.dr.terminationProtection).toBe(true);
  });

  test('the primary plan copies hourly snapshots to that vault and keeps 35 days of point-in-time restore', () => {
    backup.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({ RuleName: 'Continuous', EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } }),
          Match.objectLike({
            RuleName: 'SnapshotCopiedToDrRegion',
            ScheduleExpression: 'cron(0 0/1 * * ? *)',
            CopyActions: [{ DestinationBackupVaultArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:backup:eu-central-1:${PROD.account}:backup-vault:readiness-prod-dr`]] }, Lifecycle: { DeleteAfterDays: 35 } }],
          }),
        ]),
      },
    });
    backup.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.objectLike({ MinRetentionDays: 7 }) });
    backup.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { ScheduleExpression: PROD.dr.restoreTestSchedule });
    backup.hasResourceProperties('AWS::Backup::BackupVault', {
      Notifications: { BackupVaultEvents: Match.arrayWith(['BACKUP_JOB_FAILED', 'COPY_JOB_FAILED', 'RESTORE_JOB_FAILED']), SNSTopicArn: Match.anyValue() },
    });
    expect(stage.backup.dependencies).toContain(stage.dr);
  });

  test('the database tags itself for backup and drills; the cache for drills only (AWS Backup does not cover ElastiCache)', () => {
    data.hasResourceProperties('AWS::RDS::DBCluster', {
      Tags: Match.arrayWith([{ Key: 'readiness:backup', Value: 'cross-region' }, { Key: 'readiness:drill', Value: 'enabled' }]),
    });
    data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Tags: Match.arrayWith([{ Key: 'readiness:drill', Value: 'enabled' }]) });
    data.hasResourceProperties('AWS::SecretsManager::Secret', { Tags: Match.not(Match.arrayWith([Match.objectLike({ Key: 'readiness:backup' })])) });
  });

  test('drills fail over the database, cut the cache power, stop 30% of the web tasks and cut one zone off', () => {
    resilience.resourceCountIs('AWS::FIS::ExperimentTemplate', 4);
    resilience.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { Tasks: Match.objectLike({ ResourceType: 'aws:ecs:task', SelectionMode: 'PERCENT(30)' }) },
    });
    resilience.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Targets: { Subnets: Match.objectLike({ Parameters: Match.objectLike({ availabilityZoneIdentifier: 'eu-west-1a' }) }) },
    });
  });

  test('the budget alerts to the warning topic; anomaly detection runs in us-east-1', () => {
    resilience.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: 5000, Unit: 'USD' }, CostFilters: { TagKeyValue: ['user:stage$prod'] } }),
      NotificationsWithSubscribers: Match.arrayWith([Match.objectLike({ Subscribers: Match.arrayWith([Match.objectLike({ SubscriptionType: 'SNS' })]) })]),
    });
    expect(stage.costMonitor.region).toBe('us-east-1');
    costMonitor.hasResourceProperties('AWS::CE::AnomalySubscription', { Subscribers: Match.arrayWith([{ Type: 'EMAIL', Address: 'finance@example.com' }]) });
  });

  test('pins the logical IDs of the stateful DR resources (construct IDs are API)', () => {
    const ids = (t: Template, type: string) => Object.keys(t.findResources(type)).sort();
    expect(ids(backup, 'AWS::Backup::BackupVault')).toEqual(['Vault645BC77C']);
    expect(ids(backup, 'AWS::KMS::Key')).toEqual(['RestoreTestLogKey7B683CC0', 'VaultKeyCB88EF1A']);
    expect(ids(backup, 'AWS::Logs::LogGroup')).toEqual(['RestoreTestValidatorLogs289FD0E6']);
    expect(ids(dr, 'AWS::Backup::BackupVault')).toEqual(['Vault645BC77C']);
    expect(ids(dr, 'AWS::KMS::Key')).toEqual(['VaultKeyCB88EF1A']);
    expect(ids(resilience, 'AWS::Logs::LogGroup')).toEqual(['DrillsLogsCA7B28E0']);
  });

  test('the report shows the RTO/RPO table per scope and a runbook with the real logical names and commands', () => {
    const sections = recoverySections(stage, { stage: 'prod', config: PROD, results: [] }) as { title: string; markdown: string }[];
    const [table, runbook] = sections;
    expect(table.title).toBe('Recovery objectives (RTO/RPO)');
    expect(table.markdown).toMatch(/\| region \| 60 min \/ 4 h \| 60 min \/ 165 min \| met \|/);
    expect(table.markdown).toMatch(/\| az \| 0 min \/ 5 min \| 0 min \/ 1 min \| met \|/);
    const clusterId = Template.fromStack(stage.data).findResources('AWS::RDS::DBCluster');
    const [logicalId] = Object.keys(clusterId);
    expect(runbook.markdown).toContain(`--stack-name Prod-Data --logical-resource-id ${logicalId}`);
    expect(runbook.markdown).toContain('aws rds failover-db-cluster --region eu-west-1');
    expect(runbook.markdown).toContain('aws backup list-recovery-points-by-backup-vault --region eu-central-1 --backup-vault-name readiness-prod-dr');
    expect(runbook.markdown).toMatch(/aws fis start-experiment --region eu-west-1 --experiment-template-id .*--stack-name Prod-Resilience/);
  });
});

describe('prod stage in global-database mode', () => {
  const config: StageConfig = { ...PROD, dr: { ...PROD.dr, mode: 'global-database', targets: { ...PROD.dr.targets, region: { rpoMinutes: 1, rtoMinutes: 60 } } } };
  let stage: ReadinessStage;
  beforeAll(() => {
    const built = buildStage(config);
    stage = built.stage;
    built.app.synth();
  });

  test('adds a global cluster to the primary and a secondary in the DR region', () => {
    Template.fromStack(stage.data).hasResourceProperties('AWS::RDS::GlobalCluster', { GlobalClusterIdentifier: 'readiness-prod-global' });
    Template.fromStack(stage.dr).hasResourceProperties('AWS::RDS::DBCluster', { GlobalClusterIdentifier: 'readiness-prod-global', StorageEncrypted: true });
    expect(stage.dr.dependencies).toContain(stage.data);
  });

  test('meets a 1-minute regional RPO, which backup copies cannot', () => {
    const result = RecoveryObjectivesMet.check(stage, ruleContextFor('prod', config));
    expect(result.findings).toEqual([]);
    expect(result.evidence.map((e) => e.note)).toEqual(expect.arrayContaining([expect.stringMatching(/^region: RPO 1 s \(target 1 min\), RTO 46 min .*global-database-rpo/)]));
  });

  test('the DR region topics page like the primary ones: the pager subscribes to the DR critical topic', () => {
    const pagerSubscriptions = (stack: Stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'https' } })).map((r) => r.Properties);
    const critical = stage.dr.getLogicalId(stage.dr.topics!.critical.node.defaultChild as CfnElement);
    const dr = pagerSubscriptions(stage.dr);
    expect(dr).toEqual([expect.objectContaining({ TopicArn: { Ref: critical } })]);
    // The URL comes from the replicated pager secret of the DR region, never from the template.
    expect(JSON.stringify(dr[0].Endpoint)).toContain(`:secretsmanager:eu-central-1:${PROD.account}:secret:${PROD.observability.pagerUrlSecretName}:SecretString:::}}`);
    expect(pagerSubscriptions(stage.alerting)).toHaveLength(1);
  });
});

describe('schedule intervals', () => {
  test.each([
    ['cron(0 0/1 * * ? *)', 1],
    ['cron(0 0/6 * * ? *)', 6],
    ['cron(0 3 * * ? *)', 24],
    ['cron(0 * * * ? *)', 1],
    ['cron(0 5 ? * SAT *)', 168],
    ['rate(12 hours)', 12],
    ['cron(bad)', undefined],
  ])('%s runs every %s hours', (expression, hours) => {
    expect(intervalHoursOf(expression)).toBe(hours);
  });
});
