/**
 * One copy of aws-cdk-lib per app. cdk-nag's rules test resources with `instanceof CfnResource`: when
 * the app, this library or cdk-nag load different copies of aws-cdk-lib, every such test is false and
 * the AwsSolutions and NIST packs report zero findings without a word. The gate refuses to run then.
 */
import * as path from 'path';
import { CfnResource, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const FIX =
  'Fix: depend on aws-cdk-lib, constructs and cdk-nag in your app only (readiness-stack takes them as peer dependencies), ' +
  'then reinstall so that `npm ls aws-cdk-lib` lists a single version (`npm dedupe`; a library that pins its own aws-cdk-lib must be upgraded or removed).';

/** Where `aws-cdk-lib` resolves from a directory, or undefined when it does not resolve there. */
export function awsCdkLibFrom(dir: string): string | undefined {
  try {
    return path.dirname(require.resolve('aws-cdk-lib/package.json', { paths: [dir] }));
  } catch {
    return undefined;
  }
}

/** The folder of the aws-cdk-lib copy this library loaded. */
function ours(): string {
  return path.dirname(require.resolve('aws-cdk-lib/package.json'));
}

/** The folder of the aws-cdk-lib copy cdk-nag loads (undefined when cdk-nag does not resolve). */
function cdkNags(): string | undefined {
  try {
    return awsCdkLibFrom(path.dirname(require.resolve('cdk-nag')));
  } catch {
    return undefined;
  }
}

/**
 * Every sign that more than one copy of aws-cdk-lib takes part in checking `scope`: the scope, or one
 * of its resources, built from a copy other than this library's, or cdk-nag loading another one.
 * Empty when there is one copy.
 */
export function awsCdkLibCopyProblems(scope: IConstruct): string[] {
  const problems: string[] = [];
  const mine = ours();
  // isStage reads a global symbol (any copy); instanceof is what cdk-nag relies on.
  const sameStage = (scope as unknown) instanceof Stage;
  if (Stage.isStage(scope) && !sameStage) {
    problems.push(`the app or stage '${(scope as IConstruct).node.path || 'App'}' was created with another copy of aws-cdk-lib than the readiness library's (${mine})`);
  }
  const foreign = scope.node.findAll().find((c) => CfnResource.isCfnResource(c) && !((c as unknown) instanceof CfnResource));
  if (foreign) {
    problems.push(`the resource ${foreign.node.path} was created with another copy of aws-cdk-lib than the readiness library's (${mine})`);
  }
  const nag = cdkNags();
  if (nag && nag !== mine) {
    problems.push(`cdk-nag loads aws-cdk-lib from ${nag}, the readiness library from ${mine}`);
  }
  return problems;
}

/** Throws one error naming every copy problem and the fix; returns when there is a single copy. */
export function assertSingleAwsCdkLib(scope: IConstruct): void {
  const problems = awsCdkLibCopyProblems(scope);
  if (problems.length === 0) return;
  throw new Error(
    `Two copies of aws-cdk-lib are loaded, so cdk-nag's rules (instanceof checks) would find nothing: ${problems.join('; ')}. ${FIX}`,
  );
}
