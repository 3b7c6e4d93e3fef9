/**
 * What might not exist at deploy time: CloudFormation conditions, `Fn::If` branches and `AWS::NoValue`.
 *
 * A condition is decided when the template fixes it: `Fn::Equals`/`And`/`Or`/`Not` over literals, other
 * conditions, mappings and the pseudo parameters the stack's environment fixes (`AWS::Region`,
 * `AWS::AccountId`, `AWS::Partition`, `AWS::StackName`). A parameter is never decided: it can be
 * overridden at deploy. Every undecided `Fn::Equals` is a choice ("atom").
 *
 * A rule is evaluated once per assignment of the atoms it actually reads ("world"): in a world,
 * `rendered()` picks the `Fn::If` branch and drops `AWS::NoValue`, and a resource whose Condition is
 * false is absent from every lookup. Worlds are explored depth-first, lazily: an atom becomes a choice
 * only when an evaluation reads it, so a rule that reads no condition runs once. At most
 * `MAX_UNDECIDED` choices per world (2^6 = 64 worlds); beyond that the rule cannot prove anything.
 *
 * Per-run caches whose value depends on a world (rendered resources, `memoPerRun` values) keep, with
 * each value, the atoms it read and their values: a cached value is reused only in a world that agrees
 * on those atoms (`dependent`).
 */
