import { CfnResource } from 'aws-cdk-lib';
import { finding, logicalIdOf, numberOf, primitive, prop, rateToDays, referencedLogicalId, stackResourcesOfType, stringOf, verdict } from '../../rule-helpers';
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

/** A KMS key the account owns: a reference to a key (Ref/GetAtt/ImportValue) or an ARN/alias that is not `alias/aws/...`. */
function isCustomerManagedKey(node: CfnResource, value: unknown): boolean {
  if (value === undefined) return false;
  const r = primitive(node, value);
  if (r.known) return typeof r.value === 'string' && r.value.length > 0 && !/alias\/aws\//.test(r.value);
  // An intrinsic can only point at a key resource or an exported key ARN; AWS managed keys are not resources.
  return true;
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
  info: 'The secret is not rotated often enough or not encrypted with a customer-managed KMS key (the finding names the property).',
  explanation:
    'A credential that never rotates stays valid after it leaks (gap 2.3: "Implement secret rotation"); the AWS managed key cannot be restricted or audited per key policy. ' +
    'CDK: `secret.addRotationSchedule(...)` or `cluster.addRotationSingleUser()`, and `encryptionKey: key` on the secret. Use `rate(N days)`, not cron, so the interval can be checked.',
  test: 'test/aspects/rules/secrets/secret-rotated-with-cmk.test.ts',
  check: (node: CfnResource, context: RuleContext) => {
    const findings: string[] = [];
    const key = prop(node, 'KmsKeyId');
    if (!isCustomerManagedKey(node, key)) findings.push(finding(node, 'KmsKeyId', key, 'a customer-managed KMS key') + (key === undefined ? ' (the AWS managed key aws/secretsmanager)' : ''));
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
