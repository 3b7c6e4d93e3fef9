/** Shared reading of security-relevant values (keys, resource lists) for the security rules. */
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { primitive, resourcesOfType } from '../rule-helpers';
import { RuleContext } from '../rule';
import { PROVIDED_BASELINE_SETTING, ProvidedService, providedServiceProblems, ProvidedServiceEvidence } from '../../config/provided-baseline';

/**
 * A customer-managed KMS key: a reference to a key resource (Ref/GetAtt/ImportValue) or a literal
 * key/alias ARN that is not an AWS managed alias (`alias/aws/...`). Missing is not.
 */
export function isCustomerManagedKey(node: CfnResource, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  const r = primitive(node, value);
  if (r.known) return typeof r.value === 'string' && r.value.length > 0 && !/alias\/aws\//.test(r.value);
  // An intrinsic can only point at a key resource or an exported key ARN; AWS managed keys are not resources.
  return true;
}


/** Every CfnResource of `type` under `scope`, in tree order (read from the type index a gate run keeps, not a walk per call). */
export function findAllOfType(scope: IConstruct, type: string): CfnResource[] {
  return [...resourcesOfType(scope, type)];
}

/** Lower-cased list of strings from a value that may be a string or a list. */
export function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string').map((v) => (v as string).toLowerCase());
}

/** A security baseline the organization declares it runs (GuardDuty, Security Hub, Access Analyzer, organization trail). */
export interface DeclaredBaseline {
  readonly providedBy: string;
  readonly evidenceUrl: string;
  /** Day the evidence was checked (declarations through `provided`; the stage config's baseline has none). */
  readonly date?: string;
}

/**
 * The organization-provided security baseline declared for the scope: `settings.securityBaseline`
 * (apps that pass no stage config) or the stage config's `security.baseline` with mode `provided`.
 */
export function providedBaseline(context: RuleContext): DeclaredBaseline | undefined {
  const declared = (context.settings.securityBaseline ?? context.config?.security?.baseline) as
    | { mode?: string; providedBy?: unknown; evidenceUrl?: unknown }
    | undefined;
  if (declared?.mode !== 'provided') return undefined;
  if (typeof declared.providedBy !== 'string' || !declared.providedBy.trim()) return undefined;
  if (typeof declared.evidenceUrl !== 'string' || !/^https:\/\/\S+$/.test(declared.evidenceUrl)) return undefined;
  return { providedBy: declared.providedBy, evidenceUrl: declared.evidenceUrl };
}

/**
 * One service the organization declares it provides (`enforceReadiness({ provided })`, readiness.json
 * `provided`, read from `settings.providedBaseline`), when the declaration can be trusted: a provider,
 * an https evidence URL on a real host and a calendar date. Placeholder evidence does not count.
 */
export function providedService(context: RuleContext, service: ProvidedService): DeclaredBaseline | undefined {
  const all = context.settings[PROVIDED_BASELINE_SETTING] as Record<string, unknown> | undefined;
  const declared = all?.[service];
  if (declared === undefined || providedServiceProblems(declared).length > 0) return undefined;
  const d = declared as ProvidedServiceEvidence;
  return { providedBy: d.providedBy, evidenceUrl: d.evidenceUrl, date: d.date };
}

/** The report's wording for a control met by a declared baseline. */
export function providedBaselineNote(baseline: DeclaredBaseline, what: string): string {
  const checked = baseline.date ? `; checked ${baseline.date}` : '';
  return `${what} provided by the organization (${baseline.providedBy}; evidence ${baseline.evidenceUrl}${checked}), to be proven live.`;
}
