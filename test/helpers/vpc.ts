import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The placeholder account and region of the shipped configs: explicit, so synth needs no lookup. */
export const ENV = { account: '111111111111', region: 'eu-west-1' };
export const THREE_AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** A VPC like the network stack's: public, private-with-egress and isolated data subnets over `azs`. */
export function threeTierVpc(stack: Stack, azs: string[] = THREE_AZS): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: azs,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
}
