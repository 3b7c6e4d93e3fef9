import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeVpcLambdaManagedPolicies, bundledHandler, httpsOnlySecurityGroup, retainedLogGroup } from '../shared/bundled-handler';

export interface DatabaseAppUserProps {
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the bootstrap function: it calls Secrets Manager and answers CloudFormation over HTTPS.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Master credentials (JSON with `username` and `password`). */
  readonly masterSecret: secretsmanager.ISecret;
  /** Host name of the cluster writer endpoint (the bootstrap connects there, not through the proxy). */
  readonly writerHost: string;
  readonly port: number;
  /** Security group of the cluster instances: the function's group is admitted on `port`. */
  readonly clusterSecurityGroup: ec2.ISecurityGroup;
  /** The application role to create (validated by the caller). */
  readonly user: string;
  /** The database it may connect to. */
  readonly database: string;
  /** The schema it owns. */
  readonly schema: string;
  /** Key of the function's log group and environment (the database key). */
  readonly encryptionKey: kms.IKey;
  /**
   * Retention of the function's logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Creates the application's database user at deploy time: a custom resource whose function (in the
 * VPC, admitted to the cluster) reads the master secret, connects to the writer over verified TLS
 * and runs idempotent SQL: the role with LOGIN and no password, `rds_iam` (IAM tokens only), CONNECT
 * on the database and a schema it owns. Changing the user, database or schema re-runs it.
 */
export class DatabaseAppUser extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DatabaseAppUserProps) {
    super(scope, id);

    this.securityGroup = httpsOnlySecurityGroup(
      this,
      props.vpc,
      'Database user bootstrap: Secrets Manager, the CloudFormation response and the cluster writer',
      'Secrets Manager API and the CloudFormation response URL',
    );
    this.securityGroup.addEgressRule(ec2.Peer.securityGroupId(props.clusterSecurityGroup.securityGroupId), ec2.Port.tcp(props.port), 'PostgreSQL on the cluster writer');
    new ec2.CfnSecurityGroupIngress(this, 'ClusterIngress', {
      groupId: props.clusterSecurityGroup.securityGroupId,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: props.port,
      toPort: props.port,
      description: 'Database user bootstrap to the Aurora PostgreSQL writer',
    });

    const logGroup = retainedLogGroup(this, 'Logs', props.encryptionKey, props.logRetention);

    this.function = bundledHandler(this, 'Function', {
      dir: __dirname,
      name: 'app-user',
      description: `Creates the database user ${props.user} (IAM authentication) in ${props.database}`,
      timeout: Duration.minutes(2),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      logGroup,
      environmentEncryption: props.encryptionKey,
      // Node 20+ runtimes trust Amazon's CAs (RDS included) only when told to.
      environment: { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' },
      externalModules: ['@aws-sdk/*', 'pg-native'],
    });
    props.masterSecret.grantRead(this.function);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::DatabaseAppUser',
      properties: {
        SecretArn: props.masterSecret.secretArn,
        Host: props.writerHost,
        Port: String(props.port),
        User: props.user,
        Database: props.database,
        Schema: props.schema,
      },
    });
    this.acknowledgeFindings();
  }

  /** cdk-nag findings on what aws-cdk-lib makes for the function, each with why it stays. */
  private acknowledgeFindings(): void {
    acknowledgeVpcLambdaManagedPolicies(this.function);
    const policy = this.function.role!.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: "The policy is the function role's own least-privilege grant (read this secret, decrypt with its key); a managed policy would widen its reuse",
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'NIST.800.53.R5-LambdaConcurrency',
      reason: 'CloudFormation invokes the bootstrap once per deployment that changes it; reserving concurrency would take from the account pool',
    });
    Validations.of(this.function).acknowledge({
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'A failed bootstrap answers FAILED to CloudFormation, which rolls the deployment back: there is no event to redrive',
    });
  }
}
