import { CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isDeployed, isTrue, prop, stringOf } from '../../rule-helpers';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';
import { evidenceOf } from '../../analysis/evidence';
import { findAllOfType, listOf, providedBaseline, providedBaselineNote, providedService } from '../../analysis/helpers';

/** The resource a rendered `Ref`, `Fn::GetAtt` or `Fn::ImportValue` points at, searched in `scope`. */
function pointedAt(scope: IConstruct, rule: CfnResource, value: unknown): CfnResource | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object') return undefined;
  const all = scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && isDeployed(c));
  const byLogicalId = (id: string, stack?: Stack) =>
    all.find((c) => (!stack || Stack.of(c) === stack) && Stack.of(c).resolve(c.logicalId) === id);
  const local = (id: string) => byLogicalId(id, Stack.of(rule)) ?? byLogicalId(id);
  if (typeof v.Ref === 'string') return local(v.Ref);
  if (Array.isArray(v['Fn::GetAtt']) && typeof v['Fn::GetAtt'][0] === 'string') return local(v['Fn::GetAtt'][0]);
  const imported = v['Fn::ImportValue'];
  if (typeof imported === 'string') {
    // Cross-stack: find the export of that name and what its value refers to, in the producing stack.
    for (const output of scope.node.findAll().filter((c): c is CfnOutput => c instanceof CfnOutput)) {
      const stack = Stack.of(output);
      if (stack.resolve(output.exportName) !== imported) continue;
      const produced = stack.resolve(output.value) as Record<string, unknown>;
      if (typeof produced?.Ref === 'string') return byLogicalId(produced.Ref, stack);
    }
  }
  return undefined;
}

/** True when one target of the rule is an SNS topic (in scope, or a literal SNS ARN). */
function targetsTopic(scope: IConstruct, rule: CfnResource): boolean {
  const targets = (prop(rule, 'Targets') as Array<Record<string, unknown>> | undefined) ?? [];
  return targets.some((target) => {
    const literal = stringOf(rule, target.Arn);
    if (literal !== undefined) return /^arn:[^:]+:sns:/.test(literal);
    return pointedAt(scope, rule, target.Arn)?.cfnResourceType === 'AWS::SNS::Topic';
  });
}

function routes(scope: IConstruct, source: string): CfnResource[] {
  return findAllOfType(scope, 'AWS::Events::Rule').filter((rule) => {
    if (stringOf(rule, prop(rule, 'State')) === 'DISABLED') return false;
    const pattern = prop(rule, 'EventPattern') as Record<string, unknown> | undefined;
    return listOf(pattern?.source).includes(source) && targetsTopic(scope, rule);
  });
}

/**
 * Readiness-SECURITY-MONITORING: GuardDuty and Security Hub are enabled in scope, with at least one
 * standard, and EventBridge rules send GuardDuty and Security Hub findings to an SNS topic. When the
 * organization declares it provides GuardDuty and Security Hub in the account and region, the detector,
 * hub and standard need not be in scope (they must not be: one per account and region), and the result
 * is `conditional` (provided by the organization, to be proven live); the routes are still required:
 * findings reach the member account's EventBridge too, and someone must hear of them.
 * Declarations through `provided` (`threatDetection`, `securityHub`; code or readiness.json) count per
 * service; with one, a detector (or hub) the app creates in scope is a finding: the account and region
 * cannot have both.
 */
