import type { StackTemplate } from '../rule-helpers';

/**
 * Secret material written into a template: what the scan looks for and where. A finding names the
 * stack, the place and what the value looks like, never the value itself.
 */

/** Names (property keys, variable names, parameter and output names, SSM parameter names) that hold a secret. */
const SECRET_NAME = /(passw(or)?d|passwd|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?|creds|signing[_-]?key|encryption[_-]?key|conn(ection)?[_-]?str(ing)?)/i;
/** Names that only point at a secret or describe it (an ARN, a name, a URL, a length, a template for generation). */
const REFERENCE_NAME =
  /(arn|_?id|_?ids|_?name|_?field|length|type|strategy|enabled|disabled|mode|policy|stage|version|url|uri|endpoint|port|host|path|param(eter)?|ref(erence)?|template|characters|generatestringkey|rotation|ttl|expir(y|ation)|header|location|_?key_?name|validity|usage|spec|config(uration)?)$/i;
/** A value a secret-named property may hold without being one: references, generators, booleans, placeholders. */
const HARMLESS_VALUE = /^(\{\{resolve:(secretsmanager|ssm-secure|ssm):.*\}\}|arn:aws[a-z-]*:.*|true|false|yes|no|none|null|enabled|disabled|required|optional|\d{1,3})$/i;
/** Dynamic references to a secret: the value stays in Secrets Manager or SSM SecureString. */
const DYNAMIC_SECRET_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

/** Shapes of secret values, wherever they appear. */
const SHAPES: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, what: 'an AWS access key ID' },
  { pattern: /aws.{0,20}secret.{0,20}[=:"'\s][A-Za-z0-9/+]{40}\b/i, what: 'an AWS secret access key' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/, what: 'a private key (PEM)' },
  { pattern: /\bsk_live_[0-9a-zA-Z]{10,}/, what: 'a Stripe live secret key' },
  { pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}/, what: 'a Slack token' },
  { pattern: /\bgh[pousr]_[0-9A-Za-z]{30,}/, what: 'a GitHub token' },
  { pattern: /\bglpat-[0-9A-Za-z_-]{20,}/, what: 'a GitLab token' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: 'a Google API key' },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, what: 'a JSON web token' },
  { pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@{}]+:[^\s@/{}$]+@[^\s]+/i, what: 'a URL with a password' },
  { pattern: /"(password|passwd|secret|token|api_?key|private_?key)"\s*:\s*"[^"{}$]+"/i, what: 'a JSON document with a password' },
];

/** Short forms: `DB_PASS`, `dbPass`, `PWD`. */
const SHORT_SECRET_NAME = /((^|[^A-Za-z])(pass|pwd|PASS|PWD|Pass|Pwd)($|[^A-Za-z])|[a-z](Pass|Pwd)($|[A-Z0-9_]))/;
const looksSecretName = (name: string) => (SECRET_NAME.test(name) || SHORT_SECRET_NAME.test(name)) && !REFERENCE_NAME.test(name);
/** A CDK logical ID without its 8-character hash: `DbPassword` of `DbPasswordA1B2C3D4`. */
const withoutHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/** The string a value is in every deployment: a literal, an `Fn::Join` of literals, an `Fn::Sub` without variables. */
function literalOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const join = (value as any)['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map(literalOf);
    return parts.every((p: unknown) => typeof p === 'string') ? parts.join(join[0]) : undefined;
  }
  const sub = (value as any)['Fn::Sub'];
  if (typeof sub === 'string' && !sub.includes('${')) return sub;
  return undefined;
}

function isLiteralSecret(value: unknown): boolean {
  const literal = literalOf(value);
  return literal !== undefined && literal.trim().length > 0 && !HARMLESS_VALUE.test(literal.trim()) && !DYNAMIC_SECRET_REFERENCE.test(literal);
}

/** Every literal string of a rendered value (the literal pieces of Fn::Join/Fn::Sub included). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

function shapeOf(value: unknown): string | undefined {
  const pieces = strings(value);
  // Each literal, and the literals together (a key split across the pieces of an Fn::Join).
  for (const s of pieces.length > 1 ? [...pieces, pieces.join('')] : pieces) {
    for (const shape of SHAPES) if (shape.pattern.test(s)) return shape.what;
  }
  return undefined;
}

/** One plaintext secret: where it is (`LogicalId.Properties.Path.0.To`) and what it looks like, never the value. */
export interface PlaintextSecret {
  readonly where: string;
  readonly what: string;
}

