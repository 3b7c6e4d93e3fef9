import { CfnResource } from 'aws-cdk-lib';
import { finding, logicalIdOf, numberOf, prop, rateToDays, referencedLogicalId, stackResourcesOfType, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule, RuleContext } from '../../rule';

/** Days between rotations the schedule declares, or `undefined` when it cannot be read (cron, tokens). */
function rotationDays(schedule: CfnResource): number | undefined {
  const rules = prop(schedule, 'RotationRules') as Record<string, unknown> | undefined;
  if (!rules || typeof rules !== 'object') return undefined;
  if (rules.ScheduleExpression !== undefined) {
    const expression = stringOf(schedule, rules.ScheduleExpression);
    return expression === undefined ? undefined : rateToDays(expression);
  }
  return numberOf(schedule, rules.AutomaticallyAfterDays);
}

/**
 * Readiness-SECRET-ROTATION: every Secrets Manager secret has a RotationSchedule in its stack that
 * rotates at least every `maxRotationDays` (prod: 30), and is encrypted with a customer-managed KMS key.
 */
export const SecretRotatedWithCmk: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'SECRET-ROTATION',
  controlId: 'SECRET-ROTATION',
  category: 'security',
  resourceTypes: ['AWS::SecretsManager::Secret'],
  info: 'The secret is not rotated often enough (the finding names the schedule property and its value).',
  explanation:
    'A credential that never rotates stays valid after it leaks (gap 2.3: "Implement secret rotation"). ' +
    'CDK: `secret.addRotationSchedule(...)` or `cluster.addRotationSingleUser()`. Use `rate(N days)`, not cron, so the interval can be checked. (The secret\'s key: Readiness-ENCRYPTION-KEY.)',
  test: 'test/aspects/rules/secrets/secret-rotated-with-cmk.spec.ts',
  check: (node: CfnResource, context: RuleContext) => {
    const findings: string[] = [];
    const secretId = logicalIdOf(node);
    // RDS L2s rotate through the SecretTargetAttachment, whose Ref is the secret's ARN.
    const attachments = new Set(
      stackResourcesOfType(node, 'AWS::SecretsManager::SecretTargetAttachment')
        .filter((a) => referencedLogicalId(a, prop(a, 'SecretId')) === secretId)
        .map(logicalIdOf),
    );
    // Only schedules deployed in this world count (a schedule with a false or undecided Condition does not).
    const schedules = stackResourcesOfType(node, 'AWS::SecretsManager::RotationSchedule').filter((s) => {
      const target = referencedLogicalId(s, prop(s, 'SecretId'));
      return target !== undefined && (target === secretId || attachments.has(target));
    });
    const rotates = schedules.some((s) => {
      const days = rotationDays(s);
      return days !== undefined && days > 0 && days <= context.maxRotationDays;
    });
    if (!rotates) {
      if (schedules.length === 0) findings.push(`no AWS::SecretsManager::RotationSchedule rotates the secret, needs one with rate(<= ${context.maxRotationDays} days)`);
      for (const s of schedules) {
        const rules = (prop(s, 'RotationRules') ?? {}) as Record<string, unknown>;
        const [name, value] = rules.ScheduleExpression !== undefined ? ['ScheduleExpression', rules.ScheduleExpression] : ['AutomaticallyAfterDays', rules.AutomaticallyAfterDays];
        findings.push(finding(s, `RotationRules.${name} of ${logicalIdOf(s)}`, value, `rate(<= ${context.maxRotationDays} days)`));
      }
    }
    return verdict(findings);
  },
});
