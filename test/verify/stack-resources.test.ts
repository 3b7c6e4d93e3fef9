import { CloudFormationClient, DescribeStackResourcesCommand, StackResource } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { VerifyError } from '../../lib/verify/errors';
import { lookupStack, unusableReason } from '../../lib/verify/stack-resources';
import { API_ALARM, OBS_STACK, REGION, STACK_RESOURCES } from './fixtures';

const cfn = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: REGION });
const ctx = { region: REGION };

const row = (logicalId: string, physicalId: string, type = 'AWS::CloudWatch::Alarm', status: StackResource['ResourceStatus'] = 'CREATE_COMPLETE'): StackResource => ({
  StackName: OBS_STACK,
  LogicalResourceId: logicalId,
  PhysicalResourceId: physicalId,
  ResourceType: type,
  ResourceStatus: status,
  Timestamp: new Date(),
});

beforeEach(() => cfn.reset());

describe('lookupStack', () => {
  test('maps logical IDs to physical IDs with one DescribeStackResources call per stack', async () => {
    cfn.on(DescribeStackResourcesCommand, { StackName: OBS_STACK }).resolves({
      StackResources: STACK_RESOURCES[OBS_STACK].map((r) => row(r.logicalId, r.physicalId, r.type)),
    });
    const lookup = await lookupStack(client, OBS_STACK, ['Api5xxAlarm', 'OnCallTopic'], ctx);
    expect(lookup.deployed).toBe(true);
    if (!lookup.deployed) return;
    expect(lookup.resources.get('Api5xxAlarm')?.physicalId).toBe(API_ALARM);
    expect(cfn.commandCalls(DescribeStackResourcesCommand)).toHaveLength(1);
  });

  test('a stack that does not exist is reported as not deployed, not thrown', async () => {
    cfn.on(DescribeStackResourcesCommand).rejects(Object.assign(new Error(`Stack with id ${OBS_STACK} does not exist`), { name: 'ValidationError' }));
    await expect(lookupStack(client, OBS_STACK, ['Api5xxAlarm'], ctx)).resolves.toEqual({
      deployed: false,
      reason: `stack ${OBS_STACK} is not deployed in ${REGION}`,
    });
  });

  test('a stack of 100+ resources: wanted IDs left off the first answer are asked for one by one', async () => {
    const filler = Array.from({ length: 100 }, (_, i) => row(`Filler${i}`, `filler-${i}`, 'AWS::IAM::Role'));
    cfn.on(DescribeStackResourcesCommand, { StackName: OBS_STACK, LogicalResourceId: undefined }).resolves({ StackResources: filler });
    cfn.on(DescribeStackResourcesCommand, { StackName: OBS_STACK, LogicalResourceId: 'Api5xxAlarm' }).resolves({ StackResources: [row('Api5xxAlarm', API_ALARM)] });
    cfn
      .on(DescribeStackResourcesCommand, { StackName: OBS_STACK, LogicalResourceId: 'Removed' })
      .rejects(Object.assign(new Error('Resource Removed does not exist for stack Prod-Observability'), { name: 'ValidationError' }));

    const lookup = await lookupStack(client, OBS_STACK, ['Filler3', 'Api5xxAlarm', 'Removed'], ctx);

    const calls = cfn.commandCalls(DescribeStackResourcesCommand).map((c) => c.args[0].input.LogicalResourceId);
    expect(calls).toEqual([undefined, 'Api5xxAlarm', 'Removed']);
    if (!lookup.deployed) throw new Error('expected deployed');
    expect(lookup.resources.get('Api5xxAlarm')?.physicalId).toBe(API_ALARM);
    expect(lookup.resources.has('Removed')).toBe(false);
  });

  test('AccessDenied names cloudformation:DescribeStackResources and the stack', async () => {
    cfn.on(DescribeStackResourcesCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const err = await lookupStack(client, OBS_STACK, [], ctx).catch((e) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect(err.message).toBe(
      `Access denied: cloudformation:DescribeStackResources on stack ${OBS_STACK} in ${REGION} (AccessDenied). ` +
        'Grant cloudformation:DescribeStackResources to the caller; the README lists the policy the command needs.',
    );
  });
});

describe('unusableReason', () => {
  test('absent, failed and deleted resources are unusable; complete ones are fine', () => {
    expect(unusableReason(undefined, OBS_STACK)).toMatch(/not in the deployed stack Prod-Observability/);
    expect(unusableReason({ logicalId: 'A', physicalId: 'a', resourceStatus: 'CREATE_FAILED' }, OBS_STACK)).toMatch(/CREATE_FAILED/);
    expect(unusableReason({ logicalId: 'A', physicalId: 'a', resourceStatus: 'DELETE_COMPLETE' }, OBS_STACK)).toMatch(/DELETE_COMPLETE/);
    expect(unusableReason({ logicalId: 'A', resourceStatus: 'CREATE_IN_PROGRESS' }, OBS_STACK)).toMatch(/no physical ID/);
    expect(unusableReason({ logicalId: 'A', physicalId: 'a', resourceStatus: 'UPDATE_COMPLETE' }, OBS_STACK)).toBeUndefined();
  });
});
