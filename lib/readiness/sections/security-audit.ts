/**
 * Report section of the security area: what the audit trail records and how long it is kept, and
 * where the access review evidence comes from (IAM Access Analyzer).
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { prop, resourcesOfType } from '../../aspects/rule-helpers';
import { referencedResource } from '../../aspects/rules/intrinsics';
import { AUDIT_EVENT_CATEGORIES } from '../../constructs/security/audit-trail';
import { ReportSection, ReportSectionContext, table } from './section';

function resolved(node: CfnResource, value: unknown): unknown {
  return Stack.of(node).resolve(value);
}

/** A construct path without the L1 `Resource` leaf (`Security/AuditTrail/Logs`). */
const shortPath = (node: IConstruct) => node.node.path.replace(/\/Resource$/, '');

/** The innermost construct that holds both resources: the trail and its bucket, whichever construct made them. */
function commonOwner(a: IConstruct, b: IConstruct): string {
  const x = a.node.scopes;
  const y = new Set(b.node.scopes);
  return [...x].reverse().find((s) => y.has(s) && s.node.path !== '')?.node.path ?? shortPath(a);
}

/** Every resource a rendered value refers to (`Ref`, `Fn::GetAtt`, cross-stack import), at any depth. */
function referencedResources(node: CfnResource, value: unknown, found = new Set<CfnResource>()): Set<CfnResource> {
  const direct = referencedResource(node, value);
  if (direct) found.add(direct);
  else if (Array.isArray(value)) value.forEach((v) => referencedResources(node, v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => referencedResources(node, v, found));
  return found;
}

/** What the template says about one CloudTrail trail: its bucket's Object Lock and archive rules, its log group, its data events. */
function describeTrail(trail: CfnResource) {
  const bucket = referencedResource(trail, prop(trail, 'S3BucketName'));
  const lock = (bucket && (resolved(bucket, prop(bucket, 'ObjectLockConfiguration')) as any)?.Rule?.DefaultRetention) ?? {};
  const rules = ((bucket && resolved(bucket, prop(bucket, 'LifecycleConfiguration'))) as any)?.Rules ?? [];
  const archiveDays = rules
    .flatMap((r: any) => r.Transitions ?? [])
    .filter((t: any) => /GLACIER/.test(String(t.StorageClass)))
    .map((t: any) => Number(t.TransitionInDays))
    .find((d: number) => Number.isFinite(d));
  const logGroup = referencedResource(trail, prop(trail, 'CloudWatchLogsLogGroupArn'));
  const dataResources = ((resolved(trail, prop(trail, 'EventSelectors')) as any[]) ?? []).flatMap((e) => e.DataResources ?? []).filter((d: any) => d.Type === 'AWS::S3::Object');
  const dataBuckets = [...referencedResources(trail, dataResources.flatMap((d: any) => d.Values ?? []))].filter((r) => r.cfnResourceType === 'AWS::S3::Bucket');
  return {
    path: bucket ? commonOwner(trail, bucket) : shortPath(trail),
    retentionDays: typeof lock.Days === 'number' ? lock.Days : undefined,
    lockMode: typeof lock.Mode === 'string' ? lock.Mode : undefined,
    archiveAfterDays: archiveDays as number | undefined,
    logGroup: logGroup ? shortPath(logGroup) : 'none',
    dataEventBuckets: dataBuckets.map((b) => shortPath(b).split('/').pop()!),
  };
}

export function securityAudit(scope: IConstruct, _context: ReportSectionContext): ReportSection | undefined {
  const trails = resourcesOfType(scope, 'AWS::CloudTrail::Trail').map(describeTrail);
  const analyzers = resourcesOfType(scope, 'AWS::AccessAnalyzer::Analyzer');
  const detectors = resourcesOfType(scope, 'AWS::GuardDuty::Detector');
  if (trails.length === 0 && analyzers.length === 0 && detectors.length === 0) return undefined;

  const trailRows = trails.map((t) => [
    t.path,
    t.retentionDays === undefined ? 'no Object Lock retention' : `${t.retentionDays} days (Object Lock ${t.lockMode})`,
    t.archiveAfterDays === undefined ? 'not archived' : `after ${t.archiveAfterDays} days (Glacier)`,
    t.logGroup,
    t.dataEventBuckets.length === 0 ? 'none configured' : t.dataEventBuckets.join(', '),
  ]);
  const analyzerRows = analyzers.map((a) => {
    const type = String(resolved(a, (a as any).type));
    const age = (resolved(a, (a as any).analyzerConfiguration) as any)?.unusedAccessConfiguration?.unusedAccessAge;
    return [a.node.path, type === 'ACCOUNT' ? 'external access (resources shared outside the account)' : `unused access (roles, keys, permissions unused for ${age ?? '?'} days)`];
  });
  const featureRows = detectors.map((d) => [
    d.node.path,
    ((resolved(d, (d as any).features) as any[]) ?? []).map((f) => f.name).join(', ') || 'none',
  ]);

  const markdown = [
    '### Audit trail',
    trails.length > 0 ? table(['Trail', 'Retention', 'Archive', 'CloudWatch Logs copy', 'Data events on'], trailRows) : 'No CloudTrail trail in scope.',
    '',
    '### Audit event categories',
    table(['Category', 'Recorded by'], AUDIT_EVENT_CATEGORIES.map((c) => [c.category, c.source])),
    '',
    '### Access review evidence',
    analyzerRows.length > 0
      ? `Review the findings of these analyzers (IAM Access Analyzer console) on the access review schedule:\n\n${table(['Analyzer', 'Finds'], analyzerRows)}`
      : 'No IAM Access Analyzer in scope.',
    '',
    '### Threat detection',
    featureRows.length > 0 ? table(['GuardDuty detector', 'Protections'], featureRows) : 'No GuardDuty detector in scope.',
  ].join('\n');

  return {
    title: 'Security: audit trail and access review',
    markdown,
    data: {
      trails: trails.map((t) => ({ path: t.path, retentionDays: t.retentionDays, lockMode: t.lockMode, archiveAfterDays: t.archiveAfterDays, dataEventBuckets: t.dataEventBuckets.length })),
      auditEventCategories: AUDIT_EVENT_CATEGORIES,
      analyzers: analyzerRows.map(([path, finds]) => ({ path, finds })),
      guardDuty: featureRows.map(([path, features]) => ({ path, features })),
    },
  };
}
