import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { containerImageFromReference } from '../../../lib/constructs/service/container-image';
import { ProtectedService, ProtectedServiceProps } from '../../../lib/constructs/service/protected-service';
import { NO_BUNDLING } from '../../helpers/synth';

function fixture(): { stack: Stack; base: ProtectedServiceProps } {
  const stack = new Stack(new App({ context: NO_BUNDLING }), 'Svc', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
  return {
    stack,
    base: {
      vpc,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000'),
      alarmTopic: new sns.Topic(stack, 'OnCall'),
    },
  };
}

describe('ProtectedService defaults (no CDN)', () => {
  let template: Template;

  beforeAll(() => {
    const { stack, base } = fixture();
    new ProtectedService(stack, 'Web', {
      ...base,
      secrets: { API_KEY: ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'ApiKey')) },
      environment: { LOG_LEVEL: 'info' },
    });
    template = Template.fromStack(stack);
  });

  test('port 80 only redirects to HTTPS and both ports are open to the internet for the WebACL to filter', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Internet-facing HTTPS entry',
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443 }), Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80 })],
    });
  });

  test('defaults: 2 to 10 tasks, a new customer key with rotation, a Container Insights cluster', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }] });
  });

  test('secrets go in Secrets, settings in Environment; no capacity plan is recorded without concurrencyPerTask', () => {
    const [taskDef] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    const app = taskDef.Properties.ContainerDefinitions.find((c: any) => c.Name === 'App');
    expect(app.Secrets).toEqual([expect.objectContaining({ Name: 'API_KEY' })]);
    expect(app.Environment).toEqual(expect.arrayContaining([{ Name: 'LOG_LEVEL', Value: 'info' }]));
    const [svc] = Object.values(template.findResources('AWS::ECS::Service'));
    expect(svc.Metadata?.['Readiness:CapacityPlan']).toBeUndefined();
  });
});

describe('ProtectedService validation', () => {
  test('every bad value is reported at once with its fix', () => {
    const { stack, base } = fixture();
    expect(
      () =>
        new ProtectedService(stack, 'Bad', {
          ...base,
          containerPort: 80,
          minCapacity: 1,
          maxCapacity: 1,
          environment: { DB_PASSWORD: 'hunter2' },
          stickySessionDuration: Duration.days(30),
        }),
    ).toThrow(
      /containerPort = 80: use a port from 1024[\s\S]*minCapacity = 1: run at least 2 tasks[\s\S]*maxCapacity = 1: use more than minCapacity[\s\S]*environment = \["DB_PASSWORD"\]: pass secret values through `secrets`[\s\S]*stickySessionDuration = 2592000/,
    );
  });

  test('the secret value itself never appears in the error', () => {
    const { stack, base } = fixture();
    let message = '';
    try {
      new ProtectedService(stack, 'Leaky', { ...base, environment: { API_TOKEN: 'tok-12345' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/environment = \["API_TOKEN"\]/);
    expect(message).not.toContain('tok-12345');
  });

  test('a CPU/memory pair that is not a Fargate size is rejected', () => {
    const { stack, base } = fixture();
    expect(() => new ProtectedService(stack, 'Odd', { ...base, cpu: 256, memoryLimitMiB: 4096 })).toThrow(/memoryLimitMiB = 4096: use a Fargate size/);
  });
});

describe('containerImageFromReference', () => {
  test('an ECR URI becomes a repository the execution role may pull from; other references are pulled as is', () => {
    const { stack, base } = fixture();
    const image = containerImageFromReference(stack, 'Image', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/marketplace/api:1.4.2');
    new ProtectedService(stack, 'Web', { ...base, image });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'App', Image: Match.objectLike({ 'Fn::Join': Match.anyValue() }) })]),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['ecr:BatchGetImage']), Resource: 'arn:aws:ecr:eu-west-1:123456789012:repository/marketplace/api' }),
        ]),
      },
    });
  });
});

describe('ProtectedService with an origin header (behind a CDN)', () => {
  test('403 by default; the service only for requests carrying the header, by dynamic reference, previous value too while rotating', () => {
    const { stack, base } = fixture();
    const secret = new secretsmanager.Secret(stack, 'Origin', { generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'header' } });
    new ProtectedService(stack, 'Web', {
      ...base,
      originVerifyHeader: {
        name: 'X-Origin-Verify',
        value: secret.secretValueFromJson('header'),
        previousValue: SecretValue.secretsManager(secret.secretArn, { jsonField: 'header', versionStage: 'AWSPREVIOUS' }),
      },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }],
    });
    const ref = (stage: string) => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^Origin') }, `:SecretString:header:${stage}:}}`]] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [ref(''), ref('AWSPREVIOUS')] } }],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
  });
});
