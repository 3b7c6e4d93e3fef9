import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { capacitySection } from '../../../lib/readiness/sections/capacity-report-section';
import { PROD } from '../../../lib/config/stages';
import { CAPACITY_PLAN_METADATA_KEY } from '../../../lib/constructs/service/capacity-plan';
import { REPORT_SECTIONS } from '../../../lib/readiness/sections';
import { cfnOf, userStack } from '../../aspects/rules/rule-test-kit';

describe('capacity report section', () => {
  test('shows the arithmetic per user-facing service against the stage target', () => {
    const stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') });
    const web = new ecs.FargateService(stack, 'Web', { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true });
    web.autoScaleTaskCount({ minCapacity: 3, maxCapacity: 24 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    cfnOf(web).addMetadata(CAPACITY_PLAN_METADATA_KEY, { targetConcurrentUsers: 10000, concurrencyPerTask: 500 });

    const section = capacitySection(stack, { stage: 'prod', config: PROD, results: [] })!;
    expect(section.title).toBe('Capacity plan');
    expect(section.markdown).toContain('| UserStack/Web/Service | 500 | 24 | 12000 | 10000 | 20 | yes | 24 tasks x 500 users/task = 12000 >= 10000 target |');
    expect(section.data).toEqual([expect.objectContaining({ maxTasks: 24, capacity: 12000, meetsTarget: true })]);

    const higher = capacitySection(stack, { stage: 'prod', config: { ...PROD, service: { ...PROD.service, capacity: { targetConcurrentUsers: 15000, concurrencyPerTask: 500 } } }, results: [] })!;
    expect(higher.markdown).toContain('24 tasks x 500 users/task = 12000 < 15000 target (needs at least 30 tasks)');
  });

  test('is registered with the report and absent when the scope has no user-facing service', () => {
    expect(REPORT_SECTIONS).toContain(capacitySection);
    expect(capacitySection(userStack(), { stage: 'prod', results: [] })).toBeUndefined();
  });
});
