import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { QueueWorker, QueueWorkerProps } from '../../../lib/constructs/worker/queue-worker';
import { NO_BUNDLING } from '../../helpers/synth';

function fixture(): { stack: Stack; base: QueueWorkerProps } {
  const stack = new Stack(new App({ context: NO_BUNDLING }), 'Worker', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
  return { stack, base: { vpc, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.36'), alarmTopic: new sns.Topic(stack, 'OnCall') } };
}

describe('QueueWorker defaults', () => {
  let template: Template;

  beforeAll(() => {
    const { stack, base } = fixture();
    new QueueWorker(stack, 'Images', base);
    template = Template.fromStack(stack);
  });

  test('both queues use the new customer key and deny plain HTTP; 5 receives, then the dead-letter queue (14 days)', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties);
    for (const q of queues) expect(q.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ImagesKey/), 'Arn'] });
    expect(queues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ RedrivePolicy: expect.objectContaining({ maxReceiveCount: 5 }) }),
        expect.objectContaining({ MessageRetentionPeriod: 1209600 }),
      ]),
    );
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  test('the dead-letter alarm notifies on-call and rolls deployments back', () => {
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('ImagesDeadLetterAlarm'));
    expect(alarms).toHaveLength(1);
    expect(alarms[0][1].Properties).toMatchObject({ AlarmActions: [{ Ref: expect.stringMatching(/^OnCall/) }], Threshold: 0 });
    const [svc] = Object.values(template.findResources('AWS::ECS::Service'));
    expect(svc.Properties.DeploymentConfiguration.Alarms).toMatchObject({ Enable: true, Rollback: true });
  });
});

describe('QueueWorker validation', () => {
  test('an unbounded receive count, a visibility timeout over 12 h and a max below min are rejected together', () => {
    const { stack, base } = fixture();
    expect(() => new QueueWorker(stack, 'Bad', { ...base, maxReceiveCount: 50, visibilityTimeout: Duration.hours(13), minCapacity: 4, maxCapacity: 2 })).toThrow(
      /maxReceiveCount = 50[\s\S]*visibilityTimeout = 46800[\s\S]*maxCapacity = 2/,
    );
  });
});
