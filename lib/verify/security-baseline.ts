import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GetDetectorCommand, GetDetectorCommandOutput, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeHubCommand, GetEnabledStandardsCommand, SecurityHubClient, StandardsSubscription } from '@aws-sdk/client-securityhub';
import { ControlStatus } from '../readiness/types';
import { CheckContext, ControlCheck, paginate } from './checks';
import { toVerifyError } from './errors';
import { LiveResourceResult } from './types';

/**
 * The account baseline in every region the stage uses, whether the stage's stacks created it or the
 * organization provides it: rows name the service and region, and the stack resource when the stage declares one.
 */
type Verdict = { status: ControlStatus; reason: string };

const ACCOUNT_ROW = '(account)';

function baselineRow(
  ctx: CheckContext,
  region: string,
  resourceType: string,
  physicalId: string | undefined,
  v: Verdict,
): LiveResourceResult {
  const declared = ctx.inventory.ofType(resourceType).find((r) => r.region === region);
  return {
    logicalId: declared?.logicalId ?? resourceType.split('::')[1],
    stackName: declared?.stackName ?? ACCOUNT_ROW,
    resourceType,
    region,
    ...(physicalId ? { physicalId } : {}),
    ...(declared?.constructPath ? { constructPath: declared.constructPath } : {}),
    status: v.status,
    reason: `${v.reason}${declared ? '' : ' (not declared by the stage: provided by the account or organization)'}`,
    evidenceAt: ctx.now.toISOString(),
  };
}

export function evaluateDetector(detectorId: string | undefined, detector: GetDetectorCommandOutput | undefined, features: readonly string[]): Verdict {
  if (!detectorId || !detector) return { status: 'missing', reason: 'no GuardDuty detector in the region' };
  if (detector.Status !== 'ENABLED') return { status: 'missing', reason: `GuardDuty detector ${detectorId} is ${detector.Status ?? 'not enabled'}` };
  const enabled = new Set((detector.Features ?? []).filter((f) => f.Status === 'ENABLED').map((f) => String(f.Name)));
  const off = features.filter((f) => !enabled.has(f));
  if (off.length > 0) return { status: 'missing', reason: `GuardDuty detector ${detectorId} is enabled but features ${off.join(', ')} are not` };
  return { status: 'ready', reason: `GuardDuty detector ${detectorId} ENABLED with ${features.join(', ') || 'no required features'}` };
}

export function evaluateStandards(hubArn: string | undefined, subs: readonly StandardsSubscription[], standard: string): Verdict {
  if (!hubArn) return { status: 'missing', reason: 'Security Hub is not enabled in the region' };
  const match = subs.find((s) => (s.StandardsArn ?? '').includes(standard));
  if (!match) return { status: 'missing', reason: `Security Hub is enabled but the standard ${standard} is not (enabled: ${subs.length})` };
  if (match.StandardsStatus !== 'READY') {
    return { status: match.StandardsStatus === 'PENDING' ? 'conditional' : 'missing', reason: `Security Hub standard ${match.StandardsArn} is ${match.StandardsStatus}` };
  }
  return { status: 'ready', reason: `Security Hub enabled with ${match.StandardsArn} READY` };
}

