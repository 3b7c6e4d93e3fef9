import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OnCallTopics } from '../../../lib/constructs/observability/on-call-topics';
import { newTestApp } from '../../helpers/synth';

describe('OnCallTopics with e-mails and a pager URL from Secrets Manager', () => {
  let template: Template;
  let json: string;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Alerting', { env: { account: '111111111111', region: 'eu-west-1' } });
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Pager', 'prod/oncall/pager-integration-url');
    new OnCallTopics(stack, 'OnCall', {
      criticalEmails: ['oncall@example.com'],
      warningEmails: ['platform@example.com'],
      pagerUrlSecret: secret,
    });
    template = Template.fromStack(stack);
    json = JSON.stringify(template.toJSON());
  });

  test('both topics are encrypted with one rotated customer-managed key that is retained', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue(), SignatureVersion: '2' });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('the key lets CloudWatch, EventBridge and Backup publish encrypted messages', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAlarmPublishers',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'backup.amazonaws.com', 'budgets.amazonaws.com'] },
          }),
        ]),
      },
    });
  });

  test('topic policies deny publishing without TLS', () => {
    template.resourceCountIs('AWS::SNS::TopicPolicy', 2);
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Sid: 'AllowAlarmPublishers', Action: 'sns:Publish', Effect: 'Allow' }),
        ]),
      },
    });
  });

  test('e-mails subscribe to their topic and the pager URL is a dynamic reference on the critical topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'platform@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      RawMessageDelivery: false,
      TopicArn: { Ref: Match.stringLikeRegexp('OnCallCritical') },
      Endpoint: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^\\{\\{resolve:secretsmanager:arn:')])] },
    });
    expect(json).toMatch(/secret:prod\/oncall\/pager-integration-url:SecretString:::\}\}/);
    expect(json).not.toMatch(/https:\/\/events\.pagerduty/);
  });
});

describe('OnCallTopics validation', () => {
  test('every bad prop is named with its fix in one error', () => {
    const stack = new Stack(newTestApp(), 'Bad');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Pager', 'x');
    expect(() =>
      new OnCallTopics(stack, 'OnCall', { criticalEmails: ['not-an-email'], pagerUrl: 'http://pager.example.com', pagerUrlSecret: secret }),
    ).toThrow(/criticalEmails = \["not-an-email"\].*\n.*pagerUrl = "http:\/\/pager.example.com": use the https:\/\/.*\n.*pagerUrl.*not both/);
  });
});

describe('OnCallTopics with a given key', () => {
  test('a key of the app gets the publishers statement too (otherwise alarms could not publish)', () => {
    const stack = new Stack(newTestApp(), 'Alerting', { env: { account: '111111111111', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'SharedKey', { enableKeyRotation: true });
    new OnCallTopics(stack, 'OnCall', { encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAlarmPublishers',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'backup.amazonaws.com', 'budgets.amazonaws.com'] },
          }),
        ]),
      },
    });
  });

  test('an imported key, whose policy cannot be changed here, gets a warning naming the grant to add', () => {
    const stack = new Stack(newTestApp(), 'Alerting', { env: { account: '111111111111', region: 'eu-west-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new OnCallTopics(stack, 'OnCall', { encryptionKey: key });
    Annotations.fromStack(stack).hasWarning('/Alerting/OnCall', Match.stringLikeRegexp('cloudwatch.amazonaws.com.*kms:GenerateDataKey\\* and kms:Decrypt'));
  });
});
