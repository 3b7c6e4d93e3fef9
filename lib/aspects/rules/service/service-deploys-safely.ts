import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isTrue, prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule, RuleContext } from '../../rule';
import { refersTo } from '../../analysis/references';

/** ECS deployment controller: circuit breaker with rollback, and (prod) CloudWatch alarms that roll back. */
function ecsControllerSafe(node: CfnResource, prod: boolean): boolean {
  const config = prop(node, 'DeploymentConfiguration') as Record<string, any> | undefined;
  const breaker = config?.DeploymentCircuitBreaker;
  if (!isTrue(node, breaker?.Enable) || !isTrue(node, breaker?.Rollback)) return false;
  if (!prod) return true;
  const alarms = config?.Alarms;
  return isTrue(node, alarms?.Enable) && isTrue(node, alarms?.Rollback) && Array.isArray(alarms?.AlarmNames) && alarms.AlarmNames.length > 0;
}

/** Blue/green through CodeDeploy: a deployment group of this service with automatic rollback (prod: on alarms too). */
function codeDeploySafe(node: CfnResource, prod: boolean): boolean {
  return resourcesOfType(node.node.root, 'AWS::CodeDeploy::DeploymentGroup').some((group) => {
    const services = prop(group, 'ECSServices');
    if (!Array.isArray(services) || !services.some((s: any) => refersTo(Stack.of(group), s?.ServiceName, node))) return false;
    const rollback = prop(group, 'AutoRollbackConfiguration') as Record<string, any> | undefined;
    if (!isTrue(group, rollback?.Enabled)) return false;
    if (!prod) return true;
    const alarms = prop(group, 'AlarmConfiguration') as Record<string, any> | undefined;
    return isTrue(group, alarms?.Enabled) && Array.isArray(alarms?.Alarms) && alarms.Alarms.length > 0;
  });
}

/**
 * Readiness-DEPLOY-SAFETY: every ECS service rolls a failed deployment back by itself: the deployment
 * circuit breaker with rollback on (blue/green: a CodeDeploy group with automatic rollback), and in prod
 * also deployment alarms that roll back. Readiness-DEPLOY-SAFETY-STACKS covers termination protection.
 */
export const ServiceDeploysSafely: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'DEPLOY-SAFETY',
  controlId: 'DEPLOY-SAFETY',
  category: 'ha',
  resourceTypes: ['AWS::ECS::Service'],
  info: 'The ECS service does not roll back failed deployments: it needs the circuit breaker with rollback (prod: also deployment alarms with rollback).',
  explanation:
    'Without automatic rollback a bad release stays live until someone notices (gap 9.3: "Direct deployments", "Document rollback plans"). ' +
    'Set `circuitBreaker: { enable: true, rollback: true }` and, in prod, `deploymentAlarms: { alarmNames: [5xx rate, unhealthy hosts] }` ' +
    '(for CodeDeploy blue/green: autoRollback and alarms on the deployment group).',
  test: 'test/aspects/rules/service/service-deploys-safely.spec.ts',
  check: (node: CfnResource, context: RuleContext) => {
    const prod = context.stage === 'prod';
    const controller = prop(node, 'DeploymentController') as Record<string, unknown> | undefined;
    const type = controller?.Type === undefined ? 'ECS' : stringOf(node, controller.Type);
    if (type === 'ECS') return ecsControllerSafe(node, prod) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    if (type === 'CODE_DEPLOY') return codeDeploySafe(node, prod) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    // EXTERNAL controllers (or an unreadable type) cannot be verified from the template.
    return NagRuleCompliance.NON_COMPLIANT;
  },
});