export const SecurityMonitoringEnabled: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'SECURITY-MONITORING',
  controlId: 'SECURITY-MONITORING',
  category: 'operations',
  info: 'Security monitoring is incomplete: it needs an enabled GuardDuty detector, Security Hub with a standard, and EventBridge rules that send aws.guardduty and aws.securityhub findings to an SNS topic.',
  explanation:
    'Gap 2.5 ("No SIEM or security alerting"): threats are found by GuardDuty and Security Hub, and nobody hears of them unless the findings page someone. ' +
    'Add the Security stack (`ThreatDetection`: GuardDuty + Security Hub with FSBP) and `SecurityFindingsRouting` (EventBridge rules to the critical topic).',
  test: 'test/aspects/rules/security/security-monitoring-enabled.spec.ts',
  check: (scope: IConstruct, context: RuleContext): ScopeRuleResult => {
    const allDetectors = findAllOfType(scope, 'AWS::GuardDuty::Detector');
    const detectors = allDetectors.filter((d) => isTrue(d, prop(d, 'Enable')));
    const hubs = findAllOfType(scope, 'AWS::SecurityHub::Hub');
    const standards = findAllOfType(scope, 'AWS::SecurityHub::Standard');
    const guardDutyRoutes = routes(scope, 'aws.guardduty');
    const securityHubRoutes = routes(scope, 'aws.securityhub');
    const baseline = providedBaseline(context);
    const legacy = baseline !== undefined && (detectors.length === 0 || hubs.length === 0 || standards.length === 0);
    const guardDuty = providedService(context, 'threatDetection');
    const securityHub = providedService(context, 'securityHub');
    const gdProvided = legacy || guardDuty !== undefined;
    const shProvided = legacy || securityHub !== undefined;
    // GuardDuty and Security Hub are one per account and region: a declared service plus one of the app's own cannot both be true.
    const conflict = (node: CfnResource, what: string, by: string) =>
      `${node.node.path} (${node.cfnResourceType}) creates ${what}, but ${what} is declared provided by the organization (${by}): there is one per account and region, so the deploy fails or the declaration is wrong. Fix: remove the resource or the declaration.`;
    const findings = [
      ...(guardDuty ? allDetectors.map((d) => conflict(d, 'GuardDuty', guardDuty.providedBy)) : []),
      ...(securityHub ? hubs.map((h) => conflict(h, 'Security Hub', securityHub.providedBy)) : []),
      !gdProvided && detectors.length === 0 && 'There is no enabled AWS::GuardDuty::Detector.',
      !shProvided && hubs.length === 0 && 'There is no AWS::SecurityHub::Hub.',
      !shProvided && standards.length === 0 && 'Security Hub has no AWS::SecurityHub::Standard (e.g. AWS Foundational Security Best Practices).',
      guardDutyRoutes.length === 0 && 'No enabled AWS::Events::Rule sends source "aws.guardduty" to an SNS topic.',
      securityHubRoutes.length === 0 && 'No enabled AWS::Events::Rule sends source "aws.securityhub" to an SNS topic.',
    ].filter((f): f is string => typeof f === 'string');
    const notes = [
      legacy && baseline && !guardDuty && !securityHub ? providedBaselineNote(baseline, 'GuardDuty and Security Hub') : undefined,
      guardDuty ? providedBaselineNote(guardDuty, 'GuardDuty') : legacy && baseline && securityHub ? providedBaselineNote(baseline, 'GuardDuty') : undefined,
      securityHub ? providedBaselineNote(securityHub, 'Security Hub') : legacy && baseline && guardDuty ? providedBaselineNote(baseline, 'Security Hub') : undefined,
    ].filter((n): n is string => typeof n === 'string');
    const note = notes.length > 0 ? notes.join(' ') : undefined;
    return {
      compliant: findings.length === 0,
      findings,
      ...(note && findings.length === 0 ? { conditional: note } : {}),
      evidence: [
        ...(note ? [{ constructPath: '', note }] : []),
        ...detectors.map((d) => evidenceOf(d, 'GuardDuty detector enabled')),
        ...hubs.map((h) => evidenceOf(h, 'Security Hub enabled')),
        ...standards.map((s) => evidenceOf(s, 'Security Hub standard')),
        ...guardDutyRoutes.map((r) => evidenceOf(r, 'GuardDuty findings to SNS')),
        ...securityHubRoutes.map((r) => evidenceOf(r, 'Security Hub findings to SNS')),
      ],
    };
  },
});
