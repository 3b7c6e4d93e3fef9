import { App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as eks from 'aws-cdk-lib/aws-eks';
import { NagRuleCompliance } from 'cdk-nag';
import { ComputeSpreadAcrossZones as rule } from '../../../../lib/aspects/rules/service/compute-spread-across-zones';
import { enforceReadiness, evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check, flaggedPaths } from '../rule-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };

/** A user's app: a network stack with a 3-AZ and a 2-AZ VPC, and a compute stack that uses them across stacks. */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const network = new Stack(app, 'Network', { env: ENV });
  const vpc3 = new ec2.Vpc(network, 'Vpc3', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const vpc2 = new ec2.Vpc(network, 'Vpc2', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b'], subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const stack = new Stack(app, 'Compute', { env: ENV });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: vpc3 });
  const cluster2 = new ecs.Cluster(stack, 'Cluster2', { vpc: vpc2 });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
  taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') });

  const spread = new ecs.FargateService(stack, 'Spread', { cluster, taskDefinition, desiredCount: 2 });
  const twoZones = new ecs.FargateService(stack, 'TwoZones', { cluster: cluster2, taskDefinition, desiredCount: 2 });
  const single = new ecs.FargateService(stack, 'Single', { cluster, taskDefinition, desiredCount: 1 });
  const oneSubnet = new ecs.FargateService(stack, 'OneSubnet', { cluster, taskDefinition, desiredCount: 3, vpcSubnets: { subnets: [vpc3.isolatedSubnets[0]] } });
  // Plain L1: no DesiredCount at all.
  const noCount = new ecs.CfnService(stack, 'NoCount', {
    cluster: cluster.clusterName,
    taskDefinition: taskDefinition.taskDefinitionArn,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: vpc3.isolatedSubnets.map((s) => s.subnetId) } },
  });
  // Imported subnet IDs: the rule cannot tell their zones.
  const imported = new ecs.CfnService(stack, 'Imported', {
    cluster: cluster.clusterName,
    taskDefinition: taskDefinition.taskDefinitionArn,
    launchType: 'FARGATE',
    desiredCount: 3,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2', 'subnet-0aaaaaaaaaaaaaaa3'] } },
  });

  const asg = new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc: vpc3,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: new ec2.InstanceType('t3.small'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    minCapacity: 2,
    maxCapacity: 6,
  });
  const asgMinOne = new autoscaling.CfnAutoScalingGroup(stack, 'AsgMinOne', { minSize: '1', maxSize: '4', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], launchConfigurationName: 'lc' });
  const asgZones = new autoscaling.CfnAutoScalingGroup(stack, 'AsgZones', { minSize: '2', maxSize: '4', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], launchConfigurationName: 'lc' });

  const nodes = new eks.CfnNodegroup(stack, 'Nodes', {
    clusterName: 'shop',
    nodeRole: 'arn:aws:iam::123456789012:role/nodes',
    subnets: vpc3.isolatedSubnets.map((s) => s.subnetId),
    scalingConfig: { minSize: 3, maxSize: 9, desiredSize: 3 },
  });
  const nodesNoScaling = new eks.CfnNodegroup(stack, 'NodesNoScaling', { clusterName: 'shop', nodeRole: 'arn:aws:iam::123456789012:role/nodes', subnets: vpc3.isolatedSubnets.map((s) => s.subnetId) });

  return { app, stack, spread, twoZones, single, oneSubnet, noCount, imported, asg, asgMinOne, asgZones, nodes, nodesNoScaling };
}

describe('Readiness-COMPUTE-PLATFORM', () => {
  let f: ReturnType<typeof userApp>;

  beforeAll(() => {
    f = userApp();
  });

  test('an ECS service in subnets of 3 AZs (another stack) with 2 tasks is compliant in every stage', () => {
    for (const stage of ['prod', 'staging', 'dev'] as const) expect(check(rule, f.spread, stage)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('2 AZs is enough outside prod, not in prod (the stage threshold comes from the rule context)', () => {
    expect(check(rule, f.twoZones, 'prod')).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, f.twoZones, 'staging')).toBe(NagRuleCompliance.COMPLIANT);
    expect(rule.check(f.twoZones.node.defaultChild as any, { stage: 'prod', minBackupRetentionDays: 7, maxRotationDays: 30, minAvailabilityZones: 2, settings: {} })).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('one task, one subnet, no DesiredCount, or imported subnet IDs are non-compliant', () => {
    for (const service of [f.single, f.oneSubnet, f.noCount, f.imported]) expect(check(rule, service, 'staging')).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an Auto Scaling group needs MinSize 2 across the zones; an EKS node group needs ScalingConfig.MinSize 2', () => {
    expect(check(rule, f.asg)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.asgZones)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.asgMinOne)).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, f.nodes)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.nodesNoScaling)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('subnets whose zone is Fn::GetAZs (an environment-agnostic VPC) are unknown, so non-compliant, with a message that says so', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 3, subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') });
    const service = new ecs.FargateService(stack, 'Api', { cluster: new ecs.Cluster(stack, 'Cluster', { vpc }), taskDefinition, desiredCount: 2 });
    expect(check(rule, service)).toEqual([expect.stringMatching(/Fn::GetAZs \(an environment-agnostic stack\): the zones cannot be known at synth.*Fix: give the stack an env .* explicit zones/)]);
  });

  test('the Readiness pack flags exactly the resources that are not spread (prod)', () => {
    expect(flaggedPaths(rule, f.stack).sort()).toEqual([
      'Compute/AsgMinOne',
      'Compute/Imported',
      'Compute/NoCount',
      'Compute/NodesNoScaling',
      'Compute/OneSubnet/Service',
      'Compute/Single/Service',
      'Compute/TwoZones/Service',
    ]);
  });

  test('the gate reports them as errors in prod and staging, warnings in dev', () => {
    const errors = (stage: 'prod' | 'staging' | 'dev') =>
      evaluateReadiness(userApp().app, { stage, rules: [rule], awsSolutions: false, nist: false, writeReport: false }).readiness.violations.filter((v) => v.ruleName === 'Readiness-COMPUTE-PLATFORM');
    expect(errors('prod')).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(errors('prod')[0].violatingResources).toHaveLength(7);
    expect(errors('staging')[0].violatingResources).toHaveLength(6);
    expect(errors('dev')).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  test("a user's app with a single-task service fails the prod gate with Readiness-COMPUTE-PLATFORM", () => {
    const { app } = userApp();
    enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Readiness-COMPUTE-PLATFORM/);
    expect(message).toMatch(/Compute\/Single\/Service/);
    // After synthesis the subnets are Fn::ImportValue of the network stack's exports: still followed.
    expect(message).not.toMatch(/Compute\/Spread\/Service/);
  });
});
