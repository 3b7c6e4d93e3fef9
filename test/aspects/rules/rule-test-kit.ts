import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { StageName } from '../../../lib/config/stage-config';
import { ReadinessChecks, ruleContextFor } from '../../../lib/aspects/readiness-checks';
import { inEveryWorld, ResourceRule, ruleIdOf } from '../../../lib/aspects/rule';
import { NO_BUNDLING } from '../../helpers/synth';

/** A fresh stack in a fresh app, as a user's app would have it (env-agnostic, no lookups). */
export function userStack(id = 'UserStack'): Stack {
  return new Stack(new App({ context: NO_BUNDLING }), id);
}

/** The CfnResource of an L2 (its default child) or the L1 itself. */
export function cfnOf(construct: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(construct)) return construct;
  const child = construct.node.defaultChild;
  if (!child || !CfnResource.isCfnResource(child)) throw new Error(`${construct.node.path} has no CfnResource default child`);
  return child;
}

/** The rule's answer for one resource, with the stage's thresholds. */
export function check(rule: ResourceRule, construct: IConstruct, stage: StageName = 'prod'): NagRuleResult {
  return inEveryWorld(rule).check(cfnOf(construct), ruleContextFor(stage));
}

/** Construct paths the Readiness pack flags for `rule` under `scope` (the gate's own path). */
export function flaggedPaths(rule: ResourceRule, scope: IConstruct, stage: StageName = 'prod'): string[] {
  const report = new ReadinessChecks(undefined, { stage, rules: [rule] }).validateScope(scope);
  return report.violations.filter((v) => v.ruleName === ruleIdOf(rule)).flatMap((v) => v.violatingResources.map((r) => r.constructPath!));
}