/** Walks a value: secret-named keys with literal values, Name/Value (Key/Value) pairs with a secret name, and value shapes. */
function walk(value: unknown, path: string, found: PlaintextSecret[], skipNames = false): void {
  if (typeof value === 'string') {
    const shape = shapeOf(value);
    if (shape) found.push({ where: path, what: shape });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}.${i}`, found, skipNames));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  // Environment entries and tags: {Name|Key: "DB_PASSWORD", Value: "..."}; a Type other than PLAINTEXT (CodeBuild) is a reference.
  // CloudFront origin headers: {HeaderName: "X-Origin-Secret", HeaderValue: "..."}.
  const pairName = typeof obj.Name === 'string' ? obj.Name : typeof obj.Key === 'string' ? obj.Key : typeof obj.HeaderName === 'string' ? obj.HeaderName : undefined;
  const pairValue = obj.HeaderName !== undefined ? obj.HeaderValue : obj.Value;
  const plainPair = obj.Type === undefined || obj.Type === 'PLAINTEXT';
  if (!skipNames && pairName !== undefined && looksSecretName(pairName) && plainPair && isLiteralSecret(pairValue)) {
    found.push({ where: `${path} (${pairName})`, what: `a literal value for "${pairName}"` });
  }
  for (const [k, v] of Object.entries(obj)) {
    // Intrinsic function names are not property names.
    const named = !skipNames && !k.startsWith('Fn::') && k !== 'Ref' && looksSecretName(k);
    if (named && isLiteralSecret(v) && !shapeOf(v)) found.push({ where: `${path}.${k}`, what: `a literal value for "${k}"` });
    // GenerateSecretString describes how Secrets Manager generates the secret: its keys are not secrets.
    walk(v, `${path}.${k}`, found, skipNames || k === 'GenerateSecretString');
  }
}

/** Every plaintext secret of one template. */
export function plaintextSecretsIn(template: StackTemplate): PlaintextSecret[] {
  const found: PlaintextSecret[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const where = `${id}.Properties`;
    if (resource.Type === 'AWS::SecretsManager::Secret' && props.SecretString !== undefined) {
      // A secret's value in the template (SecretValue.unsafePlainText, a literal): generate it or set it out of band.
      const literal = literalOf(props.SecretString);
      if (literal !== undefined ? !DYNAMIC_SECRET_REFERENCE.test(literal) : shapeOf(props.SecretString)) {
        found.push({ where: `${where}.SecretString`, what: 'a secret value written into the template' });
      }
      walk({ ...props, SecretString: undefined }, where, found);
      continue;
    }
    if (resource.Type === 'AWS::SSM::Parameter') {
      // CloudFormation cannot create a SecureString: a parameter it creates is plain text, readable with ssm:GetParameter.
      const name = typeof props.Name === 'string' ? props.Name : withoutHash(id);
      if (looksSecretName(name.split('/').pop() ?? name) && isLiteralSecret(props.Value)) {
        found.push({ where: `${where}.Value`, what: `a plain ${String(props.Type ?? 'String')} SSM parameter named like a secret (${name})` });
      } else if (typeof props.Value === 'string' && shapeOf(props.Value)) {
        found.push({ where: `${where}.Value`, what: `${shapeOf(props.Value)} in a plain SSM parameter` });
      }
      walk({ ...props, Value: undefined }, where, found);
      continue;
    }
    walk(props, where, found);
    walk(resource.Metadata ?? {}, `${id}.Metadata`, found, true);
  }
  for (const [name, parameter] of Object.entries(template.Parameters)) {
    const value = parameter?.Default;
    if (value === undefined) continue;
    // NoEcho hides the value in the console, not in the template: a default is still plain text.
    if (looksSecretName(name) && isLiteralSecret(value)) found.push({ where: `Parameters.${name}.Default`, what: `a default value for the secret-named parameter "${name}"` });
    else if (shapeOf(value)) found.push({ where: `Parameters.${name}.Default`, what: shapeOf(value)! });
  }
  for (const [name, output] of Object.entries(template.Outputs)) {
    const value = output?.Value;
    if (strings(value).some((s) => DYNAMIC_SECRET_REFERENCE.test(s))) {
      found.push({ where: `Outputs.${name}.Value`, what: 'a secret resolved into a stack output (anyone with DescribeStacks reads it)' });
    } else if (looksSecretName(withoutHash(name)) && isLiteralSecret(value)) {
      found.push({ where: `Outputs.${name}.Value`, what: `a literal value for the secret-named output "${name}"` });
    } else if (shapeOf(value)) {
      found.push({ where: `Outputs.${name}.Value`, what: shapeOf(value)! });
    }
  }
  walk(template.Mappings, 'Mappings', found);
  walk(template.Metadata, 'Metadata', found, true);
  return found;
}
