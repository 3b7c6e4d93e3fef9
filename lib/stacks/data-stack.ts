import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  readonly vpc: ec2.IVpc;
}

/**
 * Stateful resources only (database, cache, their keys and secrets), apart from compute so that
 * compute can be replaced freely. Construct IDs here are API: a changed ID replaces the resource.
 */
export class DataStack extends Stack {
  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.config.stage === 'prod' });
  }
}
