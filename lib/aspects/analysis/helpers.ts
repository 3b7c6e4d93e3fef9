/** Shared reading of security-relevant values (keys, resource lists) for the security rules. */
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { primitive, resourcesOfType } from '../rule-helpers';
import { RuleContext } from '../rule';

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

/** The report's wording for a control met by a declared baseline. */
export function providedBaselineNote(baseline: DeclaredBaseline, what: string): string {
  return `${what} provided by the organization (${baseline.providedBy}; evidence ${baseline.evidenceUrl}), to be proven live.`;
}
