import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isTrue, logicalIdOf, primitive, prop } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { identityPolicies, keyPolicy, roleMay, secretResourcePolicies, Statement } from '../../analysis/policy-evaluation';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every sub-value of a rendered value that is a reference (Ref, GetAtt, ImportValue). */
function references(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (isObject(value)) {
    if (Object.keys(value).length === 1 && ('Ref' in value || 'Fn::GetAtt' in value || 'Fn::ImportValue' in value)) out.push(value);
    else Object.values(value).forEach((v) => references(v, out));
  }
  return out;
}

/** The secret a resource stands for: the secret itself, or the secret of an RDS target attachment. */
export function asSecret(resource: CfnResource | undefined): CfnResource | undefined {
  if (!resource) return undefined;
  if (resource.cfnResourceType === 'AWS::SecretsManager::Secret') return resource;
  if (resource.cfnResourceType === 'AWS::SecretsManager::SecretTargetAttachment') return asSecret(referencedResource(resource, prop(resource, 'SecretId')));
  return undefined;
}

/** The app's secrets a rendered value points at. */
function secretsIn(node: CfnResource, value: unknown): CfnResource[] {
  const resolved = Stack.of(node).resolve(value);
  const found = references(resolved)
    .map((r) => asSecret(referencedResource(node, r)))
    .filter((s): s is CfnResource => !!s);
  return [...new Set(found)];
}

/** A value that names a Secrets Manager secret (not an SSM parameter): literal ARNs, or anything unreadable. */
function namesSecretsManager(node: CfnResource, value: unknown): boolean {
  const r = primitive(node, value);
  if (r.known) return typeof r.value === 'string' && /^arn:[^:]+:secretsmanager:/.test(r.value);
  const json = JSON.stringify(Stack.of(node).resolve(value));
  return !/:ssm:|parameter\//.test(json);
}

/** One consumed secret and where the consumer names it. */
interface Consumption {
  readonly where: string;
  readonly value: unknown;
  /** The secrets, when already known (role-policy statements, possibly in another stack). */
  readonly secrets?: CfnResource[];
}

function consumptionsOfTaskDefinition(node: CfnResource): Consumption[] | string {
  const containers = prop(node, 'ContainerDefinitions');
  if (!Array.isArray(containers)) return 'ContainerDefinitions cannot be read';
  const out: Consumption[] = [];
  containers.forEach((c, i) => {
    if (!isObject(c)) return;
    const secrets = Array.isArray(c.Secrets) ? c.Secrets : [];
    secrets.forEach((s, j) => isObject(s) && out.push({ where: `ContainerDefinitions[${i}].Secrets[${j}].ValueFrom`, value: s.ValueFrom }));
    if (isObject(c.RepositoryCredentials)) out.push({ where: `ContainerDefinitions[${i}].RepositoryCredentials.CredentialsParameter`, value: c.RepositoryCredentials.CredentialsParameter });
  });
  return out;
}

function consumptionsOfFunction(node: CfnResource, role: CfnResource | undefined): Consumption[] {
  const out: Consumption[] = [];
  const env = prop(node, 'Environment');
  const vars = isObject(env) && isObject(env.Variables) ? env.Variables : {};
  for (const [name, value] of Object.entries(vars)) if (secretsIn(node, value).length > 0) out.push({ where: `Environment.Variables.${name}`, value });
  if (role) {
    for (const { owner, statements } of identityPolicies(role)) {
      (statements ?? []).forEach((st: Statement, i) => {
        const json = JSON.stringify(st.Action ?? st.NotAction ?? '');
        if (!/secretsmanager:|"\*"/i.test(json)) return;
        const secrets = secretsIn(owner, st.Resource);
        if (secrets.length > 0) out.push({ where: `${owner.node.path} Statement[${i}]`, value: st.Resource, secrets });
      });
    }
  }
  return out;
}

