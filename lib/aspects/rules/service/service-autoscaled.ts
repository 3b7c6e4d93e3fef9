import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { finding, logicalIdOf, numberOf, prop, stringOf, verdict } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { scalableTargetsOf, scalingPoliciesOf } from '../../analysis/references';

/** Fewest tasks a scalable target may keep: one task or one AZ can then fail. */
export const MIN_SCALABLE_TASKS = 2;

/**
 * Readiness-AUTOSCALING: every ECS service has an Application Auto Scaling target on its desired count
 * with MinCapacity of at least 2, MaxCapacity above MinCapacity, and at least one scaling policy.
 */
export const ServiceAutoscaled: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'AUTOSCALING',
  controlId: 'AUTOSCALING',
  category: 'ha',
  resourceTypes: ['AWS::ECS::Service'],
  info: 'The ECS service does not autoscale (the finding names the scalable target property).',
  explanation:
    'A fixed task count is overrun by traffic peaks and wasted at night (gap 3.3: "No auto-scaling configured"). ' +
    'Call `service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: N })` and add a policy (scaleOnCpuUtilization, scaleOnRequestCount, scaleOnMetric).',
  test: 'test/aspects/rules/service/service-autoscaled.spec.ts',
  check: (node: CfnResource) => {
    const strategy = prop(node, 'SchedulingStrategy');
    if (strategy !== undefined && stringOf(node, strategy) === 'DAEMON') return NagRuleCompliance.NOT_APPLICABLE;
    const targets = scalableTargetsOf(node);
    if (targets.length === 0) return ['no AWS::ApplicationAutoScaling::ScalableTarget scales its DesiredCount, needs one (min 2, max above min) with a scaling policy'];
    const findings: string[] = [];
    for (const target of targets) {
      const problems: string[] = [];
      const min = numberOf(target, prop(target, 'MinCapacity'));
      const max = numberOf(target, prop(target, 'MaxCapacity'));
      if (min === undefined || min < MIN_SCALABLE_TASKS) problems.push(finding(target, 'MinCapacity', prop(target, 'MinCapacity'), `>= ${MIN_SCALABLE_TASKS}`));
      if (max === undefined || min === undefined || max <= min) problems.push(finding(target, 'MaxCapacity', prop(target, 'MaxCapacity'), 'above MinCapacity'));
      if (scalingPoliciesOf(target).length === 0) problems.push('no AWS::ApplicationAutoScaling::ScalingPolicy, needs one');
      if (problems.length === 0) return NagRuleCompliance.COMPLIANT;
      findings.push(`scalable target ${logicalIdOf(target)}: ${problems.join(', ')}`);
    }
    return verdict(findings);
  },
});
