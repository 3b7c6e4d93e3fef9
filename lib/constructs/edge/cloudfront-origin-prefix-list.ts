import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../service/task-helpers';

/** Construct ID of the AwsCustomResource provider singleton in its stack. */
const SINGLETON_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** The AWS-managed prefix list of CloudFront's origin-facing addresses. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * Resolves the CloudFront origin-facing prefix list ID of the stack's region at deploy time (the ID
 * differs per region, and synth stays offline). Use `peer` in a security group so that only CloudFront
 * reaches an origin. The list weighs about 55 rules: allow one port with it, not two.
 */
export class CloudFrontOriginPrefixList extends Construct {
  public readonly prefixListId: string;
  public readonly peer: ec2.IPeer;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST] }] },
      physicalResourceId: cr.PhysicalResourceId.of(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    };
    const lookup = new cr.AwsCustomResource(this, 'Lookup', {
      onCreate: call,
      onUpdate: call,
      // DescribeManagedPrefixLists has no resource-level permissions.
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
    acknowledge(lookup.node.tryFindChild('CustomResourcePolicy'), 'AwsSolutions-IAM5[Resource::*]', 'ec2:DescribeManagedPrefixLists supports no resource-level permissions; the call is read-only.');
    acknowledge(lookup.node.tryFindChild('CustomResourcePolicy'), 'NIST.800.53.R5-IAMNoInlinePolicy', 'The policy belongs to this lookup alone and allows one read-only call.');
    // The provider function is a stack singleton shared by every AwsCustomResource.
    const provider = Stack.of(this).node.tryFindChild(SINGLETON_ID);
    acknowledge(
      provider?.node.tryFindChild('ServiceRole'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AwsCustomResource provider only needs to write its own logs; the managed basic-execution policy grants exactly that.',
    );
    // CloudFormation invokes the provider synchronously on deploy only; it reaches a public AWS API.
    acknowledge(provider, 'NIST.800.53.R5-LambdaConcurrency', 'Invoked only by CloudFormation during deployments of this stack; a reserved concurrency would only add a failure mode.');
    acknowledge(provider, 'NIST.800.53.R5-LambdaDLQ', 'Invoked synchronously by CloudFormation, which reports a failure on the stack event; there is no async event to dead-letter.');
    acknowledge(provider, 'NIST.800.53.R5-LambdaInsideVPC', 'Calls only the public EC2 API (DescribeManagedPrefixLists) and touches no VPC resource.');
    this.peer = ec2.Peer.prefixList(this.prefixListId);
  }
}
