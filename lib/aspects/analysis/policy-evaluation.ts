/**
 * A small, conservative IAM evaluator over rendered templates, for the runtime-wiring rules: may this
 * role perform this action on this resource? It only says yes when the template proves it.
 *
 * - An Allow counts when its Effect is the literal `Allow`, an Action (or the complement of a
 *   NotAction) matches, a Resource is `*` or a reference to the target, and every Condition is one the
 *   rule knows will hold (`kms:ViaService` of the right service and region, the encryption context of
 *   the target secret). Any other condition, a value it cannot read, a literal ARN pattern, a
 *   NotResource: the statement does not count.
 * - A Deny counts against unless the template proves it does not apply: another resource (by
 *   reference), another action, or a `*NotLike`/`*NotEquals` condition on `aws:PrincipalArn` with a
 *   pattern that covers the role's ARN (role names CloudFormation generates start with the stack name).
 * - A permissions boundary the rule cannot read as allowing the action counts against.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { jsonOf, logicalIdOf, memoPerRun, primitive, prop, resourcesOfType } from '../rule-helpers';
import { referencedResource } from '../rules/intrinsics';
import { referenceTest, refersTo } from './references';

export type Statement = Record<string, unknown>;

/** One reason a check failed, for the finding. */
export interface Verdict {
  readonly ok: boolean;
  readonly why: string;
}