import { CfnCondition, CfnMapping, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** Most undecided choices one evaluation may depend on: 2^6 = 64 worlds. */
export const MAX_UNDECIDED = 6;

interface Choice {
  readonly key: string;
  readonly value: boolean;
}

interface Exploration {
  readonly assignment: Map<string, boolean>;
  readonly choices: Choice[];
  exceeded: boolean;
}

let active: Exploration | undefined;
/** Dependency collectors of the cached computations in progress (outermost first). */
const collectors: Map<string, boolean | undefined>[] = [];
/** Human-readable text of each atom, for findings. */
const labels = new Map<string, string>();
/** Per-run cache of each stack's conditions and mappings (set by `withRuleCaches`). */
let stackCache: WeakMap<Stack, { conditions: Map<string, unknown>; mappings: Map<string, any> }> | undefined;

/** Called by `withRuleCaches`: on at the start of a run, off at its end. */
export function setConditionCaches(on: boolean): void {
  stackCache = on ? new WeakMap() : undefined;
}

/** The value of an atom in the current world; `undefined` outside an exploration or past the bound. */
function atom(key: string, label: string): boolean | undefined {
  labels.set(key, label);
  let value: boolean | undefined;
  if (active) {
    value = active.assignment.get(key);
    if (value === undefined) {
      if (active.choices.length >= MAX_UNDECIDED) {
        active.exceeded = true;
      } else {
        value = false;
        active.assignment.set(key, value);
        active.choices.push({ key, value });
      }
    }
  }
  for (const c of collectors) if (!c.has(key)) c.set(key, value);
  return value;
}

/** A value cached with the atoms it read. */
export interface Dependent<T> {
  readonly deps: ReadonlyArray<readonly [string, boolean | undefined]>;
  readonly value: T;
}

/**
 * `compute()`, or a value in `entries` computed in a world that agrees on every atom it read.
 * Reading the atoms of a cached value records them for enclosing computations too.
 */
export function dependent<T>(entries: Dependent<T>[], compute: () => T): T {
  outer: for (const entry of entries) {
    for (const [key, value] of entry.deps) if (atom(key, labels.get(key) ?? key) !== value) continue outer;
    return entry.value;
  }
  const deps = new Map<string, boolean | undefined>();
  collectors.push(deps);
  let value: T;
  try {
    value = compute();
  } finally {
    collectors.pop();
  }
  entries.push({ deps: [...deps.entries()], value });
  return value;
}

function definitionsOf(stack: Stack): { conditions: Map<string, unknown>; mappings: Map<string, any> } {
  const cached = stackCache?.get(stack);
  if (cached) return cached;
  const conditions = new Map<string, unknown>();
  const mappings = new Map<string, any>();
  for (const c of stack.node.findAll()) {
    if (c instanceof CfnCondition && Stack.of(c) === stack) {
      const fragment = stack.resolve((c as any)._toCloudFormation()) as { Conditions?: Record<string, unknown> };
      for (const [name, expression] of Object.entries(fragment?.Conditions ?? {})) conditions.set(name, expression);
    } else if (c instanceof CfnMapping && Stack.of(c) === stack) {
      const fragment = stack.resolve((c as any)._toCloudFormation()) as { Mappings?: Record<string, unknown> };
      for (const [name, mapping] of Object.entries(fragment?.Mappings ?? {})) mappings.set(name, mapping);
    }
  }
  const result = { conditions, mappings };
  stackCache?.set(stack, result);
  return result;
}

const concrete = (v: string | undefined): string | undefined => (v === undefined || Token.isUnresolved(v) ? undefined : v);

/** The literal a rendered value has in every deployment of `stack`, or `undefined` (parameters, other intrinsics). */
export function decidedValue(stack: Stack, value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).length !== 1) return undefined;
  if (typeof v.Ref === 'string') {
    const region = concrete(stack.region);
    switch (v.Ref) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return concrete(stack.account);
      case 'AWS::Partition':
        return region ? RegionInfo.get(region).partition : undefined;
      case 'AWS::StackName':
        return concrete(stack.stackName);
      default:
        return undefined; // parameters and the other pseudo parameters
    }
  }
  const find = v['Fn::FindInMap'];
  if (Array.isArray(find) && find.length === 3) {
    const [map, top, second] = find.map((x) => decidedValue(stack, x));
    if (map === undefined || top === undefined || second === undefined) return undefined;
    const found = definitionsOf(stack).mappings.get(map)?.[top]?.[second];
    return typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean' ? String(found) : undefined;
  }
  const join = v['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((x) => decidedValue(stack, x));
    return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

function show(stack: Stack, value: unknown): string {
  const decided = decidedValue(stack, value);
  if (decided !== undefined) return JSON.stringify(decided);
  if (value && typeof value === 'object' && typeof (value as any).Ref === 'string') return String((value as any).Ref);
  return JSON.stringify(value);
}

/** True, false, or `undefined` (outside an exploration, or past the bound) for a condition expression in `stack`. */
function evaluate(stack: Stack, expression: unknown, seen: ReadonlySet<string>): boolean | undefined {
  if (typeof expression === 'boolean') return expression;
  if (expression === 'true' || expression === 'false') return expression === 'true';
  const key = `${stack.node.path}|${JSON.stringify(expression)}`;
  if (!expression || typeof expression !== 'object' || Array.isArray(expression)) return atom(key, `${JSON.stringify(expression)}`);
  const e = expression as Record<string, unknown>;
  if (typeof e.Condition === 'string') return conditionValue(stack, e.Condition, seen);
  const args = (name: string) => (Array.isArray(e[name]) ? (e[name] as unknown[]) : undefined);
  const not = args('Fn::Not');
  if (not && not.length === 1) {
    const v = evaluate(stack, not[0], seen);
    return v === undefined ? undefined : !v;
  }
  for (const [name, short] of [['Fn::And', false], ['Fn::Or', true]] as const) {
    const list = args(name);
    if (!list) continue;
    let unknown = false;
    for (const item of list) {
      const v = evaluate(stack, item, seen);
      if (v === short) return short;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : !short;
  }
  const equals = args('Fn::Equals');
  if (equals && equals.length === 2) {
    const [a, b] = equals.map((x) => decidedValue(stack, x));
    if (a !== undefined && b !== undefined) return a === b;
    return atom(key, `${show(stack, equals[0])} = ${show(stack, equals[1])}`);
  }
  return atom(key, JSON.stringify(expression));
}

/** The value of the named condition of `stack` in the current world. An unknown name is an undecided choice. */
export function conditionValue(stack: Stack, name: string, seen: ReadonlySet<string> = new Set()): boolean | undefined {
  const expression = definitionsOf(stack).conditions.get(name);
  if (expression === undefined || seen.has(name)) return atom(`${stack.node.path}|condition:${name}`, `condition ${name}`);
  return evaluate(stack, expression, new Set([...seen, name]));
}

/** Marks `AWS::NoValue` while a rendered value is pruned. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * A resolved CloudFormation value as it is in the current world: `Fn::If` replaced by the branch the
 * world picks, `AWS::NoValue` removed from objects and lists. Unchanged parts keep their identity.
 * An `Fn::If` whose condition is undecided (outside an exploration, past the bound) is kept.
 */
export function inWorld(stack: Stack, value: unknown): unknown {
  const v = prune(stack, value);
  return v === NO_VALUE ? undefined : v;
}

function prune(stack: Stack, value: unknown): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out: unknown[] = [];
    for (const item of value) {
      const p = prune(stack, item);
      if (p !== item) changed = true;
      if (p !== NO_VALUE) out.push(p);
    }
    return changed ? out : value;
  }
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && obj.Ref === 'AWS::NoValue') return NO_VALUE;
  if (keys.length === 1 && Array.isArray(obj['Fn::If']) && (obj['Fn::If'] as unknown[]).length === 3) {
    const [name, whenTrue, whenFalse] = obj['Fn::If'] as unknown[];
    const c = typeof name === 'string' ? conditionValue(stack, name) : undefined;
    if (c !== undefined) return prune(stack, c ? whenTrue : whenFalse);
    // Undecided: kept whole, so that no rule reads either branch as the value.
    return value;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const p = prune(stack, obj[k]);
    if (p !== obj[k]) changed = true;
    if (p !== NO_VALUE) out[k] = p;
  }
  return changed ? out : value;
}