async function guardDuty(client: GuardDutyClient, ctx: CheckContext, region: string): Promise<LiveResourceResult> {
  const cctx = { region, profile: ctx.profile };
  let ids: string[];
  try {
    ids = (await client.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  } catch (err) {
    throw toVerifyError(err, { action: 'guardduty:ListDetectors', resource: 'detectors', ...cctx });
  }
  const id = ids[0];
  let detector: GetDetectorCommandOutput | undefined;
  if (id) {
    try {
      detector = await client.send(new GetDetectorCommand({ DetectorId: id }));
    } catch (err) {
      throw toVerifyError(err, { action: 'guardduty:GetDetector', resource: id, ...cctx });
    }
  }
  return baselineRow(ctx, region, 'AWS::GuardDuty::Detector', id, evaluateDetector(id, detector, ctx.settings.guardDutyFeatures));
}

async function securityHub(client: SecurityHubClient, ctx: CheckContext, region: string): Promise<LiveResourceResult> {
  const cctx = { region, profile: ctx.profile };
  let hubArn: string | undefined;
  try {
    hubArn = (await client.send(new DescribeHubCommand({}))).HubArn;
  } catch (err) {
    const name = (err as { name?: string }).name;
    // "Account is not subscribed to AWS Security Hub" is InvalidAccessException.
    if (name !== 'InvalidAccessException' && name !== 'ResourceNotFoundException') {
      throw toVerifyError(err, { action: 'securityhub:DescribeHub', resource: 'hub', ...cctx });
    }
  }
  let subs: StandardsSubscription[] = [];
  if (hubArn) {
    const pages = await paginate(
      async (token) => {
        try {
          return await client.send(new GetEnabledStandardsCommand({ NextToken: token, MaxResults: 100 }));
        } catch (err) {
          throw toVerifyError(err, { action: 'securityhub:GetEnabledStandards', resource: 'standards', ...cctx });
        }
      },
      (p) => p.NextToken,
    );
    subs = pages.flatMap((p) => p.StandardsSubscriptions ?? []);
  }
  return baselineRow(ctx, region, 'AWS::SecurityHub::Hub', hubArn, evaluateStandards(hubArn, subs, ctx.settings.securityHubStandard));
}

async function accessAnalyzer(client: AccessAnalyzerClient, ctx: CheckContext, region: string): Promise<LiveResourceResult> {
  const pages = await paginate(
    async (token) => {
      try {
        return await client.send(new ListAnalyzersCommand({ nextToken: token, maxResults: 100 }));
      } catch (err) {
        throw toVerifyError(err, { action: 'access-analyzer:ListAnalyzers', resource: 'analyzers', region, profile: ctx.profile });
      }
    },
    (p) => p.nextToken,
  );
  const analyzers = pages.flatMap((p) => p.analyzers ?? []);
  const active = analyzers.filter((a) => a.status === 'ACTIVE');
  const v: Verdict =
    active.length > 0
      ? { status: 'ready', reason: `${active.length} active Access Analyzer(s): ${active.map((a) => `${a.name} (${a.type})`).join(', ')}` }
      : {
          status: 'missing',
          reason: analyzers.length === 0 ? 'no IAM Access Analyzer in the region' : `no active Access Analyzer (${analyzers.map((a) => `${a.name}: ${a.status}`).join(', ')})`,
        };
  return baselineRow(ctx, region, 'AWS::AccessAnalyzer::Analyzer', active[0]?.arn, v);
}

async function cloudTrail(ctx: CheckContext, region: string): Promise<LiveResourceResult> {
  let trails;
  try {
    trails = (await ctx.clients.cloudTrail(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (err) {
    throw toVerifyError(err, { action: 'cloudtrail:DescribeTrails', resource: 'trails', region, profile: ctx.profile });
  }
  const covering = trails.filter((t) => t.IsMultiRegionTrail || t.HomeRegion === region);
  const stopped: string[] = [];
  for (const t of covering) {
    const home = t.HomeRegion ?? region;
    let status;
    try {
      status = await ctx.clients.cloudTrail(home).send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name }));
    } catch (err) {
      throw toVerifyError(err, { action: 'cloudtrail:GetTrailStatus', resource: t.TrailARN ?? String(t.Name), region: home, profile: ctx.profile });
    }
    if (status.IsLogging) {
      const latest = status.LatestDeliveryTime ? `, last delivery ${status.LatestDeliveryTime.toISOString()}` : '';
      return baselineRow(ctx, region, 'AWS::CloudTrail::Trail', t.TrailARN, {
        status: 'ready',
        reason: `trail ${t.Name} is logging${t.IsMultiRegionTrail ? ' (multi-region)' : ''}${t.IsOrganizationTrail ? ' (organization trail)' : ''}${latest}`,
      });
    }
    stopped.push(String(t.Name));
  }
  return baselineRow(ctx, region, 'AWS::CloudTrail::Trail', undefined, {
    status: 'missing',
    reason: covering.length === 0 ? 'no CloudTrail trail covers the region' : `trails not logging: ${stopped.join(', ')}`,
  });
}

export const securityBaselineCheck: ControlCheck = {
  check: 'security-baseline',
  control: 'SECURITY-MONITORING',
  needs: 'region',
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const out: LiveResourceResult[] = [];
    for (const region of ctx.regions) {
      out.push(await guardDuty(ctx.clients.guardDuty(region), ctx, region));
      out.push(await securityHub(ctx.clients.securityHub(region), ctx, region));
      out.push(await accessAnalyzer(ctx.clients.accessAnalyzer(region), ctx, region));
      out.push(await cloudTrail(ctx, region));
    }
    return out;
  },
};
