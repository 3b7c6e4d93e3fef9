import { RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { logGroupKey } from '../constructs/service/task-helpers';

export interface NetworkStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The VPC of a stage: public subnets for load balancers and NAT, private subnets with egress for
 * compute, isolated subnets for data. Availability zones come from config so synth needs no lookup.
 */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, { ...props, terminationProtection: props.config.stage === 'prod' });
    const { config } = props;
    this.zones = config.availabilityZones;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.network.cidr),
      availabilityZones: [...config.availabilityZones],
      natGateways: config.network.natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        // Load balancers and NAT gateways get their own public addresses; nothing else launched here should.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    for (const subnet of this.vpc.publicSubnets) {
      Validations.of(subnet).acknowledge({
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Public subnets hold only the internet-facing load balancer and the NAT gateways; their 0.0.0.0/0 route to the internet gateway is what makes them public',
      });
    }

    // Flow logs show who talks to whom: encrypted with a customer key whose use is logged and revocable.
    const flowLogKey = new kms.Key(this, 'FlowLogKey', { enableKeyRotation: true, description: 'Encrypts the VPC flow logs', removalPolicy: RemovalPolicy.RETAIN });
    logGroupKey(flowLogKey);
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: flowLogKey,
      retention: config.network.flowLogRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const flowLog = this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    Validations.of(flowLog).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'The flow-log role policy CDK generates grants writes to this one log group only; it is created and deleted with its role',
    });

    // Tasks reach the AWS services they use without the internet (and without NAT data charges).
    this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    // One group for the interface endpoints: HTTPS from inside the VPC only (the CIDR from config, a literal).
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from the VPC',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(config.network.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const [id, service] of [
      ['EcrApiEndpoint', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDockerEndpoint', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
      ['LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
      ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ['KmsEndpoint', ec2.InterfaceVpcEndpointAwsService.KMS],
      ['SqsEndpoint', ec2.InterfaceVpcEndpointAwsService.SQS],
    ] as const) {
      this.vpc.addInterfaceEndpoint(id, { service, subnets: privateSubnets, privateDnsEnabled: true, securityGroups: [endpointSecurityGroup], open: false });
    }
  }

  /** The configured zones: an env-specific stack would otherwise look them up in the account at synth. */
  public get availabilityZones(): string[] {
    return [...this.zones];
  }
}
