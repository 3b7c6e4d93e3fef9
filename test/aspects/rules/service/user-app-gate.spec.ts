import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { enforceReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';

/**
 * A user's own app, plain L2: an internet-facing ALB with no WebACL in front of a Fargate service
 * that never scales and has no rollback. The gate must fail synth and name each rule.
 */
describe('enforceReadiness on a user app with an unprotected ALB and a fixed-size Fargate service', () => {
  let error: Error | undefined;

  beforeAll(() => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), portMappings: [{ containerPort: 80 }] });
    const service = new ecs.FargateService(stack, 'Api', { cluster, taskDefinition, desiredCount: 2 });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Entry', { vpc, internetFacing: true });
    alb.addListener('Http', { port: 80 }).addTargets('Api', { port: 80, targets: [service] });
    enforceReadiness(app, { stage: 'prod', awsSolutions: false, nist: false });
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
  });

  const finding = (ruleId: string, constructPath: string) =>
    error!.message.split(/\n\s*\n/).some((b) => b.includes(`::${ruleId}'`) && b.includes(constructPath));

  test('synth fails', () => {
    expect(error).toBeDefined();
  });

  test('the ALB without a WebACL fails with Readiness-WAF', () => {
    expect(finding('Readiness-WAF', 'Shop/Entry/Resource')).toBe(true);
  });

  test('the Fargate service without autoscaling fails with Readiness-AUTOSCALING, without rollback with Readiness-DEPLOY-SAFETY', () => {
    expect(finding('Readiness-AUTOSCALING', 'Shop/Api/Service')).toBe(true);
    expect(finding('Readiness-DEPLOY-SAFETY', 'Shop/Api/Service')).toBe(true);
  });

  test('the default target group health check and the missing capacity plan are named too', () => {
    expect(finding('Readiness-HEALTH-CHECK', 'Shop/Entry/Http/ApiGroup/Resource')).toBe(true);
    expect(finding('Readiness-CAPACITY', 'Shop/Api/Service')).toBe(true);
  });
});
