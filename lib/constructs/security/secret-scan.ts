/**
 * Finds secret material in a synthesized CloudFormation template: secret values written into a
 * secret's SecretString, literal passwords and tokens in properties, secrets in plain container or
 * function environment variables, secret-named parameters with a default, secrets in outputs, and
 * well-known key formats anywhere. Dynamic references (`{{resolve:secretsmanager:...}}`,
 * `{{resolve:ssm-secure:...}}`) and intrinsics are not material.
 *
 * The scan is the one of Readiness-NO-PLAINTEXT-SECRETS (lib/aspects/analysis/plaintext-secrets.ts);
 * this function is its template-in, findings-out form for a template read from a file.
 */
import { plaintextSecretsIn } from '../../aspects/analysis/plaintext-secrets';

export interface SecretFinding {
  /** `LogicalId.Properties.Path.To.Value`, list positions as `[0]`. */
  readonly location: string;
  /** What the value looks like (never the value). */
  readonly reason: string;
}

/** Every piece of secret material in `template` (a synthesized CloudFormation template). */
export function findSecretMaterial(template: {
  Resources?: Record<string, any>;
  Parameters?: Record<string, any>;
  Outputs?: Record<string, any>;
  Mappings?: Record<string, any>;
  Metadata?: Record<string, any>;
}): SecretFinding[] {
  const found = plaintextSecretsIn({
    Resources: template.Resources ?? {},
    Parameters: template.Parameters ?? {},
    Outputs: template.Outputs ?? {},
    Mappings: template.Mappings ?? {},
    Metadata: template.Metadata ?? {},
  });
  return found.map((f) => ({ location: f.where.replace(/\.(\d+)(?=[. ]|$)/g, '[$1]'), reason: f.what }));
}
