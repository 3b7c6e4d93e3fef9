import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { NagRuleCompliance } from 'cdk-nag';
import { ServiceDeploysSafely as rule } from '../../../../lib/aspects/rules/service/service-deploys-safely';
import { check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-DEPLOY-SAFETY', () => {
  let stack: Stack;
  let guarded: ecs.FargateService;
  let breakerOnly: ecs.FargateService;
  let noRollback: ecs.FargateService;
  let bare: ecs.FargateService;
  let blueGreen: ecs.CfnService;
  let blueGreenNoRollback: ecs.CfnService;

  beforeAll(() => {
    stack = userStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') });
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const service = (id: string, props: Partial<ecs.FargateServiceProps>) =>
      new ecs.FargateService(stack, id, { cluster, taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, assignPublicIp: true, ...props });
    guarded = service('Guarded', { circuitBreaker: { enable: true, rollback: true }, deploymentAlarms: { alarmNames: [alarm.alarmName] } });
    breakerOnly = service('BreakerOnly', { circuitBreaker: { enable: true, rollback: true } });
    noRollback = service('NoRollback', { circuitBreaker: { enable: true, rollback: false }, deploymentAlarms: { alarmNames: [alarm.alarmName] } });
    bare = service('Bare', {});

    // Blue/green: the controller is CodeDeploy; rollback lives on the deployment group.
    const blueGreenService = (id: string) =>
      new ecs.CfnService(stack, id, { cluster: cluster.clusterName, taskDefinition: taskDefinition.taskDefinitionArn, launchType: 'FARGATE', desiredCount: 2, deploymentController: { type: 'CODE_DEPLOY' } });
    blueGreen = blueGreenService('BlueGreen');
    blueGreenNoRollback = blueGreenService('BlueGreenNoRollback');
    const app = new codedeploy.CfnApplication(stack, 'DeployApp', { computePlatform: 'ECS' });
    const role = 'arn:aws:iam::123456789012:role/codedeploy';
    new codedeploy.CfnDeploymentGroup(stack, 'Group', {
      applicationName: app.ref,
      serviceRoleArn: role,
      ecsServices: [{ clusterName: cluster.clusterName, serviceName: blueGreen.attrName }],
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      alarmConfiguration: { enabled: true, alarms: [{ name: alarm.alarmName }] },
    });
    new codedeploy.CfnDeploymentGroup(stack, 'GroupNoRollback', {
      applicationName: app.ref,
      serviceRoleArn: role,
      ecsServices: [{ clusterName: cluster.clusterName, serviceName: blueGreenNoRollback.attrName }],
    });
  });

  test('the circuit breaker with rollback and deployment alarms is compliant in prod', () => {
    expect(check(rule, guarded, 'prod')).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('prod also needs deployment alarms; staging accepts the circuit breaker alone', () => {
    expect(check(rule, breakerOnly, 'prod')).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, breakerOnly, 'staging')).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a circuit breaker without rollback, or none at all, is non-compliant in every stage', () => {
    expect(check(rule, noRollback, 'dev')).toBe(NagRuleCompliance.NON_COMPLIANT);
    expect(check(rule, bare, 'dev')).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('CodeDeploy blue/green counts when its deployment group rolls back automatically (prod: on alarms)', () => {
    expect(check(rule, blueGreen, 'prod')).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, blueGreenNoRollback, 'prod')).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('the Readiness pack flags exactly the unsafe services in prod', () => {
    expect(flaggedPaths(rule, stack, 'prod').sort()).toEqual(['UserStack/Bare/Service', 'UserStack/BlueGreenNoRollback', 'UserStack/BreakerOnly/Service', 'UserStack/NoRollback/Service']);
  });
});
