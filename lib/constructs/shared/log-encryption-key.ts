import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

export interface LogsKeyGrantOptions {
  /**
   * Stack whose region, account and partition name the Logs principal and the log-group ARN
   * (literal values when the stack has an explicit environment).
   * @default - the AWS::Region, AWS::AccountId and AWS::Partition pseudo parameters
   */
  readonly stack?: Stack;
  /**
   * Region whose CloudWatch Logs service principal gets the grant.
   * @default - the region of `stack`, or AWS::Region
   */
  readonly region?: string;
  /**
   * Scope the grant to the log groups of this account and region with the
   * `kms:EncryptionContext:aws:logs:arn` condition (the key-policy statement CloudWatch Logs documents).
   * `false`: the key's plain encrypt/decrypt grant to the Logs principal, without a condition.
   * @default true
   */
  readonly logGroupsOfAccountOnly?: boolean;
  /**
   * Statement ID of the key-policy statement (with `logGroupsOfAccountOnly` only).
   * @default - no Sid
   */
  readonly sid?: string;
}

/**
 * Lets CloudWatch Logs encrypt log groups with the key: without this grant a log group that names the
 * key fails to create. An imported key's policy cannot be changed: its owner must grant the same.
 */
export function allowLogsToUseKey(key: kms.IKey, options: LogsKeyGrantOptions = {}): void {
  const { stack } = options;
  const region = options.region ?? stack?.region ?? Aws.REGION;
  const principal = new iam.ServicePrincipal(`logs.${region}.amazonaws.com`);
  if (options.logGroupsOfAccountOnly === false) {
    key.grantEncryptDecrypt(principal);
    return;
  }
  const account = stack?.account ?? Aws.ACCOUNT_ID;
  const partition = stack?.partition ?? Aws.PARTITION;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: options.sid,
      principals: [principal],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
      },
    }),
  );
}
