import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks } from '../../../../lib/aspects/readiness-checks';
import { IConstruct } from 'constructs';
import { EncryptedAtRestWithCmk as rule } from '../../../../lib/aspects/rules/security/encrypted-at-rest-with-cmk';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';
import { addSharedEncryptionFixtures } from './encryption-fixtures';

describe('Readiness-ENCRYPTION', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};
  const unencrypted: Record<string, IConstruct> = {};

  beforeAll(() => {
    stack = userStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });

    addSharedEncryptionFixtures(stack, key, good, bad);
    bad.Instance = new rds.CfnDBInstance(stack, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', storageEncrypted: false, kmsKeyId: key.keyArn });
    bad.LogGroupAwsKey = bad.PlainLogGroup;
    unencrypted.Queue = new sqs.Queue(stack, 'UnencryptedQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    // Fooling: encryption from a parameter is not readable from the template.
    const encrypted = new CfnParameter(stack, 'Encrypted', { type: 'String', allowedValues: ['true', 'false'] });
    unencrypted.ParamCluster = new rds.CfnDBCluster(stack, 'ParamCluster', { engine: 'aurora-postgresql', storageEncrypted: encrypted.valueAsString as any, kmsKeyId: key.keyArn });
  });

  test('resources encrypted with any key (customer-managed or AWS) are encrypted: S3, logs and DynamoDB always are', () => {
    for (const c of [...Object.values(good), bad.SqsManagedQueue, bad.AwsAliasQueue, bad.LogGroupAwsKey, bad.S3ManagedBucket, bad.AwsManagedKmsBucket, bad.UnencryptedElbLogs, bad.CacheWithoutKey, bad.ClusterWithoutKey]) {
      expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
    }
  });

  test('unencrypted data is "not encrypted at all", naming the property and value', () => {
    expect(check(rule, bad.PlainTopic)).toEqual(['KmsMasterKeyId is not set, needs a KMS key (not encrypted at all)']);
    expect(check(rule, bad.CacheUnencrypted)).toEqual(['AtRestEncryptionEnabled is not set, needs true (not encrypted at all)']);
    expect(check(rule, bad.Instance)).toEqual(['StorageEncrypted is false, needs true (not encrypted at all)']);
    expect(check(rule, unencrypted.Queue)).toEqual(['SqsManagedSseEnabled is false, needs true or a KmsMasterKeyId (not encrypted at all)']);
  });

  test('a value it cannot read does not count as encryption', () => {
    expect(check(rule, unencrypted.ParamCluster)).toEqual([expect.stringMatching(/^StorageEncrypted is Ref Encrypted \(not readable from the template\), needs true \(not encrypted at all\)$/)]);
  });

  test('unencrypted is an error in every stage', () => {
    for (const stage of ['dev', 'staging', 'prod'] as const) {
      const pack = new ReadinessChecks(undefined, { stage, rules: [rule] });
      pack.validateScope(stack);
      expect(pack.results.filter((r) => r.compliance === 'non-compliant').map((r) => r.level)).toEqual(expect.arrayContaining(['error']));
      expect(pack.results.filter((r) => r.compliance === 'non-compliant' && r.level !== 'error')).toEqual([]);
    }
  });

  test('the Readiness pack flags exactly the unencrypted resources', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([bad.PlainTopic, bad.CacheUnencrypted, bad.Instance, unencrypted.Queue, unencrypted.ParamCluster].map((c) => cfnOf(c).node.path).sort());
  });
});
