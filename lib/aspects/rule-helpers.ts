/**
 * Small helpers every Readiness rule can use. Rules read the CloudFormation that will be deployed
 * (escape hatches and overrides included), never a construct's class.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Dependent, dependent, inWorld, isConditional, isDeployed, setConditionCaches } from './conditions';

export { isDeployed } from './conditions';

/** The rendered CloudFormation of one resource: what the template will contain. */
export interface RenderedResource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
  /** The resource's Condition, when it has one (the resource exists only where it is true). */
  readonly Condition?: string;
}

// Rendering a resource costs a resolve; the gate resolves each resource once per run, and prunes it
// (Fn::If, AWS::NoValue) once per world that its conditions tell apart.
let renderCache: WeakMap<CfnResource, RenderedResource> | undefined;
let worldRenderCache: WeakMap<CfnResource, Dependent<RenderedResource>[]> | undefined;
let variesCache: WeakMap<CfnResource, boolean> | undefined;
let typeIndexCache: WeakMap<IConstruct, Map<string, CfnResource[]>> | undefined;
// Cross-resource rules compare every resource with every other (queue x alarm, queue x consumer):
// the values they compare are serialized and derived once per run, not once per pair.
let jsonCache: WeakMap<object, string> | undefined;
// During a synth, the templates CDK has just written (absolute path -> parsed template; null: not read yet, undefined: unreadable).
let synthesized: Map<string, { Resources?: Record<string, any> } | null | undefined> | undefined;
let runMemo: WeakMap<object, Map<string, Dependent<unknown>[]>> | undefined;

/**
 * Memoizes `Stack.resolve` for the duration of a gate run. cdk-nag's rules resolve the same
 * properties over and over (a hundred rules per resource); the tree is final while validation
 * runs, so a value resolves the same each time. Only objects and token strings are memoized.
 */
function memoizeResolve(): () => void {
  const original = Stack.prototype.resolve;
  const byObject = new WeakMap<object, Map<Stack, unknown>>();
  const byString = new Map<string, Map<Stack, unknown>>();
  Stack.prototype.resolve = function memoizedResolve(this: Stack, obj: any): any {
    const cache =
      obj !== null && typeof obj === 'object'
        ? byObject.get(obj) ?? (byObject.set(obj, new Map()), byObject.get(obj)!)
        : typeof obj === 'string'
          ? byString.get(obj) ?? (byString.set(obj, new Map()), byString.get(obj)!)
          : undefined;
    if (cache?.has(this)) return cache.get(this);
    const value = original.call(this, obj);
    cache?.set(this, value);
    return value;
  };
  return () => {
    Stack.prototype.resolve = original;
  };
}

/**
 * Memoizes `Stack.getLogicalId` for the duration of a gate run. A resource's logical ID is an
 * uncached Lazy: every resolve of a Ref or GetAtt to it re-derives the ID (path walk and hash),
 * thousands of times per run. The tree, overrides and renames included, is final while validation runs.
 */
function memoizeLogicalIds(): () => void {
  const original = Stack.prototype.getLogicalId;
  const ids = new WeakMap<CfnElement, string>();
  Stack.prototype.getLogicalId = function memoizedGetLogicalId(this: Stack, element: CfnElement): string {
    let id = ids.get(element);
    if (id === undefined) {
      id = original.call(this, element);
      ids.set(element, id);
    }
    return id;
  };
  return () => {
    Stack.prototype.getLogicalId = original;
  };
}

let depth = 0;

/** What a run may reuse from the synth it validates. */
export interface RuleRunOptions {
  /**
   * Absolute paths of the templates this synth has just written (a validation plugin's
   * `context.templatePaths`): a resource of a stack whose template is among them is read from it
   * instead of being resolved again (the template holds the same resolved fragment).
   * @default - every resource is resolved from the tree
   */
  readonly templatePaths?: readonly string[];
}

/**
 * Runs `fn` with per-run caches on (rendered resources, type index, serialized values, derived
 * lookups, `Stack.resolve`, `Stack.getLogicalId`). The gate wraps one validation run in it; outside,
 * every call resolves afresh (tests may change the tree between checks).
 */
