import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

/** The Kubernetes version new clusters get: the newest in EKS standard support with a kubectl layer on npm. */
export const DEFAULT_KUBERNETES_VERSION = eks.KubernetesVersion.V1_35;

export interface ProductionClusterProps {
  /** The VPC; its subnets must carry explicit availability zones (no lookups). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the control plane's interfaces and Auto Mode's nodes.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Fewest availability zones the subnets must span (the stage's value: 3 in prod).
   * @default 3
   */
  readonly minAvailabilityZones?: number;
  /**
   * Kubernetes version, from the supported-versions table.
   * @default DEFAULT_KUBERNETES_VERSION
   */
  readonly version?: eks.KubernetesVersion;
  /**
   * Customer-managed key for the envelope encryption of Kubernetes secrets.
   * @default - a new key with yearly rotation, retained on stack deletion
   */
  readonly secretsEncryptionKey?: kms.IKey;
  /**
   * CIDRs allowed to reach a public API endpoint. Never `0.0.0.0/0`.
   * @default - none: the API endpoint is private only
   */
  readonly publicAccessCidrs?: string[];
  /**
   * Install the CloudWatch Observability add-on (Container Insights with enhanced observability).
   * @default true
   */
  readonly containerInsights?: boolean;
  /**
   * Install KEDA (Helm chart, at deploy time) so that workloads scale on queue depth with a ScaledObject.
   * @default true
   */
  readonly keda?: boolean;
  /**
   * Install the Secrets Store CSI driver with the AWS provider (the `aws-secrets-store-csi-driver-provider`
   * EKS add-on), so that workloads mount Secrets Manager secrets as files with their pod identity.
   * @default true
   */
  readonly secretsStoreCsiDriver?: boolean;
}

/**
 * EKS add-on of the Secrets Store CSI driver and its AWS provider (ASCP), generally available as an EKS add-on
 * since November 2025 (https://aws.amazon.com/about-aws/whats-new/2025/11/amazon-eks-add-ons-aws-secrets-store-csi-driver-provider/).
 * It runs as a DaemonSet, so on EC2 nodes (Auto Mode's nodes are EC2; Fargate is not supported), and with
 * `usePodIdentity: "true"` it reads secrets with the pod's EKS Pod Identity role (EKS 1.24 or later):
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-pod-identity-integration.html
 */
export const SECRETS_STORE_ADDON = 'aws-secrets-store-csi-driver-provider';

/** KEDA chart version installed for queue-depth scaling. */
export const KEDA_CHART_VERSION = '2.16.1';

const RULES: readonly ValidationRule<ProductionClusterProps & { zones: string[] }>[] = [
  { field: 'minAvailabilityZones', value: (p) => p.minAvailabilityZones ?? 3, check: (v) => Number.isInteger(v) && v >= 2, fix: 'use 2 or more (3 in prod)' },
  {
    field: 'vpcSubnets',
    value: (p) => p.zones,
    check: (zones: string[], p) => zones.some((z) => Token.isUnresolved(z)) || new Set(zones).size >= (p.minAvailabilityZones ?? 3),
    fix: 'select subnets in at least minAvailabilityZones availability zones (give the VPC explicit availabilityZones)',
  },
  { field: 'publicAccessCidrs', value: (p) => p.publicAccessCidrs ?? [], check: (cidrs: string[]) => cidrs.every((c) => c !== '0.0.0.0/0' && c !== '::/0'), fix: 'list your operators\' CIDRs, or leave it unset for a private endpoint' },
];

/**
 * A production EKS cluster on `aws-eks-v2` (native AWS::EKS::Cluster, access entries):
 * - EKS Auto Mode (managed Karpenter): the `system` and `general-purpose` node pools scale nodes with the
 *   pods, across every subnet given (one per zone), with pod identity and the ALB ingress capability built in;
 * - private API endpoint (or public only to listed CIDRs), every control-plane log type, secrets
 *   envelope-encrypted with a customer key;
 * - Container Insights (the CloudWatch Observability add-on, its agent on pod identity);
 * - an `alb` IngressClass for Auto Mode's load balancer controller.
 * Workloads get AWS permissions through `podIdentityRole` (pod identity), never the node role.
 */
