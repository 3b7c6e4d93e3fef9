import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isTrue, jsonOf, logicalIdOf, primitive, prop, resourcesOfType } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { refersTo } from '../../analysis/references';
import { roleMay } from '../../analysis/policy-evaluation';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The attribute an rds-db ARN must carry for each target: the proxy's ARN (its 7th field), the cluster's or instance's resource ID. */
const ID_ATTRIBUTE: Record<string, string> = {
  'AWS::RDS::DBProxy': 'DBProxyArn',
  'AWS::RDS::DBCluster': 'DBClusterResourceId',
  'AWS::RDS::DBInstance': 'DbiResourceId',
};

/** Every reference (Ref, GetAtt, ImportValue) inside a rendered value. */
function references(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (isObject(value)) {
    if (Object.keys(value).length === 1 && ('Ref' in value || 'Fn::GetAtt' in value || 'Fn::ImportValue' in value)) out.push(value);
    else Object.values(value).forEach((v) => references(v, out));
  }
  return out;
}

/** The literal pieces of a rendered `Fn::Join`, in order (references as `undefined`). */
function joinPieces(resolved: unknown): (string | undefined)[] | undefined {
  const join = isObject(resolved) ? resolved['Fn::Join'] : undefined;
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) return undefined;
  const out: (string | undefined)[] = [];
  (join[1] as unknown[]).forEach((p, i) => {
    if (i > 0 && join[0] !== '') out.push(join[0]);
    out.push(typeof p === 'string' ? p : undefined);
  });
  return out;
}

/**
 * A matcher for `rds-db:connect` resources of `target`: `arn:...:rds-db:<region>:<account>:dbuser:<id>/<user>`
 * where `<id>` is built from a reference to the target's ID attribute (the proxy ARN's 7th field).
 * `*` matches; another resource's ID does not; literal patterns cannot be told apart.
 */
function dbUserMatcher(target: CfnResource): (node: CfnResource, element: unknown) => boolean | undefined {
  const attribute = ID_ATTRIBUTE[target.cfnResourceType];
  return (node, element) => {
    const literal = primitive(node, element);
    if (literal.known) return literal.value === '*' ? true : undefined;
    const resolved = Stack.of(node).resolve(element);
    const pieces = joinPieces(resolved);
    // Pseudo parameters (partition, region, account) are not the ID.
    const refs = references(resolved).filter((r) => !(typeof r.Ref === 'string' && r.Ref.startsWith('AWS::')));
    if (!pieces || refs.length === 0) return undefined;
    const targets = refs.map((r) => referencedResource(node, r));
    if (targets.some((t) => t && t !== target)) return false;
    if (targets.some((t) => t !== target) || !refs.every((r) => jsonOf(r).includes(attribute))) return undefined;
    // The shape: ...:rds-db:...:dbuser:<id>/<user>, with a user name after the ID.
    const text = pieces.map((p) => p ?? '\u0000').join('');
    if (!/:rds-db:/.test(text) || !/:dbuser:\u0000\/[A-Za-z_*][A-Za-z0-9_*]*$/.test(text)) return undefined;
    if (target.cfnResourceType === 'AWS::RDS::DBProxy' && !jsonOf(resolved).includes('{"Fn::Select":[6,{"Fn::Split":[":",')) return undefined;
    return true;
  };
}

/** Roles of the app that may call rds-db:connect on `target` (other than `except`). */
function connectingRoles(target: CfnResource, except?: CfnResource): CfnResource[] {
  const matchResource = dbUserMatcher(target);
  return resourcesOfType(target.node.root, 'AWS::IAM::Role').filter(
    (role) => role !== except && roleMay(role, { action: 'rds-db:connect', target, matchResource }, [], { identityCounts: true }).ok,
  );
}

/** Why the proxy requires IAM, or `undefined` when it does not (unreadable settings count as requiring it). */
function iamRequirement(proxy: CfnResource): string | undefined {
  const scheme = prop(proxy, 'DefaultAuthScheme');
  if (scheme !== undefined) {
    const r = primitive(proxy, scheme);
    if (!r.known || r.value === 'IAM_AUTH') return `DefaultAuthScheme = ${JSON.stringify(Stack.of(proxy).resolve(scheme))}`;
  }
  const auth = prop(proxy, 'Auth');
  const list = Array.isArray(auth) ? auth : auth === undefined ? [] : [auth];
  for (const [i, a] of list.entries()) {
    if (!isObject(a)) return `Auth[${i}] cannot be read`;
    const r = primitive(proxy, a.IAMAuth);
    if (!r.known || r.value === 'REQUIRED') return `Auth[${i}].IAMAuth = ${JSON.stringify(Stack.of(proxy).resolve(a.IAMAuth))}`;
  }
  return undefined;
}

/** Clusters and instances a proxy's target groups point at. */
function proxyTargets(proxy: CfnResource): CfnResource[] {
  const out: CfnResource[] = [];
  for (const group of resourcesOfType(proxy.node.root, 'AWS::RDS::DBProxyTargetGroup')) {
    if (referencedResource(group, prop(group, 'DBProxyName')) !== proxy) continue;
    for (const name of ['DBClusterIdentifiers', 'DBInstanceIdentifiers']) {
      const ids = prop(group, name);
      for (const id of Array.isArray(ids) ? ids : []) {
        const t = referencedResource(group, id);
        if (t) out.push(t);
      }
    }
  }
  return out;
}

