import { Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { NagRuleCompliance } from 'cdk-nag';
import { ProdDeployApproved as rule } from '../../../../lib/aspects/rules/delivery/prod-deploy-approved';
import { check, userStack } from '../rule-test-kit';
import { approval, deploy, pipeline } from './fixtures';

describe('Readiness-PIPELINE-APPROVAL', () => {
  let stack: Stack;
  const p: Record<string, codepipeline.CfnPipeline> = {};

  beforeAll(() => {
    stack = userStack();
    p.Approved = pipeline(stack, 'Approved', [{ name: 'Staging', actions: [deploy('Staging-Service')] }, { name: 'Prod', actions: [approval(1), deploy('Prod-Service', 2)] }]);
    p.ApprovedEarlierStage = pipeline(stack, 'ApprovedEarlierStage', [{ name: 'Gate', actions: [approval()] }, { name: 'Release', actions: [deploy('shop-production')] }]);
    p.EntryCondition = pipeline(stack, 'EntryCondition', [
      { name: 'Prod', beforeEntry: { conditions: [{ result: 'FAIL', rules: [{ name: 'NoAlarms', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'CloudWatchAlarm', version: '1' }, configuration: { AlarmName: 'x' } }] }] }, actions: [deploy('Prod-Service')] },
    ]);
    p.Direct = pipeline(stack, 'Direct', [{ name: 'Deploy', actions: [deploy('Prod-Service')] }]);
    // Fooling: an approval after the prod deploy (same stage, higher run order), and one in a later stage.
    p.ApprovalAfter = pipeline(stack, 'ApprovalAfter', [{ name: 'Prod', actions: [deploy('Prod-Service', 1), approval(2)] }]);
    p.ApprovalLaterStage = pipeline(stack, 'ApprovalLaterStage', [{ name: 'Prod', actions: [deploy('Prod-Data')] }, { name: 'Signoff', actions: [approval()] }]);
    p.DevOnly = pipeline(stack, 'DevOnly', [{ name: 'Dev', actions: [deploy('Dev-Service')] }, { name: 'Product', actions: [deploy('Productcatalog-Dev')] }]);
  });

  test('an approval before the first prod deploy, in the same or an earlier stage, or entry conditions on the prod stage, is compliant', () => {
    expect(check(rule, p.Approved)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, p.ApprovedEarlierStage)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, p.EntryCondition)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a direct prod deployment fails, naming the stage and action', () => {
    expect(check(rule, p.Direct)).toEqual(['Stages[1] Deploy: action Prod-Service.Deploy deploys prod with no Approval action before it']);
  });

  test('fooling: an approval after the prod deploy does not count', () => {
    expect(check(rule, p.ApprovalAfter)).toEqual([expect.stringMatching(/Prod-Service\.Deploy deploys prod/)]);
    expect(check(rule, p.ApprovalLaterStage)).toEqual([expect.stringMatching(/Prod-Data\.Deploy deploys prod/)]);
  });

  test('a pipeline that deploys no prod stage is not applicable ("Product" is not prod)', () => {
    expect(check(rule, p.DevOnly)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});
