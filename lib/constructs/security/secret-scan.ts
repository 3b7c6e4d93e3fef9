/**
 * Finds secret material in a synthesized CloudFormation template: literal passwords and tokens in
 * properties, secret values written into a secret's SecretString, secrets in plain container or
 * function environment variables, and well-known key formats anywhere. Dynamic references
 * (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`) and intrinsics are not material.
 */

export interface SecretFinding {
  /** `LogicalId.Properties.Path.To.Value`. */
  readonly location: string;
  readonly reason: string;
}

/** Property and variable names that hold a secret when given a literal value. */
const SECRET_NAME = /(passw(or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|credential)/i;
/** Names that only point at a secret or describe it. */
const REFERENCE_NAME = /(arn|_?id|_?name|_?field|length|type|strategy|enabled|mode|policy|stage|version|url|endpoint|port|host)$/i;
const WELL_KNOWN = [
  { pattern: /AKIA[0-9A-Z]{16}/, reason: 'an AWS access key ID' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, reason: 'a PEM private key' },
  { pattern: /\bsk_live_[0-9a-zA-Z]{10,}/, reason: 'a Stripe live secret key' },
  { pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}/, reason: 'a Slack token' },
  { pattern: /\bgh[pousr]_[0-9A-Za-z]{30,}/, reason: 'a GitHub token' },
];
const DYNAMIC_REFERENCE = /^\{\{resolve:(secretsmanager|ssm-secure):/;

function isLiteral(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !DYNAMIC_REFERENCE.test(value);
}

function looksSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_NAME.test(name);
}

function walk(value: unknown, path: string, visit: (value: unknown, path: string, key: string) => void, key = ''): void {
  visit(value, path, key);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, visit, key));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, visit, k);
  }
}

/** Environment entries of ECS containers (`[{Name, Value}]`) and Lambda functions (`{Variables: {...}}`). */
function environmentFindings(logicalId: string, resource: Record<string, any>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const props = resource.Properties ?? {};
  if (resource.Type === 'AWS::ECS::TaskDefinition') {
    (props.ContainerDefinitions ?? []).forEach((c: Record<string, any>, i: number) => {
      (c.Environment ?? []).forEach((e: Record<string, unknown>, j: number) => {
        if (typeof e.Name === 'string' && looksSecretName(e.Name) && isLiteral(e.Value)) {
          findings.push({ location: `${logicalId}.Properties.ContainerDefinitions[${i}].Environment[${j}] (${e.Name})`, reason: 'a secret in a plain container environment variable: use the container\'s Secrets (ecs.Secret.fromSecretsManager)' });
        }
      });
    });
  }
  if (resource.Type === 'AWS::Lambda::Function' || resource.Type === 'AWS::Serverless::Function') {
    for (const [name, value] of Object.entries((props.Environment?.Variables ?? {}) as Record<string, unknown>)) {
      if (looksSecretName(name) && isLiteral(value)) {
        findings.push({ location: `${logicalId}.Properties.Environment.Variables.${name}`, reason: 'a secret in a plain function environment variable: pass the secret ARN and read it at run time' });
      }
    }
  }
  return findings;
}

/** Every piece of secret material in `template` (a synthesized CloudFormation template). */
export function findSecretMaterial(template: { Resources?: Record<string, any>; Parameters?: Record<string, any>; Outputs?: Record<string, any> }): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::SecretsManager::Secret' && props.SecretString !== undefined && !DYNAMIC_REFERENCE.test(String(props.SecretString))) {
      findings.push({ location: `${logicalId}.Properties.SecretString`, reason: 'a secret value written into the template (SecretValue.unsafePlainText or a literal): use generateSecretString or set it out of band' });
    }
    findings.push(...environmentFindings(logicalId, resource));
    walk(props, `${logicalId}.Properties`, (value, path, key) => {
      if (typeof value !== 'string') return;
      for (const known of WELL_KNOWN) if (known.pattern.test(value)) findings.push({ location: path, reason: known.reason });
      // Literal values of secret-named properties (MasterUserPassword, AuthToken, ...), outside environment lists (handled above).
      if (key && looksSecretName(key) && isLiteral(value) && !/Environment/.test(path) && resource.Type !== 'AWS::SecretsManager::Secret') {
        findings.push({ location: path, reason: `a literal value for "${key}": use a dynamic reference to Secrets Manager` });
      }
    });
  }
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (looksSecretName(name) && parameter?.NoEcho !== true && parameter?.Default !== undefined) {
      findings.push({ location: `Parameters.${name}.Default`, reason: 'a secret-named parameter with a default value' });
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    walk(output?.Value, `Outputs.${name}.Value`, (value, path) => {
      if (typeof value !== 'string') return;
      for (const known of WELL_KNOWN) if (known.pattern.test(value)) findings.push({ location: path, reason: known.reason });
    });
  }
  return findings;
}