/** The name of the resource's Condition, when it has one (set with `cfnOptions.condition` or an override). */
export function conditionNameOf(node: CfnResource): string | undefined {
  const option = node.cfnOptions.condition;
  if (option) return Stack.of(node).resolve(option.logicalId);
  const override = (node as any).rawOverrides?.Condition;
  return typeof override === 'string' ? override : undefined;
}

/**
 * Whether the resource is deployed in the current world: true without a Condition, the condition's
 * value with one. An undecided condition outside an exploration counts as deployed.
 */
export function isDeployed(node: CfnResource): boolean {
  // A resource of a nested stack exists only where the nested stack does.
  const parent = Stack.of(node).nestedStackResource;
  if (parent && !isDeployed(parent)) return false;
  const name = conditionNameOf(node);
  if (name === undefined) return true;
  return conditionValue(Stack.of(node), name) !== false;
}

/** True when the resource, or a nested stack it is in, has a Condition (only then can a world leave it out). */
export function isConditional(node: CfnResource): boolean {
  const parent = Stack.of(node).nestedStackResource;
  return conditionNameOf(node) !== undefined || (parent !== undefined && isConditional(parent));
}

/** One world: the undecided choices it made, for findings. */
export interface World {
  readonly choices: ReadonlyArray<{ readonly label: string; readonly value: boolean }>;
}

export interface Explored<T> {
  readonly outcomes: ReadonlyArray<{ readonly world: World; readonly value: T }>;
  /** True when an evaluation needed more than MAX_UNDECIDED choices: the outcomes prove nothing. */
  readonly exceeded: boolean;
}

/**
 * Runs `run` once per world it can tell apart (depth-first over the atoms it reads, each false then true).
 * Inside an exploration, runs once in the current world.
 */
export function explore<T>(run: () => T): Explored<T> {
  if (active) return { outcomes: [{ world: { choices: [] }, value: run() }], exceeded: false };
  const outcomes: Array<{ world: World; value: T }> = [];
  let forced: Choice[] = [];
  for (;;) {
    const exploration: Exploration = { assignment: new Map(forced.map((c) => [c.key, c.value])), choices: [...forced], exceeded: false };
    active = exploration;
    let value: T;
    try {
      value = run();
    } finally {
      active = undefined;
    }
    if (exploration.exceeded) return { outcomes, exceeded: true };
    outcomes.push({ world: { choices: exploration.choices.map((c) => ({ label: labels.get(c.key) ?? c.key, value: c.value })) }, value });
    let i = exploration.choices.length - 1;
    while (i >= 0 && exploration.choices[i].value) i--;
    if (i < 0) return { outcomes, exceeded: false };
    forced = [...exploration.choices.slice(0, i), { key: exploration.choices[i].key, value: true }];
  }
}

/** `when X = "y" is false, ...`: the choices of a world, for a finding that holds only there. */
export function describeWorld(world: World): string {
  return world.choices.map((c) => `${c.label} is ${c.value}`).join(', ');
}

export const TOO_MANY_CONDITIONS =
  `the template has more than ${MAX_UNDECIDED} undecided conditions (parameters, an unknown region or account) ` +
  'that this check depends on: it cannot be proven for every deployment; fix the stack env or reduce the conditions';
