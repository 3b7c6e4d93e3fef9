import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance } from 'cdk-nag';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { CapacityPlanMet as rule, capacityOf } from '../../../../lib/aspects/rules/service/capacity-plan-met';
import { PROD } from '../../../../lib/config/stages';
import { CAPACITY_PLAN_METADATA_KEY, describeCapacity } from '../../../../lib/constructs/service/capacity-plan';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-CAPACITY', () => {
  let stack: Stack;
  let enough: ecs.FargateService;
  let short: ecs.FargateService;
  let undeclared: ecs.FargateService;
  let worker: ecs.FargateService;
  let fixedCount: ecs.FargateService;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), portMappings: [{ containerPort: 8080 }] });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    const listener = alb.addListener('Http', { port: 80 });
    const webService = (id: string, plan?: { concurrencyPerTask: number }, maxCapacity?: number, desiredCount?: number) => {
      const service = new ecs.FargateService(stack, id, { cluster, taskDefinition, desiredCount, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true });
      listener.addTargets(`${id}Targets`, { port: 8080, targets: [service], priority: listener.node.children.length, conditions: [elbv2.ListenerCondition.pathPatterns([`/${id}/*`])] });
      if (maxCapacity) service.autoScaleTaskCount({ minCapacity: 2, maxCapacity }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
      // The plan a user records on the service: Metadata next to the scalable target.
      if (plan) cfnOf(service).addMetadata(CAPACITY_PLAN_METADATA_KEY, plan);
      return service;
    };
    listener.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(404) });
    enough = webService('Enough', { concurrencyPerTask: 500 }, 24);
    short = webService('Short', { concurrencyPerTask: 500 }, 10);
    undeclared = webService('Undeclared', undefined, 40);
    fixedCount = webService('FixedCount', { concurrencyPerTask: 5000 }, undefined, 2);
    worker = new ecs.FargateService(stack, 'Worker', { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true });
  });

  test('24 tasks x 500 users/task carries the 10,000-user target', () => {
    expect(check(rule, enough)).toBe(NagRuleCompliance.COMPLIANT);
    expect(describeCapacity(capacityOf(cfnOf(enough))!)).toBe('24 tasks x 500 users/task = 12000 >= 10000 target');
  });

  test('10 tasks x 500 users/task falls short and is non-compliant, with the arithmetic', () => {
    expect(check(rule, short)).toEqual([expect.stringMatching(/UserStack\/Short\/Service: 10 tasks x 500 users\/task = 5000 < 10000 target \(needs at least 20 tasks\)\. Fix: raise the scalable target's MaxCapacity to 20/)]);
    expect(describeCapacity(capacityOf(cfnOf(short))!)).toBe('10 tasks x 500 users/task = 5000 < 10000 target (needs at least 20 tasks)');
  });

  test('a load-balanced service without a declared plan is non-compliant; a service that does not autoscale uses its desired count', () => {
    expect(check(rule, undeclared)).toEqual([expect.stringMatching(/UserStack\/Undeclared\/Service: no capacity plan .*declareCapacity\(service, \{ concurrencyPerTask/)]);
    expect(check(rule, fixedCount)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('the stage config target wins over the default', () => {
    const context = ruleContextFor('prod', { ...PROD, service: { ...PROD.service, capacity: { targetConcurrentUsers: 20000, concurrencyPerTask: 500 } } });
    expect(rule.check(cfnOf(enough), context)).toEqual([expect.stringMatching(/24 tasks x 500 users\/task = 12000 < 20000 target/)]);
    expect(capacityOf(cfnOf(enough), context)?.tasksNeeded).toBe(40);
  });

  test('a service behind no load balancer and without a plan (a worker) is not applicable', () => {
    expect(check(rule, worker)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('the Readiness pack flags exactly the services that cannot carry the target', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(['UserStack/Short/Service', 'UserStack/Undeclared/Service']);
  });
});