export function withRuleCaches<T>(fn: () => T, options: RuleRunOptions = {}): T {
  if (depth > 0) return fn();
  depth++;
  synthesized = options.templatePaths ? new Map(options.templatePaths.map((p) => [path.resolve(p), null])) : undefined;
  renderCache = new WeakMap();
  worldRenderCache = new WeakMap();
  variesCache = new WeakMap();
  typeIndexCache = new WeakMap();
  setConditionCaches(true);
  jsonCache = new WeakMap();
  runMemo = new WeakMap();
  const restoreResolve = memoizeResolve();
  const restoreLogicalIds = memoizeLogicalIds();
  try {
    return fn();
  } finally {
    restoreLogicalIds();
    restoreResolve();
    renderCache = undefined;
    worldRenderCache = undefined;
    variesCache = undefined;
    typeIndexCache = undefined;
    setConditionCaches(false);
    jsonCache = undefined;
    runMemo = undefined;
    synthesized = undefined;
    depth--;
  }
}

/**
 * The resource's entry in the template this synth wrote for its stack, or undefined (no synth, a stack
 * whose template is not among the written ones, an unreadable file, a missing entry or another type).
 * `Stack._toCloudFormation` writes each resource as `stack.resolve(resource._toCloudFormation())`, the
 * same value `resolvedBody` computes, and the tree does not change between writing and validating.
 */
function synthesizedBody(node: CfnResource): Record<string, any> | undefined {
  if (!synthesized) return undefined;
  const stack = Stack.of(node);
  const stage = Stage.of(stack);
  if (!stage) return undefined;
  const file = path.resolve(stage.outdir, stack.templateFile);
  if (!synthesized.has(file)) return undefined;
  let template = synthesized.get(file);
  if (template === null) {
    try {
      template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, any> };
    } catch {
      template = undefined;
    }
    synthesized.set(file, template);
  }
  const body = template?.Resources?.[logicalIdOf(node)];
  return body && typeof body === 'object' && body.Type === node.cfnResourceType ? body : undefined;
}

/** The resource as the template has it: overrides applied, tokens resolved, every branch kept. */
function resolvedBody(node: CfnResource): RenderedResource {
  const cached = renderCache?.get(node);
  if (cached) return cached;
  const stack = Stack.of(node);
  const body =
    synthesizedBody(node) ??
    Object.values((stack.resolve((node as any)._toCloudFormation()) as { Resources?: Record<string, any> }).Resources ?? {})[0] ??
    { Type: node.cfnResourceType };
  const result: RenderedResource = { ...body, Properties: body.Properties ?? {} };
  renderCache?.set(node, result);
  return result;
}

/** True when the resolved resource holds an `Fn::If` or `AWS::NoValue` (only then does a world change it). */
function varies(node: CfnResource): boolean {
  const cached = variesCache?.get(node);
  if (cached !== undefined) return cached;
  const json = jsonOf(resolvedBody(node));
  const result = json.includes('"Fn::If"') || json.includes('"AWS::NoValue"');
  variesCache?.set(node, result);
  return result;
}

/**
 * The resource as CloudFormation will create it, with property overrides applied and tokens resolved,
 * in the current world (lib/aspects/conditions.ts): each `Fn::If` is replaced by the branch the world
 * picks, and `AWS::NoValue` is removed (a property, list item or key set to it is absent).
 */
export function rendered(node: CfnResource): RenderedResource {
  if (!varies(node)) return resolvedBody(node);
  const compute = () => {
    const body = resolvedBody(node);
    const pruned = inWorld(Stack.of(node), body) as RenderedResource | undefined;
    return pruned === body ? body : { ...pruned!, Type: body.Type, Properties: pruned?.Properties ?? {} };
  };
  if (!worldRenderCache) return compute();
  let entries = worldRenderCache.get(node);
  if (!entries) {
    entries = [];
    worldRenderCache.set(node, entries);
  }
  return dependent(entries, compute);
}

/**
 * `JSON.stringify(value)`, memoized per object during a gate run. Only for rendered (resolved)
 * values, which are final while validation runs; outside a run it serializes afresh.
 */
export function jsonOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let json = jsonCache?.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (json !== undefined) jsonCache?.set(value, json);
  }
  return json;
}

/**
 * `compute()`, memoized under (`owner`, `slot`) during a gate run, for values derived only from the
 * final tree (a resource's rendered properties, the alarms of an app). Outside a run it computes
 * afresh; a computation that throws is not memoized, so it throws again where it would have.
 */