/** Is the cluster or instance behind a proxy, or is its master secret read by a workload (a password path)? */
function hasOtherClientPath(db: CfnResource): boolean {
  const root = db.node.root;
  for (const group of resourcesOfType(root, 'AWS::RDS::DBProxyTargetGroup')) {
    for (const name of ['DBClusterIdentifiers', 'DBInstanceIdentifiers']) {
      const ids = prop(group, name);
      if (Array.isArray(ids) && ids.some((id) => referencedResource(group, id) === db)) return true;
    }
  }
  // Secrets attached to the database: a task or function that reads one logs in with a password.
  const secrets = resourcesOfType(root, 'AWS::SecretsManager::SecretTargetAttachment')
    .filter((a) => referencedResource(a, prop(a, 'TargetId')) === db)
    .flatMap((a) => [a, referencedResource(a, prop(a, 'SecretId'))].filter((s): s is CfnResource => !!s));
  const consumers = [...resourcesOfType(root, 'AWS::ECS::TaskDefinition'), ...resourcesOfType(root, 'AWS::Lambda::Function')];
  return consumers.some((c) => {
    const values = c.cfnResourceType === 'AWS::ECS::TaskDefinition' ? prop(c, 'ContainerDefinitions') : prop(c, 'Environment');
    const resolved = Stack.of(c).resolve(values);
    return secrets.some((s) => refersTo(Stack.of(c), resolved, s));
  });
}

/**
 * Readiness-DB-CLIENT-AUTH: a database that only takes IAM tokens has someone who can get one.
 * An RDS Proxy that requires IAM (`DefaultAuthScheme: IAM_AUTH`, or an `Auth[].IAMAuth` REQUIRED) needs
 * at least one IAM role with `rds-db:connect` on `arn:...:rds-db:<region>:<account>:dbuser:<proxy ID>/<user>`
 * (the ID by reference to the proxy's ARN); with end-to-end IAM (`IAM_AUTH`), the proxy's own role also
 * needs `rds-db:connect` on each cluster or instance it targets. A cluster or instance with IAM database
 * authentication and no other client path (no proxy in front, no workload reading its secret) needs a
 * role with `rds-db:connect` on its resource ID. Denies, conditions and patterns it cannot prove do not count.
 */
export const DatabaseClientsCanAuthenticate: ResourceRule = {
  kind: 'resource',
  id: 'DB-CLIENT-AUTH',
  controlId: 'RUNTIME-WIRING',
  category: 'ha',
  resourceTypes: ['AWS::RDS::DBProxy', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
  info: 'The database requires IAM authentication but no IAM role may call rds-db:connect on it: no client can log in.',
  explanation:
    'With IAM authentication required, a client logs in with a token signed for `rds-db:connect` on `dbuser:<proxy or cluster resource ID>/<user>`. ' +
    'Without such a grant every connection is refused. CDK: `proxy.grantConnect(taskRole, "app_user")` (or `cluster.grantConnect`) and create the ' +
    'database user with `GRANT rds_iam`; with `DefaultAuthScheme: IAM_AUTH` also `cluster.grantConnect(proxyRole, "app_user")`.',
  test: 'test/aspects/rules/wiring/database-clients-can-authenticate.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType === 'AWS::RDS::DBProxy') {
      const requirement = iamRequirement(node);
      if (!requirement) return NagRuleCompliance.NOT_APPLICABLE;
      const proxyRole = referencedResource(node, prop(node, 'RoleArn'));
      const findings: string[] = [];
      if (connectingRoles(node, proxyRole).length === 0) {
        findings.push(`${requirement}: no IAM role has rds-db:connect on arn:...:rds-db:...:dbuser:<${logicalIdOf(node)} ID>/<user>`);
      }
      const scheme = primitive(node, prop(node, 'DefaultAuthScheme'));
      if (scheme.known && scheme.value === 'IAM_AUTH') {
        const targets = proxyTargets(node);
        if (targets.length === 0) findings.push('DefaultAuthScheme = "IAM_AUTH": no DBProxyTargetGroup of the proxy names a cluster or instance of the app');
        for (const t of targets) {
          if (!isTrue(t, prop(t, 'EnableIAMDatabaseAuthentication'))) {
            findings.push(`DefaultAuthScheme = "IAM_AUTH": the target ${logicalIdOf(t)} does not set EnableIAMDatabaseAuthentication = true, so the proxy cannot log in to it with IAM`);
            continue;
          }
          const matchResource = dbUserMatcher(t);
          const ok = proxyRole?.cfnResourceType === 'AWS::IAM::Role' && roleMay(proxyRole, { action: 'rds-db:connect', target: t, matchResource }, [], { identityCounts: true }).ok;
          if (!ok) findings.push(`RoleArn: the proxy role may not rds-db:connect to ${logicalIdOf(t)} (end-to-end IAM authentication logs in to the database with the proxy's role)`);
        }
      }
      return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
    }
    if (!isTrue(node, prop(node, 'EnableIAMDatabaseAuthentication'))) return NagRuleCompliance.NOT_APPLICABLE;
    if (hasOtherClientPath(node)) return NagRuleCompliance.NOT_APPLICABLE;
    return connectingRoles(node).length > 0
      ? NagRuleCompliance.COMPLIANT
      : [`EnableIAMDatabaseAuthentication = true, no proxy and no workload reading its secret: no IAM role has rds-db:connect on its ${ID_ATTRIBUTE[node.cfnResourceType]}`];
  },
};
