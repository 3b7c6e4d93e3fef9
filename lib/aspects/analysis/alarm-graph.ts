/**
 * What the observability rules ask of the templates: which alarms watch a resource's own metrics,
 * whether an alarm reaches an SNS topic, and which composites an alarm feeds.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { isTrue, jsonOf, logicalIdOf, memoPerRun, primitive, prop, resourcesOfType, stringOf } from '../rule-helpers';
import { referenceTest, refersTo } from './references';

export const ALARM_TYPE = 'AWS::CloudWatch::Alarm';
export const COMPOSITE_TYPE = 'AWS::CloudWatch::CompositeAlarm';

/** The parts of a metric alarm that name what it watches. */
function watchedParts(alarm: CfnResource): unknown[] {
  return [prop(alarm, 'Dimensions'), prop(alarm, 'Metrics')];
}

/** Literal identifiers a resource may be named by in a user's dimensions (physical names). */
const NAME_PROPS: Record<string, string[]> = {
  'AWS::RDS::DBCluster': ['DBClusterIdentifier'],
  'AWS::ElastiCache::ReplicationGroup': ['ReplicationGroupId'],
  'AWS::ECS::Service': ['ServiceName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name'],
  'AWS::Synthetics::Canary': ['Name'],
  'AWS::CloudFront::Distribution': [],
  'AWS::Lambda::Function': ['FunctionName'],
  // REST API metrics are dimensioned by the API's name (ApiName), not its ID.
  'AWS::ApiGateway::RestApi': ['Name'],
  'AWS::StepFunctions::StateMachine': ['StateMachineName'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::RDS::DBInstance': ['DBInstanceIdentifier'],
  'AWS::AutoScaling::AutoScalingGroup': ['AutoScalingGroupName'],
};

/** Literal names of `target` that an alarm's dimensions may use (see NAME_PROPS). */
function literalNames(target: CfnResource): string[] {
  return (NAME_PROPS[target.cfnResourceType] ?? [])
    .map((n) => stringOf(target, prop(target, n)))
    .filter((n): n is string => typeof n === 'string' && n.length > 0);
}

/**
 * The watch test of one alarm, given the target's reference test and (lazily) its literal names.
 * `alarmWatches` and `alarmsWatching` share it so that both answer alike.
 */
function watches(stack: Stack, parts: unknown[], refers: (stack: Stack, value: unknown) => boolean, names: () => string[]): boolean {
  if (parts.some((p) => refers(stack, p))) return true;
  const literal = names();
  if (literal.length === 0) return false;
  const json = jsonOf(parts);
  // Node IDs of a replication group are "<id>-001": a prefix match on the literal ID.
  return literal.some((n) => json.includes(`"${n}"`) || json.includes(`"${n}-`));
}

/** True when any watched part of `alarm` refers to `target` (Ref/GetAtt/export, or its literal physical name). */
export function alarmWatches(alarm: CfnResource, target: CfnResource): boolean {
  return watches(Stack.of(alarm), watchedParts(alarm), referenceTest(target), () => literalNames(target));
}

/**
 * The logical IDs a rendered value points at in its own stack, exactly as `referenceTest` matches them
 * in its JSON: an object whose only key is `Ref` (a string), or whose first key is `Fn::GetAtt` with a
 * list of two or more items, the first a string.
 */
function sameStackIds(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) sameStackIds(v, out);
    return out;
  }
  if (!value || typeof value !== 'object') return out;
  const obj = value as Record<string, unknown>;
  // The keys JSON.stringify writes (it skips undefined, functions and symbols).
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function' && typeof obj[k] !== 'symbol');
  if (keys.length === 1 && keys[0] === 'Ref' && typeof obj.Ref === 'string') out.add(obj.Ref);
  const getAtt = obj['Fn::GetAtt'];
  if (keys[0] === 'Fn::GetAtt' && Array.isArray(getAtt) && getAtt.length >= 2 && typeof getAtt[0] === 'string') out.add(getAtt[0]);
  for (const k of keys) sameStackIds(obj[k], out);
  return out;
}

interface WatchingAlarm {
  readonly alarm: CfnResource;
  readonly stack: Stack;
  readonly parts: unknown[];
  /** Logical IDs its watched parts point at in its own stack. */
  readonly ids: ReadonlySet<string>;
  /** Whether a watched part's JSON holds a CDK export name (only then can it point at another stack). */
  readonly exports: boolean;
}

/**
 * Metric alarms anywhere in the app that watch `target`'s own metrics. Each alarm's stack, watched
 * parts and the logical IDs they point at are read once per run; a target is then matched by its
 * logical ID (same stack), by export name (only alarms whose parts hold one) and by its literal names
 * (only when it has one), with the same answer as `alarmWatches` for every pair.
 */
