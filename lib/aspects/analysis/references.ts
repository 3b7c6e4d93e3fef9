/**
 * Cross-resource lookups the service-tier rules share: does a resolved property point at a resource
 * (same stack: Ref/GetAtt; another stack: its export), and which scalable target drives an ECS service.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { attribute, jsonOf, logicalIdOf, prop, resourcesOfType, stringOf } from '../rule-helpers';

/**
 * A test of whether a rendered value refers to `target`: `referenceTest(target)(stack, value)` is
 * `refersTo(stack, value, target)`. Rules that test many values against one target take it once,
 * so the target's logical ID and stack are looked up once, not per value.
 */
export function referenceTest(target: CfnResource): (consumerStack: Stack, resolved: unknown) => boolean {
  let lid: string | undefined;
  let targetStack: Stack | undefined;
  return (consumerStack, resolved) => {
    if (resolved === undefined) return false;
    const json = jsonOf(resolved);
    lid ??= logicalIdOf(target);
    targetStack ??= Stack.of(target);
    if (consumerStack === targetStack) return json.includes(`{"Ref":"${lid}"}`) || json.includes(`{"Fn::GetAtt":["${lid}",`);
    // Cross-stack references render as Fn::ImportValue of "<stack>:ExportsOutputRef<lid>..." or "...FnGetAtt<lid>...".
    return [`ExportsOutputRef${lid}`, `ExportsOutputFnGetAtt${lid}`].some((e) => json.includes(`${targetStack!.stackName}:${e}`));
  };
}

/** True when `resolved` (a rendered property of a resource in `consumerStack`) refers to `target`. */
export function refersTo(consumerStack: Stack, resolved: unknown, target: CfnResource): boolean {
  return referenceTest(target)(consumerStack, resolved);
}

/** Every resource of `type` in the app whose property `name` refers to `target`. */
export function referrers(target: CfnResource, type: string, name: string): CfnResource[] {
  return resourcesOfType(target.node.root, type).filter((r) => refersTo(Stack.of(r), prop(r, name), target));
}

/** The resource of `type` that `value` (rendered in `consumer`'s stack) points at by Ref/GetAtt in the same stack. */
export function referencedInStack(consumer: CfnResource, value: unknown, type: string): CfnResource | undefined {
  const stack = Stack.of(consumer);
  return resourcesOfType(stack, type).find((r) => Stack.of(r) === stack && refersTo(stack, value, r));
}

/** Application Auto Scaling targets that scale the desired count of this ECS service. */
export function scalableTargetsOf(service: CfnResource): CfnResource[] {
  return referrers(service, 'AWS::ApplicationAutoScaling::ScalableTarget', 'ResourceId').filter(
    (t) => stringOf(t, prop(t, 'ServiceNamespace')) === 'ecs' && stringOf(t, prop(t, 'ScalableDimension')) === 'ecs:service:DesiredCount',
  );
}

/** Scaling policies attached to a scalable target (by ScalingTargetId, or by the same resource ID and dimension). */
export function scalingPoliciesOf(target: CfnResource): CfnResource[] {
  const stack = Stack.of(target);
  const resourceId = JSON.stringify(prop(target, 'ResourceId'));
  return resourcesOfType(stack, 'AWS::ApplicationAutoScaling::ScalingPolicy').filter((p) => {
    if (Stack.of(p) !== stack) return false;
    if (refersTo(stack, prop(p, 'ScalingTargetId'), target)) return true;
    return (
      prop(p, 'ScalingTargetId') === undefined &&
      JSON.stringify(prop(p, 'ResourceId')) === resourceId &&
      prop(p, 'ScalableDimension') === prop(target, 'ScalableDimension')
    );
  });
}

/** Rendered CloudFormation Metadata of a resource. */
export function metadataOf(node: CfnResource): Record<string, unknown> {
  return (attribute(node, 'Metadata') ?? {}) as Record<string, unknown>;
}
