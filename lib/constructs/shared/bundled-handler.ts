import * as fs from 'fs';
import * as path from 'path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';

/**
 * The entry of a handler bundled with the construct: `<dir>/<name>/handler.ts` when run from the
 * repository, the compiled `handler.js` from dist/.
 */
export function handlerEntry(dir: string, name: string): string {
  const ts = path.join(dir, name, 'handler.ts');
  return fs.existsSync(ts) ? ts : path.join(dir, name, 'handler.js');
}

/** Options of a bundled handler; runtime, architecture, memory and the `handler` export are fixed. */
export interface BundledHandlerOptions extends Omit<nodejs.NodejsFunctionProps, 'entry' | 'handler' | 'runtime' | 'architecture' | 'bundling'> {
  /** Directory of the construct (its `__dirname`). */
  readonly dir: string;
  /** Folder of the handler next to the construct. */
  readonly name: string;
  /** Modules the bundle leaves out (the runtime provides `@aws-sdk/*`). */
  readonly externalModules: string[];
}

/** A NodejsFunction for a handler bundled with the construct: Node.js 24 on ARM, 256 MB unless told otherwise, minified, no source map. */
export function bundledHandler(scope: Construct, id: string, options: BundledHandlerOptions): nodejs.NodejsFunction {
  const { dir, name, externalModules, ...rest } = options;
  return new nodejs.NodejsFunction(scope, id, {
    memorySize: 256,
    ...rest,
    entry: handlerEntry(dir, name),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    bundling: { minify: true, sourceMap: false, externalModules },
  });
}

/** A function's log group: encrypted with the given key, retained, kept a year unless told otherwise. */
export function retainedLogGroup(scope: Construct, id: string, encryptionKey: kms.IKey, retention?: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: retention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** Security group `SecurityGroup` of a VPC function: no ingress, egress only on 443 (AWS APIs). */
export function httpsOnlySecurityGroup(scope: Construct, vpc: ec2.IVpc, description: string, egressDescription: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description, allowAllOutbound: false });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), egressDescription);
  return group;
}

/** The function's role, where cdk-nag reports the AWS managed policies. */
export function roleTarget(fn: lambda.Function): IConstruct {
  return fn.role!.node.defaultChild ?? fn.role!;
}

/**
 * Acknowledges the AWS managed policies aws-cdk-lib attaches to a VPC function's role (logging and
 * network interfaces), each with why it stays.
 */
export function acknowledgeVpcLambdaManagedPolicies(fn: lambda.Function): void {
  const target = roleTarget(fn);
  Validations.of(target).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS managed Lambda logging policy; the function logs only to its own KMS-encrypted log group',
  });
  Validations.of(target).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason: 'The AWS managed policy Lambda needs to attach its network interfaces in the VPC (EC2 ENI actions have no resource scoping)',
  });
}
