/**
 * Reading rendered values that stay intrinsics: which resource a Ref/GetAtt/cross-stack import points
 * at, and whether a value could equal a given literal (`*`, `0.0.0.0/0`, an AWS managed policy ARN).
 * A value the rules cannot read "could be" anything: rules treat it as non-compliant.
 */
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { isDeployed, logicalIdOf, memoPerRun, primitive } from '../rule-helpers';

/**
 * The CfnResources of a Stage (or of an app without one) by logical ID, in tree order. Built once per
 * gate run (`memoPerRun`): a rule that follows references would otherwise walk the whole Stage per reference.
 */
function resourcesByLogicalId(stack: Stack): Map<string, CfnResource[]> {
  const stage = Stage.of(stack);
  return memoPerRun(stage ?? stack.node.root, 'intrinsics:resources-by-logical-id', () => {
    const index = new Map<string, CfnResource[]>();
    for (const c of (stage ?? stack.node.root).node.findAll()) {
      if (!CfnResource.isCfnResource(c) || Stage.of(c) !== stage) continue;
      const id = logicalIdOf(c);
      const list = index.get(id);
      if (list) list.push(c);
      else index.set(id, [c]);
    }
    return index;
  });
}

/**
 * The resource with this logical ID in `stack`. Before the app is synthesized, a reference to a resource of
 * another stack still renders as its `Ref`/`Fn::GetAtt`: then the one stack of the same Stage that has it.
 */
function resourceInStack(stack: Stack, logicalId: string): CfnResource | undefined {
  // A resource whose Condition is false in this world is not there to point at.
  const named = (resourcesByLogicalId(stack).get(logicalId) ?? []).filter((c) => isDeployed(c));
  const own = named.find((c) => Stack.of(c) === stack);
  if (own) return own;
  return new Set(named.map((c) => Stack.of(c))).size === 1 ? named[0] : undefined;
}

/** The export of a CDK cross-stack reference: `<stack name>:ExportsOutput(Ref|FnGetAtt)<logical ID><hash>`. */
function exportedResource(node: CfnResource, exportName: string): CfnResource | undefined {
  const m = /^(.+):ExportsOutput(Ref|FnGetAtt)(.+)$/.exec(exportName);
  if (!m) return undefined;
  const [, stackName, , rest] = m;
  let best: CfnResource | undefined;
  for (const stack of node.node.root.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c.stackName === stackName)) {
    for (const c of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(c) || Stack.of(c) !== stack || !isDeployed(c)) continue;
      const lid = logicalIdOf(c);
      if (rest.startsWith(lid) && (!best || lid.length > logicalIdOf(best).length)) best = c;
    }
  }
  return best;
}

/**
 * The resource a rendered value points at: `Ref`/`Fn::GetAtt` in `node`'s stack, or the `Fn::ImportValue`
 * of a CDK cross-stack reference to a resource in another stack of the app. `undefined` for anything else
 * (literals, parameters, pseudo parameters, other intrinsics, imports of unknown exports).
 */
export function referencedResource(node: CfnResource, value: unknown): CfnResource | undefined {
  const stack = Stack.of(node);
  const v = stack.resolve(value);
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length !== 1) return undefined;
  if (typeof v.Ref === 'string') return v.Ref.startsWith('AWS::') ? undefined : resourceInStack(stack, v.Ref);
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return resourceInStack(stack, getAtt[0]);
  if (typeof getAtt === 'string') return resourceInStack(stack, getAtt.split('.')[0]);
  if (typeof v['Fn::ImportValue'] === 'string') return exportedResource(node, v['Fn::ImportValue']);
  return undefined;
}

const isCustomResource = (r: CfnResource) => r.cfnResourceType.startsWith('Custom::') || r.cfnResourceType === 'AWS::CloudFormation::CustomResource';

/**
 * Whether a rendered value is, or could be, one of `targets` (exact strings). Literals are compared;
 * a `Fn::Join`/`Fn::Sub` is ruled out when one of its literal pieces cannot be part of any target;
 * a reference to a resource (its ID, name, ARN or attribute) and pseudo parameters are ruled out,
 * except custom resources (they return anything); everything else (parameters, `Fn::If`, `Fn::Select`,
 * imports of unknown exports) could be a target. `undefined` (missing) is not a target.
 */
export function mayBe(node: CfnResource, value: unknown, targets: readonly string[]): boolean {
  if (value === undefined || value === null) return false;
  const r = primitive(node, value);
  if (r.known) return r.value !== undefined && targets.includes(String(r.value));
  const v = Stack.of(node).resolve(value);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return true;
  const piecesFit = (pieces: string[]) => targets.some((t) => pieces.every((p) => p === '' || t.includes(p)));
  const join = v['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1] as unknown[];
    if (parts.every((p) => typeof p === 'string')) return targets.includes(parts.join(join[0]));
    return piecesFit([...parts.filter((p): p is string => typeof p === 'string'), parts.length > 1 ? join[0] : '']);
  }
  const sub = v['Fn::Sub'];
  const template = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (template !== undefined) {
    if (!template.includes('${')) return targets.includes(template);
    return piecesFit(template.split(/\$\{[^}]*\}/));
  }
  if (typeof v.Ref === 'string' && v.Ref.startsWith('AWS::')) return false;
  const target = referencedResource(node, v);
  if (target) return isCustomResource(target);
  return true;
}

/** A list property's elements: an array's items, a single value as one item, `undefined` when an intrinsic stands for the whole list. */
export function elementsOf(node: CfnResource, value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  const r = primitive(node, value);
  if (r.known) return [value];
  const v = Stack.of(node).resolve(value);
  // A single reference (Ref/GetAtt/Join/Sub) is one item; Fn::Split, Fn::If, Fn::GetAZs, parameters of list type are not.
  if (v && typeof v === 'object' && ['Fn::GetAtt', 'Fn::Join', 'Fn::Sub'].some((k) => k in v)) return [value];
  if (v && typeof v === 'object' && typeof v.Ref === 'string' && referencedResource(node, v)) return [value];
  return undefined;
}
