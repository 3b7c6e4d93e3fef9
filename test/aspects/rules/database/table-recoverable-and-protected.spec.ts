import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { TableRecoverableAndProtected as rule } from '../../../../lib/aspects/rules/database/table-recoverable-and-protected';
import { cfnOf, check, flaggedPaths, userStack } from '../rule-test-kit';

describe('Readiness-TABLE-BACKUP', () => {
  let stack: Stack;
  const good: Record<string, IConstruct> = {};
  const bad: Record<string, IConstruct> = {};
  const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };
  const schema = {
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    billingMode: 'PAY_PER_REQUEST',
  };

  beforeAll(() => {
    // Replicas need a region: an environment-specific stack, as a multi-region user app has it.
    stack = new Stack(userStack().node.root as App, 'RegionalStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const retain = { removalPolicy: RemovalPolicy.RETAIN };
    good.Table = new dynamodb.Table(stack, 'GoodTable', { partitionKey, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }, deletionProtection: true, ...retain });
    bad.PlainTable = new dynamodb.Table(stack, 'PlainTable', { partitionKey, ...retain });
    good.TableV2 = new dynamodb.TableV2(stack, 'GoodTableV2', {
      partitionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      replicas: [{ region: 'eu-central-1' }],
      ...retain,
    });
    // Fooling: the table-level props say yes, one replica overrides them.
    bad.ReplicaOverride = new dynamodb.TableV2(stack, 'ReplicaOverride', {
      partitionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      replicas: [{ region: 'eu-central-1', deletionProtection: false, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }],
      ...retain,
    });
    good.GlobalTable = new dynamodb.CfnGlobalTable(stack, 'GoodGlobal', {
      ...schema,
      replicas: [{ region: 'eu-west-1', deletionProtectionEnabled: true, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } }],
    });
    bad.GlobalWithoutPitr = new dynamodb.CfnGlobalTable(stack, 'GlobalWithoutPitr', { ...schema, replicas: [{ region: 'eu-west-1', deletionProtectionEnabled: true }] });
    // Fooling: a value from a parameter is not readable from the template.
    const pitr = new CfnParameter(stack, 'Pitr', { type: 'String', allowedValues: ['true', 'false'] });
    bad.ParamTable = new dynamodb.CfnTable(stack, 'ParamTable', {
      ...schema,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pitr.valueAsString as any },
      deletionProtectionEnabled: true,
    });
  });

  test('tables and every replica with point-in-time recovery and deletion protection are compliant', () => {
    for (const c of Object.values(good)) expect([c.node.id, check(rule, c)]).toEqual([c.node.id, NagRuleCompliance.COMPLIANT]);
  });

  test('findings name each missing property and its value', () => {
    expect(check(rule, bad.PlainTable)).toEqual(['PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is not set, needs true; DeletionProtectionEnabled is not set, needs true']);
    expect(check(rule, bad.GlobalWithoutPitr)).toEqual(['Replicas.0.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is not set, needs true']);
    expect(check(rule, bad.ReplicaOverride)).toEqual([expect.stringMatching(/Replicas\.\d\.PointInTimeRecoverySpecification\.PointInTimeRecoveryEnabled is false, needs true; Replicas\.\d\.DeletionProtectionEnabled is false, needs true/)]);
    expect(check(rule, bad.ParamTable)).toEqual(['PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is Ref Pitr (not readable from the template), needs true']);
  });

  test('the Readiness pack flags exactly the non-compliant tables', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual(Object.values(bad).map((c) => cfnOf(c).node.path).sort());
  });
});
