/**
 * Reading acknowledgments the way both cdk-nag and CDK's report honour them.
 *
 * `Validations.of(c).acknowledge({ id: 'Readiness-DB-HA' })` stores `Annotation::Readiness-DB-HA`:
 * cdk-nag strips `annotation::` and drops the finding at the source. The CLI's suggestion
 * `Readiness::Readiness-DB-HA` is honoured only by CDK's report (not by cdk-nag's validateScope),
 * so the gate's own checks accept both forms, and `waive()` writes the plain rule ID.
 */
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** `Annotation::X`, `Readiness::X` and `X` all name rule `X`. */
export function plainRuleId(id: string): string {
  const i = id.indexOf('::');
  return i >= 0 ? id.slice(i + 2) : id;
}

/** Rule IDs acknowledged on the construct itself (not its ancestors), with their reasons. */
export function ownAcknowledgments(construct: IConstruct): Map<string, string> {
  const acks = new Map<string, string>();
  for (const entry of construct.node.metadata) {
    if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
    for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.set(plainRuleId(id), reason);
  }
  return acks;
}

/** True when `ruleId` (or, for `Rule[finding]`, the base rule) is acknowledged on the construct or an ancestor. */
export function isAcknowledged(construct: IConstruct, ruleId: string): boolean {
  const base = ruleId.replace(/\[.*\]$/, '');
  let current: IConstruct | undefined = construct;
  while (current) {
    if (current.node.metadata.length > 0) {
      const acks = ownAcknowledgments(current);
      if (acks.has(ruleId) || acks.has(base)) return true;
    }
    current = current.node.scope;
  }
  return false;
}
