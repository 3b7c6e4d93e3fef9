import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { plaintextSecretsIn } from '../../analysis/plaintext-secrets';
import { templateOf } from '../../rule-helpers';
import { RuleContext, ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';

/** Every stack under `scope` (nested stacks too, and the scope itself when it is one): each has its own template. */
function stacksIn(scope: IConstruct): Stack[] {
  return scope.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}

/**
 * Readiness-NO-PLAINTEXT-SECRETS: no template of the scope holds a secret in plain text: a secret's value
 * (`SecretValue.unsafePlainText`, a literal SecretString), a password, token or key in a property or an
 * environment variable (Lambda, ECS, CodeBuild), a plain SSM parameter named like a secret, a secret-named
 * parameter with a default (NoEcho or not), a stack output that holds or resolves a secret, and anywhere
 * the shape of a private key, an AWS access key or a well-known token. Dynamic references
 * (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`), ARNs and names of secrets are not
 * secrets. Every branch of an `Fn::If` is scanned: the template holds them all.
 */
export const NoPlaintextSecrets: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'NO-PLAINTEXT-SECRETS',
  controlId: 'SECRET-ROTATION',
  category: 'security',
  info: 'A template holds a secret in plain text (the finding names the stack and place, never the value).',
  explanation:
    'Templates are stored in S3, shown in the CloudFormation console and readable with cloudformation:GetTemplate: a secret in a template is a leaked secret ' +
    '(gap 2.3: "No centralized secrets management", "Environment variables"). Keep secrets in Secrets Manager: generate them (`generateSecretString`), ' +
    'pass them as dynamic references (`secret.secretValueFromJson("password")` renders `{{resolve:secretsmanager:...}}`), give containers `ecs.Secret.fromSecretsManager`, ' +
    'give functions the secret ARN to read at run time, and never set a default on a secret parameter or output a secret.',
  test: 'test/aspects/rules/secrets/no-plaintext-secrets.spec.ts',
  check: (scope: IConstruct, _context: RuleContext): ScopeRuleResult => {
    const findings: string[] = [];
    const stacks = stacksIn(scope);
    for (const stack of stacks) {
      for (const f of plaintextSecretsIn(templateOf(stack))) findings.push(`${stack.node.path}: ${f.where}: ${f.what}.`);
    }
    const evidence = findings.length === 0 ? stacks.map((s) => ({ constructPath: s.node.path, stackName: s.artifactId, note: 'template scanned: no plaintext secret' })) : [];
    return { compliant: findings.length === 0, findings, evidence };
  },
});
