import { IConstruct } from 'constructs';
import { isTrue, prop } from '../../rule-helpers';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';
import { evidenceOf } from '../../analysis/evidence';
import { findAllOfType, isCustomerManagedKey, providedBaseline, providedBaselineNote, providedService } from '../../analysis/helpers';

/**
 * Readiness-AUDIT-TRAIL: the stage (or app) has a CloudTrail trail that is multi-region, logging,
 * validates its log files (digest files) and is encrypted with a customer-managed KMS key. Without
 * one, a security baseline the organization declares it provides (an organization trail, e.g. AWS
 * Control Tower's) makes it compliant but `conditional`: provided by the organization, to be proven live.
 * Declare it with `enforceReadiness(app, { provided: { auditTrail: { providedBy, evidenceUrl, date } } })`,
 * `provided.auditTrail` in readiness.json, or the stage config's `security.baseline`. A trail of the
 * app's own besides the organization trail is allowed (an account may have several).
 */
export const AuditTrailEnabled: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'AUDIT-TRAIL',
  controlId: 'AUDIT-TRAIL',
  category: 'operations',
  info: 'No multi-region CloudTrail trail with log file validation and KMS encryption in scope (AWS::CloudTrail::Trail with IsMultiRegionTrail, EnableLogFileValidation, KMSKeyId, IsLogging).',
  explanation:
    'Without an audit trail nobody can tell who performed a sensitive action, and whether it succeeded, failed or was blocked (readiness "Audit logs"). ' +
    'Add the Security stack (`SecurityStack`) or an `AuditTrail` construct: a multi-region trail with `enableFileValidation`, an `encryptionKey`, CloudWatch Logs delivery and an Object Lock bucket.',
  test: 'test/aspects/rules/security/audit-trail-enabled.spec.ts',
  check: (scope: IConstruct, context: RuleContext): ScopeRuleResult => {
    const trails = findAllOfType(scope, 'AWS::CloudTrail::Trail');
    const findings: string[] = [];
    const good = trails.filter((trail) => {
      const missing = [
        !isTrue(trail, prop(trail, 'IsMultiRegionTrail')) && 'IsMultiRegionTrail is not true',
        !isTrue(trail, prop(trail, 'EnableLogFileValidation')) && 'EnableLogFileValidation is not true',
        !isCustomerManagedKey(trail, prop(trail, 'KMSKeyId')) && 'KMSKeyId is missing',
        !isTrue(trail, prop(trail, 'IsLogging')) && 'IsLogging is not true',
      ].filter((m): m is string => typeof m === 'string');
      if (missing.length > 0) findings.push(`${trail.node.path}: ${missing.join(', ')}.`);
      return missing.length === 0;
    });
    if (trails.length === 0) findings.push('There is no AWS::CloudTrail::Trail.');
    const baseline = providedService(context, 'auditTrail') ?? providedBaseline(context);
    if (good.length === 0 && baseline) {
      const note = providedBaselineNote(baseline, 'Audit trail (organization trail)');
      return { compliant: true, findings: [], conditional: note, evidence: [{ constructPath: '', note }] };
    }
    return {
      compliant: good.length > 0,
      findings: good.length > 0 ? [] : findings,
      evidence: good.map((t) => evidenceOf(t, 'multi-region, log file validation, KMS-encrypted, logging')),
    };
  },
});
