import { NestedStack, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ScopeRule, scopeRule, ScopeRuleResult } from '../../rule';

/** The stacks a scope deploys (nested stacks inherit protection from their parent). */
function stacksOf(scope: IConstruct): Stack[] {
  return scope.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !NestedStack.isNestedStack(c));
}

/**
 * Readiness-DEPLOY-SAFETY-STACKS: every stack of a prod stage has termination protection, so that a
 * mistaken `cdk destroy` or stack deletion cannot take production down.
 */
export const ProdStacksTerminationProtected: ScopeRule = scopeRule({
  kind: 'scope',
  id: 'DEPLOY-SAFETY-STACKS',
  controlId: 'DEPLOY-SAFETY',
  category: 'ha',
  stages: ['prod'],
  info: 'A stack of the prod stage has no termination protection.',
  explanation:
    'A production stack deleted by mistake takes its resources with it (gap 9.3: "No change control"). ' +
    'Pass `terminationProtection: true` to every prod stack (or set `stack.terminationProtection = true`).',
  test: 'test/aspects/rules/service/prod-stacks-termination-protected.spec.ts',
  check: (scope: IConstruct): ScopeRuleResult => {
    const stacks = stacksOf(scope);
    const unprotected = stacks.filter((s) => !s.terminationProtection);
    return {
      compliant: stacks.length > 0 && unprotected.length === 0,
      findings: stacks.length === 0 ? ['The scope has no stacks.'] : unprotected.map((s) => `Stack ${s.node.path} (${s.stackName}) has no termination protection.`),
      evidence: stacks.filter((s) => s.terminationProtection).map((s) => ({ constructPath: s.node.path, stackName: s.stackName, note: 'termination protection on' })),
    };
  },
});
