import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { ResourceRule, resourceRule } from '../../rule';
import { referenceTest } from '../../analysis/references';

/**
 * Readiness-VPC-FLOW-LOGS (control OBSERVABILITY): every VPC has an `AWS::EC2::FlowLog` whose
 * `ResourceType` is `VPC` and whose `ResourceId` refers to it (a flow log of one subnet or interface
 * does not cover the VPC). A flow log whose ResourceId the template cannot tie to the VPC does not count.
 */
export const VpcFlowLogged: ResourceRule = resourceRule({
  kind: 'resource',
  id: 'VPC-FLOW-LOGS',
  controlId: 'OBSERVABILITY',
  category: 'operations',
  resourceTypes: ['AWS::EC2::VPC'],
  info: 'The VPC has no flow log (no AWS::EC2::FlowLog with ResourceType VPC refers to it).',
  explanation:
    'Gap 4.1 / 2.5: without flow logs there is no record of which addresses talked to which, for an incident or a security investigation. ' +
    'CDK: `vpc.addFlowLog(\'FlowLog\')` or `flowLogs: { ... }` on `ec2.Vpc` (to CloudWatch Logs or S3).',
  test: 'test/aspects/rules/observability/vpc-flow-logged.spec.ts',
  check: (node: CfnResource) => {
    const refers = referenceTest(node);
    const logs = resourcesOfType(node.node.root, 'AWS::EC2::FlowLog').filter((f) => refers(Stack.of(f), prop(f, 'ResourceId')));
    const ofVpc = logs.filter((f) => stringOf(f, prop(f, 'ResourceType')) === 'VPC');
    if (ofVpc.length > 0) return NagRuleCompliance.COMPLIANT;
    return [
      logs.length > 0
        ? `ResourceType of its flow log is ${logs.map((f) => JSON.stringify(stringOf(f, prop(f, 'ResourceType')) ?? 'unreadable')).join(', ')}, needs "VPC"`
        : 'no AWS::EC2::FlowLog refers to it, needs one with ResourceType VPC',
    ];
  },
});
