/**
 * Report section of the security area: what the audit trail records and how long it is kept, and
 * where the access review evidence comes from (IAM Access Analyzer).
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AUDIT_EVENT_CATEGORIES, AuditTrail } from '../../constructs/security/audit-trail';
import { ReportSection, ReportSectionContext, table } from './section';

function resolved(node: CfnResource, value: unknown): unknown {
  return Stack.of(node).resolve(value);
}

export function securityAudit(scope: IConstruct, _context: ReportSectionContext): ReportSection | undefined {
  const all = scope.node.findAll();
  const trails = all.filter((c): c is AuditTrail => c instanceof AuditTrail);
  const analyzers = all.filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::AccessAnalyzer::Analyzer');
  const detectors = all.filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::GuardDuty::Detector');
  if (trails.length === 0 && analyzers.length === 0 && detectors.length === 0) return undefined;

  const trailRows = trails.map((t) => [
    t.node.path,
    `${t.retentionDays} days (Object Lock ${t.lockMode})`,
    `after ${t.archiveAfterDays} days (Glacier)`,
    t.logGroup.node.path,
    t.customerDataBuckets.length === 0 ? 'none configured' : t.customerDataBuckets.map((b) => b.node.id).join(', '),
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
    trails.length > 0 ? table(['Trail', 'Retention', 'Archive', 'CloudWatch Logs copy', 'Data events on'], trailRows) : 'No AuditTrail construct in scope.',
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
      trails: trails.map((t) => ({ path: t.node.path, retentionDays: t.retentionDays, lockMode: t.lockMode, archiveAfterDays: t.archiveAfterDays, dataEventBuckets: t.customerDataBuckets.length })),
      auditEventCategories: AUDIT_EVENT_CATEGORIES,
      analyzers: analyzerRows.map(([path, finds]) => ({ path, finds })),
      guardDuty: featureRows.map(([path, features]) => ({ path, features })),
    },
  };
}