export function memoPerRun<T>(owner: object, slot: string, compute: () => T): T {
  if (!runMemo) return compute();
  let slots = runMemo.get(owner);
  if (!slots) {
    slots = new Map();
    runMemo.set(owner, slots);
  }
  let entries = slots.get(slot);
  if (!entries) {
    entries = [];
    slots.set(slot, entries);
  }
  // Values that read a condition are kept per world (the conditions they read, with their values).
  return dependent(entries as Dependent<T>[], compute);
}

/**
 * The rendered value of one top-level property in the current world, or `undefined` when the template
 * does not set it (or sets it to `AWS::NoValue`). Only this property's conditions are read.
 */
export function prop(node: CfnResource, name: string): unknown {
  const value = resolvedBody(node).Properties[name];
  return varies(node) ? inWorld(Stack.of(node), value) : value;
}

/** A resource attribute (`DeletionPolicy`, `UpdateReplacePolicy`, `Metadata`) in the current world. */
export function attribute(node: CfnResource, name: 'DeletionPolicy' | 'UpdateReplacePolicy' | 'Metadata'): any {
  const value = resolvedBody(node)[name];
  return varies(node) ? inWorld(Stack.of(node), value) : value;
}

export type Resolved<T> = { readonly known: true; readonly value: T } | { readonly known: false };

/**
 * Resolves a value to a primitive with `NagRules.resolveIfPrimitive`. A value that stays an
 * intrinsic (Ref, GetAtt, ImportValue, parameter) is `known: false`: rules treat it as non-compliant.
 */
export function primitive(node: CfnResource, value: unknown): Resolved<string | number | boolean | undefined> {
  try {
    return { known: true, value: NagRules.resolveIfPrimitive(node, value) };
  } catch {
    return { known: false };
  }
}

/** True only when the value resolves to `true` or `"true"`; missing and unresolvable values are false. */
export function isTrue(node: CfnResource, value: unknown): boolean {
  const r = primitive(node, value);
  return r.known && (r.value === true || r.value === 'true');
}

/** The number the value resolves to, or `undefined` when missing, unresolvable or not a number. */
export function numberOf(node: CfnResource, value: unknown): number | undefined {
  const r = primitive(node, value);
  if (!r.known || r.value === undefined || r.value === '') return undefined;
  const n = typeof r.value === 'number' ? r.value : Number(r.value);
  return Number.isFinite(n) ? n : undefined;
}

/** The string the value resolves to, or `undefined` when missing or unresolvable. */
export function stringOf(node: CfnResource, value: unknown): string | undefined {
  const r = primitive(node, value);
  return r.known && r.value !== undefined ? String(r.value) : undefined;
}