/** Findings for one secret read by `role`: GetSecretValue on it, kms:Decrypt on its customer key. */
export function checkSecret(role: CfnResource, secret: CfnResource): string[] {
  const findings: string[] = [];
  const id = logicalIdOf(secret);
  const get = roleMay(role, { action: 'secretsmanager:GetSecretValue', target: secret }, secretResourcePolicies(secret), { identityCounts: true });
  if (!get.ok) findings.push(`${id}: secretsmanager:GetSecretValue: ${get.why}`);
  const kmsKeyId = prop(secret, 'KmsKeyId');
  if (kmsKeyId === undefined) return findings;
  const literal = primitive(secret, kmsKeyId);
  if (literal.known && literal.value === 'alias/aws/secretsmanager') return findings;
  let key = referencedResource(secret, kmsKeyId);
  if (key?.cfnResourceType === 'AWS::KMS::Alias') key = referencedResource(key, prop(key, 'TargetKeyId'));
  if (key?.cfnResourceType !== 'AWS::KMS::Key') {
    findings.push(`${id}: KmsKeyId = ${JSON.stringify(Stack.of(secret).resolve(kmsKeyId))}: a key outside the app (its key policy cannot be read)`);
    return findings;
  }
  const enabled = prop(key, 'Enabled');
  if (enabled !== undefined && !isTrue(key, enabled)) {
    findings.push(`${id}: KmsKeyId: ${logicalIdOf(key)} has Enabled = ${JSON.stringify(Stack.of(key).resolve(enabled))}: a disabled key decrypts nothing`);
    return findings;
  }
  const policy = keyPolicy(key);
  const decrypt = roleMay(role, { action: 'kms:Decrypt', target: key, viaService: 'secretsmanager', secret }, [policy.source], { identityCounts: policy.delegatesToIam });
  if (!decrypt.ok) {
    const delegation = policy.delegatesToIam ? '' : ' (the key policy does not delegate to IAM, so only a key-policy statement naming the role counts)';
    findings.push(`${id}: kms:Decrypt on ${logicalIdOf(key)}: ${decrypt.why}${delegation}`);
  }
  return findings;
}

/**
 * Readiness-SECRET-READABLE: every secret an ECS task definition injects (container `Secrets[].ValueFrom`,
 * `RepositoryCredentials`) can be read at task start by its execution role, and every secret a Lambda
 * function names (environment, role policy) by its role: secretsmanager:GetSecretValue on the secret and,
 * when the secret has a customer `KmsKeyId`, kms:Decrypt on that key (from the role's policies when the
 * key policy delegates to IAM, or from a key-policy statement naming the role). An explicit Deny that
 * may apply, a condition the rule cannot prove, a resource that is not the secret or its key, a
 * permissions boundary it cannot read, or a secret or key outside the app counts against it.
 */
export const SecretReadableByConsumer: ResourceRule = {
  kind: 'resource',
  id: 'SECRET-READABLE',
  controlId: 'RUNTIME-WIRING',
  category: 'security',
  resourceTypes: ['AWS::ECS::TaskDefinition', 'AWS::Lambda::Function'],
  info: 'A secret the workload reads at start-up is not readable by its role: secretsmanager:GetSecretValue on the secret or kms:Decrypt on its customer key is missing, denied or conditional.',
  explanation:
    'ECS resolves container secrets with the execution role before the task starts: without GetSecretValue, or without kms:Decrypt on the ' +
    "secret's customer key (a key policy that delegates to IAM needs the IAM grant), no task starts and the service never stabilizes. " +
    'CDK: a key imported by ARN (`kms.Key.fromKeyArn`) silently drops grants; add `kms:Decrypt` on the key ARN to the execution role ' +
    '(condition `kms:ViaService` = `secretsmanager.<region>.amazonaws.com`), or pass the real `IKey`.',
  test: 'test/aspects/rules/wiring/secret-readable-by-consumer.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const isTask = node.cfnResourceType === 'AWS::ECS::TaskDefinition';
    const roleProp = isTask ? 'ExecutionRoleArn' : 'Role';
    const roleValue = prop(node, roleProp);
    const role = roleValue === undefined ? undefined : referencedResource(node, roleValue);
    const validRole = role?.cfnResourceType === 'AWS::IAM::Role' ? role : undefined;
    const consumptions = isTask ? consumptionsOfTaskDefinition(node) : consumptionsOfFunction(node, validRole);
    if (typeof consumptions === 'string') return [consumptions];
    if (consumptions.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const findings: string[] = [];
    const checked = new Map<CfnResource, string[]>();
    for (const { where, value, secrets: known } of consumptions) {
      const secrets = known ?? secretsIn(node, value);
      if (secrets.length === 0) {
        if (namesSecretsManager(node, value)) findings.push(`${where} = ${JSON.stringify(Stack.of(node).resolve(value))}: not a secret of the app, its access cannot be proved`);
        continue;
      }
      if (!validRole) {
        findings.push(`${roleProp} = ${JSON.stringify(roleValue === undefined ? null : Stack.of(node).resolve(roleValue))}: no IAM role of the app reads ${where}`);
        break;
      }
      for (const secret of secrets) {
        if (!checked.has(secret)) checked.set(secret, checkSecret(validRole, secret));
        for (const f of checked.get(secret)!) findings.push(`${where}: ${f}`);
      }
    }
    return findings.length > 0 ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
