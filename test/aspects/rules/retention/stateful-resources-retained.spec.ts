import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag';
import { StatefulResourcesRetained as rule } from '../../../../lib/aspects/rules/retention/stateful-resources-retained';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-DATA-RETENTION', () => {
  let stack: Stack;
  let bucket: s3.Bucket;
  let key: kms.Key;
  let table: dynamodb.Table;
  let logGroup: logs.LogGroup;
  let destroyedBucket: s3.Bucket;
  let destroyedTable: dynamodb.Table;
  let foreverLogs: logs.LogGroup;
  let tokenRetention: logs.CfnLogGroup;
  let queue: sqs.Queue;

  beforeAll(() => {
    stack = userStack();
    // L2 defaults for buckets, keys and log groups retain; tables retain by default too.
    bucket = new s3.Bucket(stack, 'Bucket');
    key = new kms.Key(stack, 'Key');
    table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    destroyedBucket = new s3.Bucket(stack, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY });
    destroyedTable = new dynamodb.Table(stack, 'Cache', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
    foreverLogs = new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
    tokenRetention = new logs.CfnLogGroup(stack, 'TokenLogs', { retentionInDays: new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber });
    tokenRetention.applyRemovalPolicy(RemovalPolicy.RETAIN);
    queue = new sqs.Queue(stack, 'Queue');
  });

  test('retained buckets, keys, tables and log groups with a retention are compliant', () => {
    for (const c of [bucket, key, table, logGroup]) expect(check(rule, c)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('DeletionPolicy Delete is non-compliant', () => {
    expect(check(rule, destroyedBucket)).toEqual(['DeletionPolicy is "Delete", needs Retain or Snapshot']);
    expect(check(rule, destroyedTable)).toEqual(['DeletionPolicy is "Delete", needs Retain or Snapshot']);
  });

  test('a log group without RetentionInDays, or with an unresolvable one, is non-compliant', () => {
    expect(check(rule, foreverLogs)).toEqual([expect.stringMatching(/RetentionInDays is (not set|-?\d+), needs a number of days/)]);
    expect(check(rule, tokenRetention)).toEqual([expect.stringMatching(/RetentionInDays is Ref \w+ \(not readable from the template\), needs a number of days/)]);
  });

  test('the Readiness pack flags exactly the non-compliant resources and ignores stateless ones', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([cfnOf(destroyedBucket), cfnOf(destroyedTable), cfnOf(foreverLogs), tokenRetention].map((r) => r.node.path).sort());
    expect(flaggedPaths(rule, queue)).toEqual([]);
  });
});