/** The logical ID a `Ref`/`Fn::GetAtt` points at, or `undefined` for anything else. */
export function referencedLogicalId(node: CfnResource, value: unknown): string | undefined {
  const resolved = Stack.of(node).resolve(value);
  if (resolved && typeof resolved === 'object') {
    if (typeof resolved.Ref === 'string') return resolved.Ref;
    const getAtt = resolved['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/** The resource's own logical ID as it appears in the template. */
export function logicalIdOf(node: CfnResource): string {
  return Stack.of(node).resolve(node.logicalId);
}

/**
 * Every CfnResource of the given CloudFormation type under `scope` that is deployed in the current world
 * (a resource whose Condition is false there is absent). The index is cached during a gate run.
 */
export function resourcesOfType(scope: IConstruct, type: string): CfnResource[] {
  let index = typeIndexCache?.get(scope);
  if (!index) {
    index = new Map();
    for (const c of scope.node.findAll()) {
      if (!CfnResource.isCfnResource(c)) continue;
      const list = index.get(c.cfnResourceType) ?? [];
      list.push(c);
      index.set(c.cfnResourceType, list);
    }
    typeIndexCache?.set(scope, index);
  }
  const all = index.get(type) ?? [];
  return all.some(isConditional) ? all.filter(isDeployed) : all;
}

/** Resources of `type` in the same stack as `node`. */
export function stackResourcesOfType(node: CfnResource, type: string): CfnResource[] {
  const stack = Stack.of(node);
  return resourcesOfType(stack, type).filter((r) => Stack.of(r) === stack);
}

/** DeletionPolicy values that keep the data when the resource leaves the stack. */
export const KEEPS_DATA = ['Retain', 'Snapshot', 'RetainExceptOnCreate'];

/** True when the template keeps the resource's data on stack deletion (DeletionPolicy Retain or Snapshot). */
export function keepsData(node: CfnResource): boolean {
  const policy = attribute(node, 'DeletionPolicy');
  return typeof policy === 'string' && KEEPS_DATA.includes(policy);
}

/** `rate(N unit)` to days; `undefined` for cron and anything else. */
export function rateToDays(expression: string): number | undefined {
  const m = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2].startsWith('minute')) return n / 1440;
  if (m[2].startsWith('hour')) return n / 24;
  return n;
}

/** A short name for an intrinsic a finding cannot read: `Ref DbParam`, `Fn::If on IsProd`, `an Fn::Select expression`. */
function intrinsicName(value: Record<string, unknown>): string {
  const [key] = Object.keys(value);
  const arg = value[key];
  if (key === 'Ref') return `Ref ${String(arg)}`;
  if (key === 'Fn::GetAtt') return `GetAtt ${Array.isArray(arg) ? arg.join('.') : String(arg)}`;
  if (key === 'Fn::If' && Array.isArray(arg)) return `Fn::If on condition ${String(arg[0])}`;
  if (key === 'Fn::ImportValue') return `an Fn::ImportValue`;
  return key?.startsWith('Fn::') ? `an ${key} expression` : 'an object';
}

/**
 * How a finding names a rendered value: `false`, `1`, `"gp2"`, `not set`, or, for a value the template
 * leaves to deploy time, `Ref DbParam (not readable from the template)`. Never use it on a secret's value.
 */
export function shown(node: CfnResource, value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  const r = primitive(node, value);
  if (r.known) return r.value === undefined ? 'not set' : typeof r.value === 'string' ? `"${r.value}"` : String(r.value);
  const v = Stack.of(node).resolve(value);
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string' || typeof x === 'number') && v.length <= 5 ? JSON.stringify(v) : `a list of ${v.length}`;
  if (v && typeof v === 'object') return `${intrinsicName(v)} (not readable from the template)`;
  return String(v);
}

/** `Name is <value>` plus `, needs <what>`: one finding about one property. */
export function finding(node: CfnResource, name: string, value: unknown, needs?: string): string {
  return `${name} is ${shown(node, value)}${needs ? `, needs ${needs}` : ''}`;
}

/**
 * A resource rule's answer from what failed: compliant when nothing did, otherwise one finding that
 * names every failed property and its value (`DeletionProtection is false; BackupRetentionPeriod is 1, needs >= 7 days`).
 */
export function verdict(findings: readonly string[]): NagRuleResult {
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : [findings.join('; ')];
}

/** A stack's template as it will be written, every `Fn::If` branch kept (resources rendered once per run). */
export interface StackTemplate {
  readonly Resources: Record<string, RenderedResource>;
  readonly Parameters: Record<string, any>;
  readonly Outputs: Record<string, any>;
  readonly Mappings: Record<string, any>;
  readonly Metadata: Record<string, any>;
}

/**
 * The template of `stack` (not pruned to a world: what the file holds, for scans of its text such as
 * secrets). Memoized per run.
 */
export function templateOf(stack: Stack): StackTemplate {
  return memoPerRun(stack, 'rule-helpers:template', () => {
    const t = { Resources: {} as Record<string, RenderedResource>, Parameters: {}, Outputs: {}, Mappings: {}, Metadata: { ...(stack.templateOptions.metadata ?? {}) } } as Record<string, any>;
    for (const c of stack.node.findAll()) {
      if (!CfnElement.isCfnElement(c) || Stack.of(c) !== stack) continue;
      if (CfnResource.isCfnResource(c)) {
        t.Resources[logicalIdOf(c)] = resolvedBody(c);
        continue;
      }
      const fragment = stack.resolve((c as any)._toCloudFormation()) as Record<string, Record<string, unknown>>;
      for (const [section, entries] of Object.entries(fragment ?? {})) {
        if (t[section] && entries && typeof entries === 'object') Object.assign(t[section], entries);
      }
    }
    return t as StackTemplate;
  });
}
