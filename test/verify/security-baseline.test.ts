import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeHubCommand, GetEnabledStandardsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { securityBaselineCheck } from '../../lib/verify/security-baseline';
import { checkContext, denied } from './check-context';
import { REGION } from './fixtures';

const gd = mockClient(GuardDutyClient);
const sh = mockClient(SecurityHubClient);
const aa = mockClient(AccessAnalyzerClient);
const ct = mockClient(CloudTrailClient);

const FSBP = `arn:aws:securityhub:${REGION}::standards/aws-foundational-security-best-practices/v/1.0.0`;
const TRAIL = `arn:aws:cloudtrail:${REGION}:123456789012:trail/org-trail`;

function healthy(): void {
  gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['det-1'] });
  gd.on(GetDetectorCommand).resolves({
    Status: 'ENABLED',
    ServiceRole: 'r',
    Features: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING'].map((Name) => ({ Name: Name as never, Status: 'ENABLED' })),
  });
  sh.on(DescribeHubCommand).resolves({ HubArn: `arn:aws:securityhub:${REGION}:123456789012:hub/default` });
  sh.on(GetEnabledStandardsCommand).resolves({ StandardsSubscriptions: [{ StandardsArn: FSBP, StandardsStatus: 'READY' } as never] });
  aa.on(ListAnalyzersCommand).resolves({ analyzers: [{ arn: 'arn:aa', name: 'org', type: 'ORGANIZATION', status: 'ACTIVE', createdAt: new Date() }] });
  ct.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'org-trail', TrailARN: TRAIL, HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true }] });
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
}

beforeEach(() => {
  [gd, sh, aa, ct].forEach((m) => m.reset());
  healthy();
});

const run = (resources: Parameters<typeof checkContext>[0] = []) => securityBaselineCheck.run(checkContext(resources));

describe('security baseline', () => {
  test('healthy, provided by the organization: four ready rows per region, saying the stage did not declare them', async () => {
    const rows = await run();
    expect(rows.map((r) => [r.resourceType, r.status])).toEqual([
      ['AWS::GuardDuty::Detector', 'ready'],
      ['AWS::SecurityHub::Hub', 'ready'],
      ['AWS::AccessAnalyzer::Analyzer', 'ready'],
      ['AWS::CloudTrail::Trail', 'ready'],
    ]);
    expect(rows[0]).toMatchObject({ stackName: '(account)', region: REGION, reason: expect.stringMatching(/provided by the account or organization/) });
    expect(rows[3].reason).toMatch(/trail org-trail is logging \(multi-region\) \(organization trail\)/);
  });

  test('a detector the stage declares is named with its construct path', async () => {
    const rows = await run([{ type: 'AWS::GuardDuty::Detector', logicalId: 'Detector', physicalId: 'det-1' }]);
    expect(rows[0]).toMatchObject({ stackName: 'Prod-Resilience', logicalId: 'Detector', constructPath: 'Prod/Resilience/Detector/Resource' });
  });

  test('disabled GuardDuty, or a configured feature off, is missing', async () => {
    gd.on(GetDetectorCommand).resolves({ Status: 'DISABLED', ServiceRole: 'r' });
    expect((await run())[0]).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^GuardDuty detector det-1 is DISABLED/) });
    gd.on(GetDetectorCommand).resolves({ Status: 'ENABLED', ServiceRole: 'r', Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] });
    expect((await run())[0].reason).toMatch(/enabled but features RDS_LOGIN_EVENTS, RUNTIME_MONITORING are not/);
  });

  test('missing everywhere: no detector, hub not subscribed, no analyzer, no trail', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    sh.on(DescribeHubCommand).rejects(Object.assign(new Error('Account is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' }));
    aa.on(ListAnalyzersCommand).resolves({ analyzers: [] });
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
    const rows = await run();
    expect(rows.map((r) => r.status)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(rows.map((r) => r.reason.split(' (not declared')[0])).toEqual([
      'no GuardDuty detector in the region',
      'Security Hub is not enabled in the region',
      'no IAM Access Analyzer in the region',
      'no CloudTrail trail covers the region',
    ]);
  });

  test('the configured standard not enabled, and a trail that stopped logging, are missing', async () => {
    sh.on(GetEnabledStandardsCommand).resolves({ StandardsSubscriptions: [{ StandardsArn: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0', StandardsStatus: 'READY' } as never] });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const rows = await run();
    expect(rows[1].reason).toMatch(/the standard aws-foundational-security-best-practices is not/);
    expect(rows[3].reason).toMatch(/trails not logging: org-trail/);
  });

  test('paginated: standards and analyzers across pages', async () => {
    sh.on(GetEnabledStandardsCommand, { NextToken: undefined }).resolves({ StandardsSubscriptions: [], NextToken: 's2' });
    sh.on(GetEnabledStandardsCommand, { NextToken: 's2' }).resolves({ StandardsSubscriptions: [{ StandardsArn: FSBP, StandardsStatus: 'READY' } as never] });
    aa.on(ListAnalyzersCommand, { nextToken: undefined }).resolves({ analyzers: [{ arn: 'a1', name: 'old', type: 'ACCOUNT', status: 'DISABLED', createdAt: new Date() }], nextToken: 'a2' });
    aa.on(ListAnalyzersCommand, { nextToken: 'a2' }).resolves({ analyzers: [{ arn: 'a2', name: 'acct', type: 'ACCOUNT', status: 'ACTIVE', createdAt: new Date() }] });
    const rows = await run();
    expect(rows.map((r) => r.status)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(sh.commandCalls(GetEnabledStandardsCommand)).toHaveLength(2);
    expect(aa.commandCalls(ListAnalyzersCommand)).toHaveLength(2);
  });

  test('access denied throws one VerifyError naming the action (the command marks the check unknown)', async () => {
    gd.on(ListDetectorsCommand).rejects(denied());
    await expect(run()).rejects.toThrow(/^Access denied: guardduty:ListDetectors on detectors in eu-west-1 \(AccessDeniedException\)/);
  });
});