export class ProductionCluster extends Construct {
  public readonly cluster: eks.Cluster;
  public readonly secretsEncryptionKey: kms.IKey;
  /** Name of the IngressClass that makes an internet-facing ALB through Auto Mode. */
  public readonly ingressClassName = 'alb';
  /** The Secrets Store CSI driver add-on, when installed: workloads that mount secrets deploy after it. */
  public readonly secretsStoreAddon?: eks.Addon;

  constructor(scope: Construct, id: string, props: ProductionClusterProps) {
    super(scope, id);
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const zones = props.vpc.selectSubnets(vpcSubnets).availabilityZones;
    assertValid(`ProductionCluster ${this.node.path}`, { ...props, zones }, RULES);

    this.secretsEncryptionKey =
      props.secretsEncryptionKey ??
      new kms.Key(this, 'SecretsKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN, description: 'Envelope encryption of Kubernetes secrets' });
    const cidrs = props.publicAccessCidrs ?? [];
    // A group of its own for the kubectl provider's functions (in the VPC, since the endpoint is private),
    // rather than the cluster's generated group: HTTPS out only, admitted by the cluster on 443.
    const kubectlSecurityGroup = new ec2.SecurityGroup(this, 'KubectlSecurityGroup', { vpc: props.vpc, description: 'kubectl provider of the cluster', allowAllOutbound: false });
    kubectlSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the Kubernetes API and AWS APIs');
    this.cluster = new eks.Cluster(this, 'Cluster', {
      version: props.version ?? DEFAULT_KUBERNETES_VERSION,
      vpc: props.vpc,
      vpcSubnets: [vpcSubnets],
      endpointAccess: cidrs.length > 0 ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...cidrs) : eks.EndpointAccess.PRIVATE,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      secretsEncryptionKey: this.secretsEncryptionKey,
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      compute: { nodePools: ['system', 'general-purpose'] },
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(this, 'KubectlLayer'), securityGroups: [kubectlSecurityGroup] },
    });
    // The kubectl handler reaches the private API endpoint from its own group (HTTPS only).
    this.cluster.clusterSecurityGroup.addIngressRule(kubectlSecurityGroup, ec2.Port.tcp(443), 'kubectl provider to the Kubernetes API');

    if (props.containerInsights ?? true) {
      const agent = this.podIdentityRole('CloudWatchAgent', 'amazon-cloudwatch', 'cloudwatch-agent');
      agent.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'));
      new eks.Addon(this, 'ContainerInsights', { cluster: this.cluster, addonName: 'amazon-cloudwatch-observability' });
    }

    if (props.secretsStoreCsiDriver ?? true) {
      this.secretsStoreAddon = new eks.Addon(this, 'SecretsStoreCsiDriver', { cluster: this.cluster, addonName: SECRETS_STORE_ADDON });
    }

    if (props.keda ?? true) {
      this.cluster.addHelmChart('Keda', { chart: 'keda', repository: 'https://kedacore.github.io/charts', namespace: 'keda', version: KEDA_CHART_VERSION });
    }

    this.cluster.addManifest(
      'IngressClass',
      { apiVersion: 'eks.amazonaws.com/v1', kind: 'IngressClassParams', metadata: { name: this.ingressClassName }, spec: { scheme: 'internet-facing' } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: this.ingressClassName },
        spec: { controller: 'eks.amazonaws.com/alb', parameters: { apiGroup: 'eks.amazonaws.com', kind: 'IngressClassParams', name: this.ingressClassName } },
      },
    );
  }

  /**
   * A role the pods of one service account assume through EKS Pod Identity (`pods.eks.amazonaws.com`),
   * associated with the cluster. Grant it what the workload needs.
   */
  public podIdentityRole(id: string, namespace: string, serviceAccount: string): iam.Role {
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      description: `Pod identity of ${namespace}/${serviceAccount}`,
    });
    new eks.CfnPodIdentityAssociation(this, `${id}PodIdentity`, { clusterName: this.cluster.clusterName, namespace, serviceAccount, roleArn: role.roleArn });
    return role;
  }
}
