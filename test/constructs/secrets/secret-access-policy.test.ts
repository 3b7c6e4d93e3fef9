import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ResilientRedis } from '../../../lib/constructs/cache/resilient-redis';
import { SecretAccessPolicy } from '../../../lib/constructs/secrets/secret-access-policy';
import { NO_BUNDLING } from '../../helpers/synth';

const ENV = { account: '111111111111', region: 'eu-west-1' };

describe('the Redis AUTH token is denied outside the roles that need it', () => {
  let data: Template;
  let service: Template;

  beforeAll(() => {
    const app = new App({ context: NO_BUNDLING });
    const dataStack = new Stack(app, 'Data', { env: ENV });
    const vpc = new ec2.Vpc(dataStack, 'Vpc', {
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const cache = new ResilientRedis(dataStack, 'Cache', { vpc });
    const serviceStack = new Stack(app, 'Service', { env: ENV });
    const tasks = new ec2.SecurityGroup(serviceStack, 'Tasks', { vpc });
    cache.allowConnectionsFrom(tasks);
    data = Template.fromStack(dataStack);
    service = Template.fromStack(serviceStack);
  });

  test('a Deny on reading and rotating the value for every principal but this stack, the admitted stack and deployments', () => {
    const policies = Object.values(data.findResources('AWS::SecretsManager::ResourcePolicy'));
    expect(policies).toHaveLength(1);
    const deny = policies[0].Properties.ResourcePolicy.Statement.find((s: { Sid?: string }) => s.Sid === 'DenyOutsideAllowedRoles');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
    });
    const allowed = JSON.stringify(deny.Condition.ArnNotLike['aws:PrincipalArn']);
    expect(allowed).toContain(':iam::111111111111:role/Data-*');
    expect(allowed).toContain(':iam::111111111111:role/Service-*');
    expect(allowed).toContain(':iam::111111111111:role/cdk-*-cfn-exec-role-*');
    expect(policies[0].Properties.SecretId).toEqual({ Ref: expect.stringMatching(/^CacheAuthToken/) });
  });

  test('admitting a stack creates no reference from the data stack to it (no cycle)', () => {
    expect(JSON.stringify(data.toJSON())).not.toContain('Fn::ImportValue');
    expect(Object.keys(service.toJSON().Outputs ?? {})).toEqual([]);
  });
});

describe('SecretAccessPolicy', () => {
  test('names listed roles by ARN', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    new SecretAccessPolicy(stack, 'Access', { secret, allowedRoles: [role], allowedStacks: [] });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::SecretsManager::ResourcePolicy'))[0];
    const arns = policy.Properties.ResourcePolicy.Statement[0].Condition.ArnNotLike['aws:PrincipalArn'];
    expect(arns).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Reader/), 'Arn'] }, expect.anything()]);
  });

  test('an imported secret cannot be guarded here and says where to do it', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Imported', 'prod/pager');
    expect(() => new SecretAccessPolicy(stack, 'Access', { secret })).toThrow(/imported and cannot take a resource policy; guard it where it is created/);
  });
});
