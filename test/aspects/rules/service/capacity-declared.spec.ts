import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { CapacityPlanMet as rule, capacityFindings } from '../../../../lib/aspects/rules/service/capacity-plan-met';
import { CAPACITY_PLAN_METADATA_KEY, declareCapacity } from '../../../../lib/constructs/service/capacity-plan';
import { evaluateReadiness } from '../../../../lib/readiness/gate';
import { readinessDataProblems } from '../../../../lib/readiness/data-file';
import { NO_BUNDLING } from '../../../helpers/synth';
import { cfnOf } from '../rule-test-kit';

/** A user's app: an L2 Fargate service behind an ALB and an L1 CfnService, each with its own scaling. */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
  taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'), portMappings: [{ containerPort: 8080 }] });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const listener = alb.addListener('Http', { port: 80 });
  const web = new ecs.FargateService(stack, 'Web', { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true });
  listener.addTargets('Web', { port: 8080, targets: [web] });
  const scaling = web.autoScaleTaskCount({ minCapacity: 3, maxCapacity: 24 });
  scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
  // An L1 service with a fixed DesiredCount, and one whose DesiredCount is a parameter.
  const l1 = new ecs.CfnService(stack, 'Legacy', { cluster: cluster.clusterName, taskDefinition: taskDefinition.taskDefinitionArn, desiredCount: 4, launchType: 'FARGATE' });
  const hidden = new ecs.CfnService(stack, 'Hidden', { cluster: cluster.clusterName, taskDefinition: taskDefinition.taskDefinitionArn, launchType: 'FARGATE' });
  hidden.addPropertyOverride('DesiredCount', { Ref: 'AWS::NoValue' });
  return { app, stack, web, l1, hidden };
}

describe('declareCapacity and Readiness-CAPACITY from public inputs', () => {
  let u: ReturnType<typeof userApp>;
  beforeAll(() => {
    u = userApp();
  });

  test('declareCapacity on an L2 service records the plan as Metadata on its AWS::ECS::Service; 24 x 500 carries the prod default', () => {
    declareCapacity(u.web, { concurrencyPerTask: 500 });
    expect(cfnOf(u.web).getMetadata(CAPACITY_PLAN_METADATA_KEY)).toEqual({ concurrencyPerTask: 500 });
    expect(rule.check(cfnOf(u.web), ruleContextFor('prod'))).toBe('Compliant');
  });

  test('on an L1 service with a fixed DesiredCount: 4 x 1000 falls short of 10,000, and the finding gives the arithmetic and the fix', () => {
    declareCapacity(u.l1, { concurrencyPerTask: 1000 });
    expect(rule.check(u.l1, ruleContextFor('prod'))).toEqual([expect.stringMatching(/Shop\/Legacy: 4 tasks x 1000 users\/task = 4000 < 10000 target \(needs at least 10 tasks\)/)]);
    expect(rule.check(u.l1, ruleContextFor('dev'))).toBe('Compliant'); // dev default: 100 users
  });

  test('the stage target from enforceReadiness options wins over the default', () => {
    const context = ruleContextFor('prod', undefined, { readinessTargets: { targetConcurrentUsers: 4000 } });
    expect(rule.check(u.l1, context)).toBe('Compliant');
    const strict = ruleContextFor('prod', undefined, { readinessTargets: { targetConcurrentUsers: 20000 } });
    expect(rule.check(cfnOf(u.web), strict)).toEqual([expect.stringMatching(/24 tasks x 500 users\/task = 12000 < 20000 target/)]);
  });

  test('an app with no declaration: the finding says exactly what to declare', () => {
    const fresh = userApp();
    expect(rule.check(cfnOf(fresh.web), ruleContextFor('prod'))).toEqual([
      expect.stringMatching(/Shop\/Web\/Service: no capacity plan \(Metadata "Readiness:CapacityPlan" is missing\)\. Declare it: declareCapacity\(service, \{ concurrencyPerTask: <users one task sustains in a load test> \}\)/),
    ]);
  });

  test('fooling: a plan whose task count cannot be read (DesiredCount AWS::NoValue, MaxCapacity a token) is non-compliant, naming the property', () => {
    declareCapacity(u.hidden, { concurrencyPerTask: 100_000 });
    expect(capacityFindings(u.hidden, ruleContextFor('prod'))).toEqual([expect.stringMatching(/Shop\/Hidden: no scalable target and DesiredCount = .* cannot be read as a number/)]);
    expect(rule.check(u.hidden, ruleContextFor('prod'))).not.toBe('Compliant');
    const fresh = userApp();
    declareCapacity(fresh.web, { concurrencyPerTask: 100_000 });
    const target = fresh.stack.node.findAll().find((c) => (c as { cfnResourceType?: string }).cfnResourceType === 'AWS::ApplicationAutoScaling::ScalableTarget') as import('aws-cdk-lib').CfnResource;
    target.addPropertyOverride('MaxCapacity', { 'Fn::ImportValue': 'MaxTasks' });
    expect(rule.check(cfnOf(fresh.web), ruleContextFor('prod'))).toEqual([expect.stringMatching(/MaxCapacity = \{"Fn::ImportValue":"MaxTasks"\} cannot be read as a number/)]);
  });

  test('bad input: one error naming every field, value and fix; a non-service is refused', () => {
    const stack = new Stack(new App(), 'S');
    const service = new ecs.CfnService(stack, 'Svc', {});
    expect(() => declareCapacity(service, { concurrencyPerTask: 0, targetConcurrentUsers: 1.5 })).toThrow(
      /declareCapacity\(S\/Svc\) is invalid \(2 problems\):\n  - concurrencyPerTask = 0: the concurrent users one task sustains.*\n  - targetConcurrentUsers = 1\.5: a positive integer/,
    );
    expect(() => declareCapacity(new sqs.Queue(stack, 'Q'), { concurrencyPerTask: 10 })).toThrow(/S\/Q\): not an ECS service/);
  });

  test('bad targets passed in code fail before synth with the field, the value and the fix', () => {
    expect(() => evaluateReadiness(userApp().app, { stage: 'prod', dataFile: false, targets: { targetConcurrentUsers: 0 } })).toThrow(
      /enforceReadiness targets are invalid:\n  targets\.targetConcurrentUsers = 0: not a positive integer\. Fix: the concurrent users the stage must carry/,
    );
  });

  test('readiness.json targets per stage: read by the gate, stated in the report section; bad values name the path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'targets-'));
    try {
      const file = path.join(dir, 'readiness.json');
      fs.writeFileSync(file, JSON.stringify({ targets: { prod: { targetConcurrentUsers: 4000 } } }));
      const fresh = userApp();
      declareCapacity(fresh.l1, { concurrencyPerTask: 1000 });
      const run = evaluateReadiness(fresh.app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false, dataFile: file });
      expect(run.results.filter((r) => r.ruleId === 'Readiness-CAPACITY' && r.construct.node.path === 'Shop/Legacy').map((r) => r.compliance)).toEqual(['compliant']);
      const section = run.report.sections.find((s) => s.title === 'Capacity plan')!;
      expect(section.markdown).toMatch(/Target: 4000 concurrent users in prod .*defaults: dev 100, staging 10000, prod 10000/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(readinessDataProblems({ targets: { prod: { targetConcurrentUsers: -1 }, qa: {} } })).toEqual([
      expect.stringMatching(/^\$\.targets\.qa = \{\}: unknown field/),
      expect.stringMatching(/^\$\.targets\.prod\.targetConcurrentUsers = -1: not a positive integer/),
    ]);
  });
});
