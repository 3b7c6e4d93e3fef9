import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { VpcFlowLogged as rule } from '../../../../lib/aspects/rules/observability/vpc-flow-logged';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-VPC-FLOW-LOGS', () => {
  let stack: Stack;
  let logged: ec2.Vpc;
  let plain: ec2.Vpc;
  let subnetOnly: ec2.Vpc;

  beforeAll(() => {
    stack = userStack();
    const zones = { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 };
    logged = new ec2.Vpc(stack, 'Logged', zones);
    logged.addFlowLog('FlowLog');
    plain = new ec2.Vpc(stack, 'Plain', zones);
    // Fooling: a flow log of one subnet does not cover the VPC.
    subnetOnly = new ec2.Vpc(stack, 'SubnetOnly', zones);
    new ec2.FlowLog(stack, 'SubnetFlowLog', { resourceType: ec2.FlowLogResourceType.fromSubnet(subnetOnly.publicSubnets[0]) });
    new ec2.CfnFlowLog(stack, 'MislabelledFlowLog', { resourceId: subnetOnly.vpcId, resourceType: 'Subnet', trafficType: 'ALL', logDestinationType: 's3', logDestination: 'arn:aws:s3:::bucket' });
  });

  test('a VPC with a VPC flow log is compliant', () => {
    expect(check(rule, logged)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('no flow log, or one that is not of type VPC, is a finding', () => {
    expect(check(rule, plain)).toEqual(['no AWS::EC2::FlowLog refers to it, needs one with ResourceType VPC']);
    expect(check(rule, subnetOnly)).toEqual(['ResourceType of its flow log is "Subnet", needs "VPC"']);
  });

  test('the Readiness pack flags exactly the VPCs without flow logs', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([plain, subnetOnly].map((v) => cfnOf(v).node.path).sort());
  });
});
