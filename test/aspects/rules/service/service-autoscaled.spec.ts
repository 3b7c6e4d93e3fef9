import { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { NagRuleCompliance } from 'cdk-nag';
import { ServiceAutoscaled as rule } from '../../../../lib/aspects/rules/service/service-autoscaled';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-AUTOSCALING', () => {
  let stack: Stack;
  let scaled: ecs.FargateService;
  let fixed: ecs.FargateService;
  let noPolicy: ecs.FargateService;
  let minOne: ecs.FargateService;
  let flat: ecs.FargateService;
  let l1Scaled: ecs.CfnService;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') });
    const service = (id: string) => new ecs.FargateService(stack, id, { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true });

    scaled = service('Scaled');
    scaled.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    fixed = service('Fixed');
    // A scalable target without a policy never scales.
    noPolicy = service('NoPolicy');
    noPolicy.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 });
    minOne = service('MinOne');
    minOne.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 10 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    flat = service('Flat');
    flat.autoScaleTaskCount({ minCapacity: 3, maxCapacity: 3 }).scaleOnMemoryUtilization('Memory', { targetUtilizationPercent: 70 });

    // Plain L1: a service and a scalable target built from its name.
    l1Scaled = new ecs.CfnService(stack, 'L1Service', { cluster: cluster.clusterName, taskDefinition: taskDefinition.taskDefinitionArn, launchType: 'FARGATE', desiredCount: 2 });
    const target = new appscaling.CfnScalableTarget(stack, 'L1Target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${cluster.clusterName}/${l1Scaled.attrName}`,
      minCapacity: 2,
      maxCapacity: 6,
    });
    new appscaling.CfnScalingPolicy(stack, 'L1Policy', {
      policyName: 'cpu',
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.ref,
      targetTrackingScalingPolicyConfiguration: { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
    });
  });

  test('a service with a scalable target (min 2, max above min) and a policy is compliant', () => {
    expect(check(rule, scaled)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, l1Scaled)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a Fargate service without autoscaling is non-compliant', () => {
    expect(check(rule, fixed)).toEqual([expect.stringMatching(/^no AWS::ApplicationAutoScaling::ScalableTarget scales its DesiredCount/)]);
  });

  test('no policy, a minimum of 1, or max equal to min is non-compliant', () => {
    expect(check(rule, noPolicy)).toEqual([expect.stringMatching(/^scalable target \w+: no AWS::ApplicationAutoScaling::ScalingPolicy, needs one$/)]);
    expect(check(rule, minOne)).toEqual([expect.stringMatching(/^scalable target \w+: MinCapacity is 1, needs >= 2$/)]);
    expect(check(rule, flat)).toEqual([expect.stringMatching(/^scalable target \w+: MaxCapacity is \d+, needs above MinCapacity$/)]);
  });

  test('the Readiness pack flags exactly the services that do not autoscale', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['UserStack/Fixed/Service', 'UserStack/Flat/Service', 'UserStack/MinOne/Service', 'UserStack/NoPolicy/Service']);
  });
});