/** What the action is about: the target resource, and the service a `kms:ViaService` condition may name. */
export interface Request {
  readonly action: string;
  readonly target: CfnResource;
  /** The service the call goes through (`secretsmanager` for a secret's key); other ViaService values fail. */
  readonly viaService?: string;
  /** The secret whose value the key decrypts (`kms:EncryptionContext:SecretARN`). */
  readonly secret?: CfnResource;
  /**
   * Whether a Resource element names the target, for ARNs built around a reference (rds-db:
   * `...:dbuser:<resource id>/<user>`): `true`, `false` (proved not), `undefined` (cannot tell).
   * @default - `*` or a reference to the target
   */
  readonly matchResource?: (node: CfnResource, element: unknown) => boolean | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The resource a reference stands for in a policy: an RDS secret attachment (`Ref` = the secret's ARN)
 * stands for its secret.
 */
export function canonical(resource: CfnResource | undefined): CfnResource | undefined {
  if (resource?.cfnResourceType !== 'AWS::SecretsManager::SecretTargetAttachment') return resource;
  return canonical(referencedResource(resource, prop(resource, 'SecretId')));
}

/** `{ Ref }`, `{ Fn::GetAtt }` or `{ Fn::ImportValue }` of a resource (not a pseudo parameter). */
function isSingleReference(v: unknown): v is Record<string, unknown> {
  if (!isObject(v) || Object.keys(v).length !== 1) return false;
  if (typeof v.Ref === 'string') return !v.Ref.startsWith('AWS::');
  return 'Fn::GetAtt' in v || 'Fn::ImportValue' in v;
}

/** An IAM action pattern (`*`, `kms:*`, `kms:Decrypt*`) matched case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

/** The items of a list-or-scalar policy field. */
function items(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether the statement's actions cover `action`: `true`, `false`, or `undefined` (unreadable). */
function coversAction(node: CfnResource, st: Statement, action: string): boolean | undefined {
  const read = (v: unknown) => {
    const list = items(v);
    const strings: string[] = [];
    for (const i of list) {
      const r = primitive(node, i);
      if (!r.known || typeof r.value !== 'string') return undefined;
      strings.push(r.value);
    }
    return strings;
  };
  if (st.Action !== undefined) {
    const actions = read(st.Action);
    return actions === undefined ? undefined : actions.some((a) => actionMatches(a, action));
  }
  if (st.NotAction !== undefined) {
    const not = read(st.NotAction);
    return not === undefined ? undefined : !not.some((a) => actionMatches(a, action));
  }
  return false;
}

/** Does a Resource element name the target: `*`, or a reference to it (same stack or an import of its export)? */
function elementIsTarget(node: CfnResource, element: unknown, target: CfnResource): boolean | undefined {
  const r = primitive(node, element);
  if (r.known) return r.value === '*' ? true : undefined;
  const resolved = Stack.of(node).resolve(element);
  if (!isSingleReference(resolved)) return undefined;
  // A plain reference: to the target, or to another resource of the app (certainly not the target).
  if (refersTo(Stack.of(node), resolved, target)) return true;
  // Before synthesis a cross-stack reference still renders as a Ref/GetAtt: look it up.
  const other = canonical(referencedResource(node, resolved));
  return other === target ? true : other ? false : undefined;
}

/** Whether the statement's resources cover the target: `true`, `false` (proved not), `undefined` (cannot tell). */
function coversResource(node: CfnResource, st: Statement, req: Request, implicit: boolean): boolean | undefined {
  const target = req.target;
  if (st.NotResource !== undefined) return undefined;
  if (st.Resource === undefined) return implicit ? true : undefined;
  const list = items(st.Resource);
  let unknown = false;
  for (const element of list) {
    const hit = req.matchResource ? req.matchResource(node, element) : elementIsTarget(node, element, target);
    if (hit === true) return true;
    if (hit === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

/** The region a `kms:ViaService` value names for `service`, when it is `<service>.<region>.amazonaws.com`. */
function viaServiceHolds(node: CfnResource, value: unknown, service: string, targetStack: Stack): boolean {
  const stack = Stack.of(node);
  const resolved = stack.resolve(value);
  const expectRegion = targetStack.resolve(targetStack.region);
  if (typeof resolved === 'string') {
    const m = new RegExp(`^${service}\\.([a-z0-9-]+)\\.amazonaws\\.com$`).exec(resolved);
    return !!m && typeof expectRegion === 'string' && !Token.isUnresolved(expectRegion) && m[1] === expectRegion;
  }
  // secretsmanager.${AWS::Region}.amazonaws.com in the key's own stack (or an env-agnostic pair).
  const join = isObject(resolved) ? resolved['Fn::Join'] : undefined;
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
    const parts = join[1] as unknown[];
    const regionRef = jsonOf(parts[1]) === '{"Ref":"AWS::Region"}';
    return parts.length === 3 && parts[0] === `${service}.` && regionRef && parts[2] === '.amazonaws.com' && (stack === targetStack || stack.region === targetStack.region);
  }
  return false;
}

/** Every Condition of an Allow holds for this request (only conditions the evaluator knows count). */
function conditionsHold(node: CfnResource, st: Statement, req: Request): boolean {
  if (st.Condition === undefined) return true;
  const condition = Stack.of(node).resolve(st.Condition);
  if (!isObject(condition)) return false;
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) return false;
    for (const [key, value] of Object.entries(block)) {
      const values = Array.isArray(value) ? value : [value];
      const k = key.toLowerCase();
      if (k === 'kms:viaservice' && req.viaService && ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase'].includes(operator)) {
        if (!values.some((v) => viaServiceHolds(node, v, req.viaService!, Stack.of(req.target)))) return false;
        continue;
      }
      if (k === 'kms:encryptioncontext:secretarn' && req.secret && ['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike'].includes(operator)) {
        if (!values.some((v) => refersTo(Stack.of(node), v, req.secret!))) return false;
        continue;
      }
      return false;
    }
  }
  return true;
}

/** The role's ARN as a matchable string: `{P}`/`{A}` stand for partition and account; `name` is `undefined` past a known prefix. */
interface RoleArn {
  readonly prefix: string;
  readonly exact: boolean;
}

function roleArnOf(role: CfnResource): RoleArn | undefined {
  const stack = Stack.of(role);
  const account = Token.isUnresolved(stack.account) ? '{A}' : stack.account;
  const pathValue = prop(role, 'Path');
  const path = pathValue === undefined ? { known: true as const, value: '/' } : primitive(role, pathValue);
  if (!path.known || typeof path.value !== 'string') return undefined;
  const p = path.value;
  const nameValue = prop(role, 'RoleName');
  if (nameValue !== undefined) {
    const name = primitive(role, nameValue);
    if (!name.known || typeof name.value !== 'string') return undefined;
    return { prefix: `arn:{P}:iam::${account}:role${p}${name.value}`, exact: true };
  }
  // CloudFormation names the role <stack name>-<logical ID>-<random>.
  return { prefix: `arn:{P}:iam::${account}:role${p}${stack.stackName}-`, exact: false };
}

/** A rendered ARN pattern with pseudo parameters as `{P}`/`{A}`; `undefined` when it holds other intrinsics. */
function patternOf(node: CfnResource, value: unknown): string | undefined {
  const resolved = Stack.of(node).resolve(value);
  const piece = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    const j = jsonOf(v);
    if (j === '{"Ref":"AWS::Partition"}') return '{P}';
    if (j === '{"Ref":"AWS::AccountId"}') return Token.isUnresolved(Stack.of(node).account) ? '{A}' : undefined;
    return undefined;
  };
  // A literal partition (stacks with a known region render one) reads as the placeholder too.
  const canonicalPartition = (arn: string) => arn.replace(/^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):/, 'arn:{P}:');
  if (typeof resolved === 'string') return canonicalPartition(resolved);
  const join = isObject(resolved) ? resolved['Fn::Join'] : undefined;
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map(piece);
    return parts.some((x) => x === undefined) ? undefined : canonicalPartition(parts.join(join[0]));
  }
  return undefined;
}

