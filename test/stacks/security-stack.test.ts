import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROD, DEV } from '../../lib/config/stages';
import { AccessAnalyzers } from '../../lib/constructs/security/access-analyzers';
import { AuditTrail } from '../../lib/constructs/security/audit-trail';
import { ThreatDetection } from '../../lib/constructs/security/threat-detection';
import { SecurityStack } from '../../lib/stacks/security-stack';
import { AuditTrailEnabled } from '../../lib/aspects/rules/security/audit-trail-enabled';
import { SecurityMonitoringEnabled } from '../../lib/aspects/rules/security/security-monitoring-enabled';
import { AccountSingletons } from '../../lib/aspects/rules/wiring/account-singletons';
import { evaluateReadiness } from '../../lib/readiness/gate';
import { buildStage, newTestApp } from '../helpers/synth';

const ENV = { account: '111111111111', region: 'eu-west-1' };

describe('SecurityStack (prod config)', () => {
  let template: Template;
  let stack: SecurityStack;

  beforeAll(() => {
    const app = newTestApp();
    stack = new SecurityStack(app, 'Security', {
      env: ENV,
      config: { ...PROD, security: { ...PROD.security, customerDataBuckets: ['marketplace-media'] } },
    });
    template = Template.fromStack(stack);
  });

  test('a multi-region trail with log file validation, KMS and CloudWatch Logs delivery', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditTrailKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditTrailLogs'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('AuditTrailBucket') },
    });
  });

  test('data events for the buckets that hold customer data', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: Match.arrayWith([
        Match.objectLike({
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [{ Type: 'AWS::S3::Object', Values: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('marketplace-media')])] }] }],
        }),
      ]),
    });
  });

  test('the audit bucket: Object Lock in COMPLIANCE mode for the configured days, versioned, KMS, logged, archived, private', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AuditTrailAccessLogs') } },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ Status: 'Enabled', Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }] })],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('both buckets refuse plain HTTP', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  test('the audit key rotates and lets CloudTrail and CloudWatch Logs in only for this account', () => {
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    expect(keys[0].Properties.EnableKeyRotation).toBe(true);
    const servicesStatements = keys[0].Properties.KeyPolicy.Statement.filter((s: { Principal: { Service?: unknown } }) => s.Principal.Service);
    expect(servicesStatements.length).toBeGreaterThanOrEqual(3);
    for (const s of servicesStatements) expect(s.Condition).toBeDefined();
  });

  test('GuardDuty with the prod protections, Security Hub with FSBP, external and unused-access analyzers', () => {
    template.hasResourceProperties('AWS::GuardDuty::Detector', {
      Enable: true,
      Features: Match.arrayWith([
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
        { Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'ENABLED' }] },
      ]),
    });
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false, ControlFindingGenerator: 'SECURITY_CONTROL' });
    template.hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: { 'Fn::Join': ['', Match.arrayWith([':securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0'])] },
    });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT' });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', {
      Type: 'ACCOUNT_UNUSED_ACCESS',
      AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 90 } },
    });
  });

  test('baseline "create" keeps the logical IDs the stack had before the choice existed', () => {
    const ids = (type: string) => Object.keys(template.findResources(type)).sort();
    expect(ids('AWS::GuardDuty::Detector')).toEqual(['ThreatDetectionDetector0E1F32F0']);
    expect(ids('AWS::SecurityHub::Hub')).toEqual(['ThreatDetectionHub2204F40F']);
    expect(ids('AWS::SecurityHub::Standard')).toEqual(['ThreatDetectionFoundationalBestPracticesB835E942']);
    expect(ids('AWS::AccessAnalyzer::Analyzer')).toEqual(['AccessAnalyzersExternalAA9D5580', 'AccessAnalyzersUnused0D158372']);
  });

  test('prod stack is termination protected', () => {
    expect(stack.terminationProtection).toBe(true);
  });
});

describe('SecurityStack (dev config)', () => {
  test('dev locks in GOVERNANCE mode', () => {
    const stack = new SecurityStack(newTestApp(), 'Security', { env: ENV, config: DEV });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
    });
    expect(stack.terminationProtection).toBe(false);
  });
});

describe('SecurityStack (baseline provided by the organization)', () => {
  test('creates the trail but no GuardDuty detector, Security Hub or analyzer (one per account and region)', () => {
    const config = { ...PROD, security: { ...PROD.security, baseline: { mode: 'provided' as const, providedBy: 'AWS Control Tower', evidenceUrl: 'https://lz.example.com/controls' } } };
    const stack = new SecurityStack(newTestApp(), 'Security', { env: ENV, config });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    for (const type of ['AWS::GuardDuty::Detector', 'AWS::SecurityHub::Hub', 'AWS::SecurityHub::Standard', 'AWS::AccessAnalyzer::Analyzer']) template.resourceCountIs(type, 0);
    expect(stack.threatDetection).toBeUndefined();
    expect(stack.accessAnalyzers).toBeUndefined();
  });

  test('a whole prod stage on a provided baseline passes the security rules: monitoring conditional, trail ready, no singleton', () => {
    const config = { ...PROD, security: { ...PROD.security, baseline: { mode: 'provided' as const, providedBy: 'AWS Control Tower (audit account 999999999999)', evidenceUrl: 'https://lz.example.com/controls' } } };
    const { stage } = buildStage(config);
    const run = evaluateReadiness(stage, { stage: 'prod', config, rules: [SecurityMonitoringEnabled, AuditTrailEnabled, AccountSingletons], awsSolutions: false, nist: false, writeReport: false });
    expect(run.scopeRules.violations).toEqual([]);
    const status = (id: string) => run.report.controls.find((c) => c.id === id);
    expect(status('SECURITY-MONITORING')).toMatchObject({ status: 'conditional', statusReason: expect.stringMatching(/AWS Control Tower \(audit account 999999999999\); evidence https:\/\/lz\.example\.com\/controls\), to be proven live/) });
    expect(status('AUDIT-TRAIL')?.status).toBe('ready');
    expect(status('RUNTIME-WIRING')?.findings).toEqual([]);
  });
});

describe('security construct props', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });

  test('AuditTrail lists every bad value with the fix', () => {
    expect(() => new AuditTrail(stack(), 'T', { retention: Duration.days(0), archiveAfter: Duration.days(10), lockMode: 'NONE' as never })).toThrow(
      /retention = 0: keep audit logs 1 to 3650 whole days[\s\S]*archiveAfter = 10: archive after 1 whole day or more, and before the retention ends[\s\S]*lockMode = "NONE"/,
    );
  });

  test('ThreatDetection refuses unknown GuardDuty features', () => {
    expect(() => new ThreatDetection(stack(), 'G', { guardDutyFeatures: ['S3_PROTECTION' as never] })).toThrow(/guardDutyFeatures = \["S3_PROTECTION"\]: list features from/);
  });

  test('AccessAnalyzers refuses an unused-access age over 365 days', () => {
    expect(() => new AccessAnalyzers(stack(), 'A', { unusedAccessAge: Duration.days(400) })).toThrow(/unusedAccessAge = 400: use 1 to 365 whole days/);
  });
});
