/**
 * The stateful-replacement guard: compares a stack's committed baseline template with the freshly
 * synthesized one (with @aws-cdk/cloudformation-diff) and names every stateful resource that the
 * change would replace or remove, and the property that forces it. Renaming a construct changes
 * its logical ID, which CloudFormation sees as "delete the old resource, create a new one".
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { STATEFUL_RESOURCE_TYPES } from '../../aspects/analysis/stateful-types';

export { STATEFUL_RESOURCE_TYPES };

export interface GuardFinding {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly change: 'replaced' | 'may-be-replaced' | 'removed';
  /** Properties whose change forces the replacement. */
  readonly properties: readonly string[];
  /** One line for the terminal. */
  readonly message: string;
}

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown>; [key: string]: unknown }> };

/**
 * The part of a template the guard compares: its stateful resources only, each with what decides a
 * replacement (type, properties, condition, deletion policies) and its construct path for messages.
 * The committed baseline holds this view, so a diff of baseline/ shows a stateful change and nothing else.
 */
export function statefulView(template: Template): Template {
  const resources: NonNullable<Template['Resources']> = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (!STATEFUL_RESOURCE_TYPES.includes(r.Type)) continue;
    const path = r.Metadata?.['aws:cdk:path'];
    const { Metadata: _metadata, ...rest } = r;
    resources[id] = { ...rest, ...(typeof path === 'string' ? { Metadata: { 'aws:cdk:path': path } } : {}) };
  }
  return { Resources: resources };
}

function constructPathOf(template: Template, logicalId: string): string | undefined {
  const path = template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

/** Every stateful resource of `baseline` that `current` would replace or remove. */
export function findStatefulRisks(stack: string, baselineTemplate: Template, currentTemplate: Template): GuardFinding[] {
  const baseline = statefulView(baselineTemplate);
  const current = statefulView(currentTemplate);
  const diff = fullDiff(baseline, current);
  const findings: GuardFinding[] = [];
  const added = Object.entries(current.Resources ?? {}).filter(([id]) => !(id in (baseline.Resources ?? {})));

  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.oldResourceType;
    if (type === undefined || !STATEFUL_RESOURCE_TYPES.includes(type)) return;
    const where = constructPathOf(baseline, logicalId);
    const label = `${stack}: ${type} ${logicalId}${where ? ` (${where})` : ''}`;

    if (change.isRemoval) {
      const sameType = added.filter(([, r]) => r.Type === type).map(([id]) => `${id}${constructPathOf(current, id) ? ` (${constructPathOf(current, id)})` : ''}`);
      const hint = sameType.length > 0 ? `; the new ${type} ${sameType.join(', ')} suggests a renamed construct: construct IDs are API, restore the old ID` : '';
      findings.push({ stack, logicalId, resourceType: type, change: 'removed', properties: [], message: `${label} would be removed (its logical ID is gone)${hint}` });
      return;
    }
    if (change.resourceTypeChanged) {
      findings.push({ stack, logicalId, resourceType: type, change: 'replaced', properties: ['Type'], message: `${label} would be replaced: its type changes to ${change.newResourceType}` });
      return;
    }
    const impact = change.changeImpact;
    if (impact !== ResourceImpact.WILL_REPLACE && impact !== ResourceImpact.MAY_REPLACE) return;
    const properties = Object.entries(change.propertyUpdates)
      .filter(([, p]) => p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE)
      .map(([name]) => name);
    const verb = impact === ResourceImpact.WILL_REPLACE ? 'replaced' : 'may-be-replaced';
    findings.push({
      stack,
      logicalId,
      resourceType: type,
      change: verb,
      properties,
      message: `${label} ${verb === 'replaced' ? 'would be replaced' : 'may be replaced'}: ${properties.length > 0 ? `changing ${properties.join(', ')} forces a new resource` : 'a change forces a new resource'}`,
    });
  });
  return findings;
}
