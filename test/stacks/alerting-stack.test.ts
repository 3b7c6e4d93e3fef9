import { Match, Template } from 'aws-cdk-lib/assertions';
import { PROD } from '../../lib/config/stages';
import { buildStage } from '../helpers/synth';

describe('Alerting stack of the prod stage', () => {
  let template: Template;
  let json: string;
  beforeAll(() => {
    const { stage } = buildStage(PROD);
    template = Template.fromStack(stage.alerting);
    json = JSON.stringify(template.toJSON());
  });

  test('the pager URL comes from the configured secret as a dynamic reference, never in clear text', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', RawMessageDelivery: false });
    expect(json).toContain(`:secret:${PROD.observability.pagerUrlSecretName}:SecretString:::}}`);
  });

  test('GuardDuty findings of severity 7 or more page the critical topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('OnCallCritical') }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 10 }) })],
    });
  });

  test('Security Hub CRITICAL findings page the critical topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.securityhub'],
        detail: { findings: { Severity: { Label: ['CRITICAL'] }, RecordState: ['ACTIVE'], Workflow: { Status: ['NEW'] } } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('OnCallCritical') } })],
    });
  });

  test('the stack depends on nothing: no imports from other stacks', () => {
    expect(json).not.toContain('Fn::ImportValue');
  });
});