export function alarmsWatching(target: CfnResource): CfnResource[] {
  const root = target.node.root;
  const alarms = memoPerRun(root, 'alarm-graph:watched-parts', () =>
    resourcesOfType(root, ALARM_TYPE).map((alarm): WatchingAlarm => {
      const parts = watchedParts(alarm);
      const ids = new Set<string>();
      for (const p of parts) sameStackIds(p, ids);
      return { alarm, stack: Stack.of(alarm), parts, ids, exports: parts.some((p) => p !== undefined && jsonOf(p).includes('ExportsOutput')) };
    }),
  );
  const refers = referenceTest(target);
  const lid = logicalIdOf(target);
  const targetStack = Stack.of(target);
  let names: string[] | undefined;
  const namesOnce = () => (names ??= literalNames(target));
  return alarms
    .filter((a) => {
      if (a.stack === targetStack ? a.ids.has(lid) : a.exports && a.parts.some((p) => refers(a.stack, p))) return true;
      return literalMatch(a.parts, namesOnce);
    })
    .map((a) => a.alarm);
}

/** True when the watched parts' JSON names one of the target's literal names (see `watches`). */
function literalMatch(parts: unknown[], names: () => string[]): boolean {
  const literal = names();
  if (literal.length === 0) return false;
  const json = jsonOf(parts);
  return literal.some((n) => json.includes(`"${n}"`) || json.includes(`"${n}-`));
}

/** True when one entry of an action list is (or refers to) an SNS topic. */
function isSnsAction(owner: CfnResource, action: unknown, topics: CfnResource[]): boolean {
  const literal = primitive(owner, action);
  if (literal.known && typeof literal.value === 'string') return /^arn:[\w-]+:sns:/.test(literal.value);
  const stack = Stack.of(owner);
  if (topics.some((t) => refersTo(stack, action, t))) return true;
  // An ARN built with Fn::Join from its parts ("arn:", partition, ":sns:...").
  return JSON.stringify(action).includes(':sns:');
}

/** True when the alarm has actions enabled and at least one ALARM action on an SNS topic (memoized per run: every watched resource asks). */
export function notifiesSns(alarm: CfnResource): boolean {
  return memoPerRun(alarm, 'alarm-graph:notifies-sns', () => computeNotifiesSns(alarm));
}

function computeNotifiesSns(alarm: CfnResource): boolean {
  const enabled = prop(alarm, 'ActionsEnabled');
  if (enabled !== undefined && !isTrue(alarm, enabled)) return false;
  const actions = prop(alarm, 'AlarmActions');
  if (!Array.isArray(actions) || actions.length === 0) return false;
  const topics = resourcesOfType(alarm.node.root, 'AWS::SNS::Topic');
  return actions.some((a) => isSnsAction(alarm, a, topics));
}

/** Composite alarms whose rule names `alarm`. */
export function compositesOf(alarm: CfnResource): CfnResource[] {
  return resourcesOfType(alarm.node.root, COMPOSITE_TYPE).filter((c) => refersTo(Stack.of(c), prop(c, 'AlarmRule'), alarm));
}

/** The metric alarms a composite's rule names. */
export function alarmsOfComposite(composite: CfnResource): CfnResource[] {
  const rule = prop(composite, 'AlarmRule');
  const stack = Stack.of(composite);
  return resourcesOfType(composite.node.root, ALARM_TYPE).filter((a) => refersTo(stack, rule, a));
}

/** True when an alarm's metrics use metric math (an Expression), as ratios and burn rates do. */
export function usesMetricMath(alarm: CfnResource): boolean {
  const metrics = prop(alarm, 'Metrics');
  return Array.isArray(metrics) && metrics.some((m: any) => typeof m?.Expression === 'string' && m.Expression.length > 0);
}

/** The alarm's evaluated window in seconds: the period of its metric (or of its metric-math inputs). */
export function windowSeconds(alarm: CfnResource): number | undefined {
  const period = prop(alarm, 'Period');
  if (period !== undefined) return typeof period === 'number' ? period : Number(period);
  const metrics = prop(alarm, 'Metrics');
  if (!Array.isArray(metrics)) return undefined;
  const periods = metrics.map((m: any) => m?.Period ?? m?.MetricStat?.Period).filter((p: unknown) => typeof p === 'number') as number[];
  return periods.length > 0 ? Math.max(...periods) : undefined;
}

const SCALING_POLICY_TYPES = ['AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScalingPolicy'];

/** True when the alarm has actions and every one is an (Application) Auto Scaling policy. */
export function drivesScalingOnly(alarm: CfnResource): boolean {
  const actions = prop(alarm, 'AlarmActions');
  if (!Array.isArray(actions) || actions.length === 0) return false;
  const stack = Stack.of(alarm);
  const policies = SCALING_POLICY_TYPES.flatMap((t) => resourcesOfType(stack, t)).filter((p) => Stack.of(p) === stack);
  return actions.every((a) => {
    const literal = primitive(alarm, a);
    if (literal.known && typeof literal.value === 'string') return /^arn:[\w-]+:autoscaling:/.test(literal.value);
    return policies.some((p) => refersTo(stack, a, p));
  });
}
