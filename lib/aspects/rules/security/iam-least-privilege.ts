import { CfnResource } from 'aws-cdk-lib';
import { prop, shown, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { elementsOf, mayBe } from '../intrinsics';

const ANY = ['*'];
const ANY_ACTION = ['*', '*:*'];
/** The AWS managed AdministratorAccess policy in every partition. */
const ADMINISTRATOR_ACCESS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b'].map((p) => `arn:${p}:iam::aws:policy/AdministratorAccess`);

/** The statements of a policy document; `undefined` when the document or its statement list cannot be read. */
function statementsOf(node: CfnResource, document: unknown): Record<string, unknown>[] | undefined {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const statement = (document as Record<string, unknown>).Statement;
  if (statement === undefined) return [];
  const items = elementsOf(node, statement);
  if (items === undefined || items.some((s) => !s || typeof s !== 'object' || Array.isArray(s))) return undefined;
  return items as Record<string, unknown>[];
}

/** A list property that contains, or could contain, one of `targets` (a list the rule cannot read could). */
function listMayContain(node: CfnResource, value: unknown, targets: readonly string[]): boolean {
  const items = elementsOf(node, value);
  return items === undefined || items.some((i) => mayBe(node, i, targets));
}

/** Could the statement allow (an Effect it cannot read, or no Effect, counts as Allow)? */
function mayAllow(node: CfnResource, statement: Record<string, unknown>): boolean {
  return statement.Effect === undefined || mayBe(node, statement.Effect, ['Allow']);
}

/** Allow `*` (or `*:*`) on `*` (or on everything but a NotResource list, or with no Resource). */
function grantsEverything(node: CfnResource, statement: Record<string, unknown>): boolean {
  if (!mayAllow(node, statement) || !listMayContain(node, statement.Action, ANY_ACTION)) return false;
  if (statement.NotResource !== undefined || statement.Resource === undefined) return true;
  return listMayContain(node, statement.Resource, ANY);
}

/** A trust statement that lets anyone (`*` or AWS `*`) assume the role without a Condition. */
function trustsAnyone(node: CfnResource, statement: Record<string, unknown>): boolean {
  if (!mayAllow(node, statement)) return false;
  const condition = statement.Condition;
  if (condition && typeof condition === 'object' && Object.keys(condition).length > 0) return false;
  const principal = statement.Principal;
  if (principal === undefined) return statement.NotPrincipal !== undefined;
  if (principal && typeof principal === 'object' && !Array.isArray(principal) && !('Ref' in principal) && !Object.keys(principal).some((k) => k.startsWith('Fn::'))) {
    const aws = (principal as Record<string, unknown>).AWS;
    return aws !== undefined && listMayContain(node, aws, ANY);
  }
  return listMayContain(node, principal, ANY);
}

/** Every identity policy document of the resource with where it is: its PolicyDocument, or each inline policy's. `undefined` when the list cannot be read. */
function identityDocuments(node: CfnResource): Array<{ where: string; document: unknown }> | undefined {
  if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(node.cfnResourceType)) {
    const policies = elementsOf(node, prop(node, 'Policies'));
    return policies?.map((p, i) => ({
      where: `Policies.${i}${p && typeof p === 'object' && typeof (p as any).PolicyName === 'string' ? ` (${(p as any).PolicyName})` : ''}.PolicyDocument`,
      document: p && typeof p === 'object' ? (p as Record<string, unknown>).PolicyDocument : undefined,
    }));
  }
  return [{ where: 'PolicyDocument', document: prop(node, 'PolicyDocument') }];
}

/**
 * Readiness-IAM-LEAST-PRIVILEGE: no IAM policy (AWS::IAM::Policy, ManagedPolicy, RolePolicy, UserPolicy,
 * GroupPolicy, or an inline policy of a role, user or group) allows Action `*` on Resource `*`; no role
 * trusts `*` (AWS `*`) without a Condition; no role, user or group has the AWS managed AdministratorAccess.
 * A document, statement list or value the rule cannot read counts as the broad grant.
 */
export const IamLeastPrivilege: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'IAM-LEAST-PRIVILEGE',
  controlId: 'SECURITY-HARDENING',
  category: 'security',
  resourceTypes: [
    'AWS::IAM::Policy',
    'AWS::IAM::ManagedPolicy',
    'AWS::IAM::RolePolicy',
    'AWS::IAM::UserPolicy',
    'AWS::IAM::GroupPolicy',
    'AWS::IAM::Role',
    'AWS::IAM::User',
    'AWS::IAM::Group',
  ],
  info: 'The IAM resource grants administrator access (the finding names the statement or policy).',
  explanation:
    'An identity that may do anything turns one leaked credential or one compromised task into a compromised account (gap 2.2, "/security/hardening": privileged actions). ' +
    'Grant the actions and resources the workload needs (CDK: `bucket.grantRead(role)`, `new iam.PolicyStatement({ actions: [...], resources: [...] })`), ' +
    'trust a named service or account (add a Condition such as `sts:ExternalId` for third parties), and never attach AdministratorAccess to workload identities.',
  test: 'test/aspects/rules/security/iam-least-privilege.spec.ts',
  check: (node: CfnResource) => {
    const findings: string[] = [];
    const documents = identityDocuments(node);
    if (documents === undefined) findings.push(`Policies is ${shown(node, prop(node, 'Policies'))}, cannot be read (it could grant anything)`);
    for (const { where, document } of documents ?? []) {
      const statements = statementsOf(node, document);
      if (statements === undefined) {
        findings.push(`${where} cannot be read (it could grant anything)`);
        continue;
      }
      statements.forEach((st, i) => {
        if (grantsEverything(node, st)) findings.push(`${where} Statement.${i} allows Action ${shown(node, st.Action)} on ${st.NotResource !== undefined ? 'NotResource' : `Resource ${shown(node, st.Resource)}`}`);
      });
    }
    if (node.cfnResourceType === 'AWS::IAM::Role') {
      const trust = statementsOf(node, prop(node, 'AssumeRolePolicyDocument'));
      if (trust === undefined) findings.push('AssumeRolePolicyDocument cannot be read (it could trust anyone)');
      (trust ?? []).forEach((st, i) => {
        if (trustsAnyone(node, st)) findings.push(`AssumeRolePolicyDocument Statement.${i} trusts any principal (Principal ${shown(node, st.Principal ?? st.NotPrincipal)}) without a Condition`);
      });
    }
    if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(node.cfnResourceType)) {
      if (listMayContain(node, prop(node, 'ManagedPolicyArns'), ADMINISTRATOR_ACCESS)) findings.push('ManagedPolicyArns holds, or could hold, AdministratorAccess');
    }
    return verdict(findings);
  },
});