/** Does a glob (with `*`, `?`) cover every ARN the role can have? */
function patternCoversRole(pattern: string, arn: RoleArn): boolean {
  const re = new RegExp(`^${pattern.split(/([*?])/).map((p) => (p === '*' ? '.*' : p === '?' ? '.' : p.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  if (arn.exact) return re.test(arn.prefix);
  // Unknown suffix: the pattern must be a literal prefix of the known part followed by `*`.
  if (!pattern.endsWith('*') || pattern.slice(0, -1).includes('*') || pattern.includes('?')) return false;
  return arn.prefix.startsWith(pattern.slice(0, -1));
}

/** Does a Deny's Condition provably exclude the role? Only `aws:PrincipalArn` negations are understood. */
function conditionExcludesRole(node: CfnResource, st: Statement, role: CfnResource): boolean {
  if (st.Condition === undefined) return false;
  const condition = Stack.of(node).resolve(st.Condition);
  if (!isObject(condition)) return false;
  const arn = roleArnOf(role);
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block) || !['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'].includes(operator)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() !== 'aws:principalarn') continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (referencedResource(node, v) === role) return true;
        const pattern = patternOf(node, v);
        if (pattern && arn && (operator.endsWith('Like') ? patternCoversRole(pattern, arn) : arn.exact && pattern === arn.prefix)) return true;
      }
    }
  }
  return false;
}

/** Does the statement name the role as principal (resource policies)? `*` does not count in favour. */
function principalIsRole(node: CfnResource, st: Statement, role: CfnResource): boolean {
  const principal = Stack.of(node).resolve(st.Principal);
  if (!isObject(principal)) return false;
  const aws = principal.AWS;
  const list = Array.isArray(aws) ? aws : [aws];
  return list.some((p) => p !== undefined && referencedResource(node, p) === role);
}

/** Is the principal the account itself (`arn:...:root` or the account ID): the key policy delegates to IAM? */
function principalIsAccount(node: CfnResource, st: Statement): boolean {
  const principal = Stack.of(node).resolve(st.Principal);
  if (!isObject(principal)) return false;
  const aws = principal.AWS;
  const list = Array.isArray(aws) ? aws : [aws];
  const stack = Stack.of(node);
  return list.some((p) => {
    const pattern = patternOf(node, p);
    if (pattern === undefined) return false;
    const account = Token.isUnresolved(stack.account) ? '{A}' : stack.account;
    return pattern === `arn:{P}:iam::${account}:root` || pattern === account;
  });
}

export function statementsOfDocument(node: CfnResource, document: unknown): Statement[] | undefined {
  const doc = Stack.of(node).resolve(document);
  if (!isObject(doc)) return undefined;
  if (doc.Statement === undefined) return [];
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list.every(isObject) ? (list as Statement[]) : undefined;
}

/** A policy document of the role: inline, attached AWS::IAM::Policy/ManagedPolicy of the app. `document` is undefined when unreadable. */
export interface PolicySource {
  readonly owner: CfnResource;
  readonly statements: Statement[] | undefined;
}

/** Every identity policy of the role that the app defines (memoized per gate run). */
export function identityPolicies(role: CfnResource): PolicySource[] {
  return memoPerRun(role, 'wiring:identityPolicies', () => computeIdentityPolicies(role));
}

function computeIdentityPolicies(role: CfnResource): PolicySource[] {
  const isRole = referenceTest(role);
  const attached = (policy: CfnResource, listProp: string) => {
    const list = prop(policy, listProp);
    const entries = Array.isArray(list) ? list : list === undefined ? [] : [list];
    const stack = Stack.of(policy);
    return entries.some((e) => {
      const v = stack.resolve(e);
      if (!isSingleReference(v)) return false;
      if (isRole(stack, v)) return true;
      // Before synthesis a cross-stack reference still renders as a Ref/GetAtt.
      return stack !== Stack.of(role) && referencedResource(policy, v) === role;
    });
  };
  const sources: PolicySource[] = [];
  const inline = prop(role, 'Policies');
  for (const p of Array.isArray(inline) ? inline : inline === undefined ? [] : [undefined]) {
    sources.push({ owner: role, statements: isObject(p) ? statementsOfDocument(role, p.PolicyDocument) : undefined });
  }
  const root = role.node.root;
  for (const policy of resourcesOfType(root, 'AWS::IAM::Policy')) {
    if (attached(policy, 'Roles')) sources.push({ owner: policy, statements: statementsOfDocument(policy, prop(policy, 'PolicyDocument')) });
  }
  for (const policy of resourcesOfType(root, 'AWS::IAM::RolePolicy')) {
    if (attached(policy, 'RoleName')) sources.push({ owner: policy, statements: statementsOfDocument(policy, prop(policy, 'PolicyDocument')) });
  }
  const managedArns = prop(role, 'ManagedPolicyArns');
  const arns = Array.isArray(managedArns) ? managedArns : managedArns === undefined ? [] : [managedArns];
  const managed = new Set<CfnResource>();
  for (const arn of arns) {
    const resolved = Stack.of(role).resolve(arn);
    if (!isSingleReference(resolved)) continue;
    // AWS managed policies (literal ARNs) are not read: they never count in favour, and hold no Deny.
    const target = referencedResource(role, resolved);
    if (target?.cfnResourceType === 'AWS::IAM::ManagedPolicy') managed.add(target);
  }
  for (const policy of resourcesOfType(root, 'AWS::IAM::ManagedPolicy')) {
    if (managed.has(policy) || attached(policy, 'Roles')) sources.push({ owner: policy, statements: statementsOfDocument(policy, prop(policy, 'PolicyDocument')) });
  }
  return sources;
}

/** The result of reading a set of policies for one request. */
interface Reading {
  allowed: boolean;
  /** A Deny that applies or may apply, or an unreadable policy: described for the finding. */
  denied?: string;
}

function read(sources: readonly PolicySource[], role: CfnResource, req: Request, kind: 'identity' | 'resource'): Reading {
  const result: Reading = { allowed: false };
  for (const { owner, statements } of sources) {
    if (!statements) {
      result.denied ??= `${owner.node.path} has a policy document the rule cannot read`;
      continue;
    }
    for (const st of statements) {
      const effect = primitive(owner, st.Effect);
      const action = coversAction(owner, st, req.action);
      if (action === false) continue;
      const resource = coversResource(owner, st, req, kind === 'resource');
      if (effect.known && effect.value === 'Deny') {
        if (resource === false) continue;
        if (kind === 'resource' && st.Principal !== undefined && !principalMayBeRole(owner, st, role)) continue;
        if (conditionExcludesRole(owner, st, role)) continue;
        result.denied ??= `${owner.node.path} denies ${req.action}${st.Sid ? ` (Sid ${String(st.Sid)})` : ''}`;
        continue;
      }
      if (!effect.known || effect.value !== 'Allow' || action !== true || resource !== true) continue;
      if (kind === 'resource' && !principalIsRole(owner, st, role)) continue;
      if (conditionsHold(owner, st, req)) result.allowed = true;
    }
  }
  return result;
}

/** A resource-policy Deny names a principal: could it be the role? (`*`, the role, or anything unreadable.) */
function principalMayBeRole(node: CfnResource, st: Statement, role: CfnResource): boolean {
  const principal = Stack.of(node).resolve(st.Principal);
  if (principal === '*') return true;
  if (!isObject(principal)) return true;
  const aws = principal.AWS;
  if (aws === undefined) return Object.keys(principal).length === 0;
  const list = Array.isArray(aws) ? aws : [aws];
  return list.some((p) => p === '*' || referencedResource(node, p) === role || !referencedResource(node, p));
}

/** The permissions boundary allows the action (or there is none). */
function boundaryAllows(role: CfnResource, req: Request): Verdict {
  const boundary = prop(role, 'PermissionsBoundary');
  if (boundary === undefined) return { ok: true, why: '' };
  const policy = referencedResource(role, boundary);
  if (policy?.cfnResourceType !== 'AWS::IAM::ManagedPolicy') return { ok: false, why: `${role.node.path} has a PermissionsBoundary the rule cannot read` };
  const r = read([{ owner: policy, statements: statementsOfDocument(policy, prop(policy, 'PolicyDocument')) }], role, req, 'identity');
  if (r.denied) return { ok: false, why: r.denied };
  return r.allowed ? { ok: true, why: '' } : { ok: false, why: `the PermissionsBoundary ${policy.node.path} does not allow ${req.action}` };
}

/** May `role` call `req.action` on `req.target`, given its identity policies and the target's resource policies? */
export function roleMay(
  role: CfnResource, req: Request, resourcePolicies: readonly PolicySource[], opts: { identityCounts: boolean }): Verdict {
  const identity = read(identityPolicies(role), role, req, 'identity');
  const resource = read(resourcePolicies, role, req, 'resource');
  const denied = identity.denied ?? resource.denied;
  if (denied) return { ok: false, why: denied };
  const allowed = (opts.identityCounts && identity.allowed) || resource.allowed;
  if (!allowed) return { ok: false, why: `no statement allows ${req.action} on ${logicalIdOf(req.target)} to ${role.node.path}` };
  const boundary = boundaryAllows(role, req);
  // A boundary does not limit what a resource policy grants to the role ARN itself; be conservative anyway.
  return boundary.ok ? { ok: true, why: '' } : boundary;
}

/** The AWS::SecretsManager::ResourcePolicy documents on a secret. */
export function secretResourcePolicies(secret: CfnResource): PolicySource[] {
  return resourcesOfType(secret.node.root, 'AWS::SecretsManager::ResourcePolicy')
    .filter((p) => canonical(referencedResource(p, prop(p, 'SecretId'))) === secret)
    .map((p) => ({ owner: p, statements: statementsOfDocument(p, prop(p, 'ResourcePolicy')) }));
}

/** The key policy as a policy source, and whether it delegates kms:Decrypt to IAM (root principal, unconditional). */
export function keyPolicy(key: CfnResource): { source: PolicySource; delegatesToIam: boolean } {
  const statements = statementsOfDocument(key, prop(key, 'KeyPolicy'));
  const delegatesToIam = !!statements?.some(
    (st) => primitive(key, st.Effect).known && st.Effect === 'Allow' && st.Condition === undefined && principalIsAccount(key, st) && coversAction(key, st, 'kms:Decrypt') === true,
  );
  return { source: { owner: key, statements }, delegatesToIam };
}
