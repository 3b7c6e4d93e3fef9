import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DescribeReplicationGroupsCommand, ElastiCacheClient, ModifyReplicationGroupCommand, ReplicationGroup } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { rotate, RotationDeps, RotationEvent, TokenProbe } from '../../../lib/constructs/secrets/redis-auth-rotation/steps';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:redis-auth-AbCdEf';
const NEW = 'v-new';
const OLD = 'v-old';
const CURRENT_TOKEN = 'currentTokenValue0123456789abcdef';
const PENDING_TOKEN = 'pendingTokenValue0123456789abcdef';
const GROUP = 'marketplace-cache';

const sm = mockClient(SecretsManagerClient);
const ec = mockClient(ElastiCacheClient);

const group = (status: string): ReplicationGroup => ({
  ReplicationGroupId: GROUP,
  Status: status,
  TransitEncryptionEnabled: true,
  NodeGroups: [{ PrimaryEndpoint: { Address: 'master.marketplace-cache.abc.euw1.cache.amazonaws.com', Port: 6380 } }],
});

function stagesAre(stages: Record<string, string[]>, rotationEnabled = true) {
  sm.on(DescribeSecretCommand).resolves({ ARN: SECRET, RotationEnabled: rotationEnabled, VersionIdsToStages: stages });
}

function valuesAre(values: { current?: string; pending?: string; previous?: string }, json = false) {
  const wrap = (t: string) => (json ? JSON.stringify({ host: 'cache.internal', authToken: t }) : t);
  if (values.current) {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: wrap(values.current) });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: OLD }).resolves({ SecretString: wrap(values.current) });
  }
  if (values.pending) {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: NEW, VersionStage: 'AWSPENDING' }).resolves({ SecretString: wrap(values.pending) });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: NEW }).resolves({ SecretString: wrap(values.pending) });
  } else {
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: NEW, VersionStage: 'AWSPENDING' }).rejects(
      new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value", $metadata: {} }),
    );
  }
}

/** A fake Redis that accepts the tokens in `accepted`. Records every token it is offered. */
function fakeRedis(accepted: Set<string>) {
  const offered: string[] = [];
  const probe: TokenProbe = async (_endpoint, token) => {
    offered.push(token);
    if (!accepted.has(token)) throw new Error(`WRONGPASS invalid username-password pair (${token})`);
  };
  return { probe, offered };
}

function deps(probe: TokenProbe, extra: Partial<RotationDeps> = {}): RotationDeps {
  return {
    secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
    elasticache: new ElastiCacheClient({ region: 'eu-west-1' }),
    probe,
    replicationGroupId: GROUP,
    sleep: async () => undefined,
    pollIntervalMs: 1,
    ...extra,
  };
}

const event = (step: string, token = NEW): RotationEvent => ({ SecretId: SECRET, ClientRequestToken: token, Step: step });
const modifyCalls = () => ec.commandCalls(ModifyReplicationGroupCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sm.reset();
  ec.reset();
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group('available')] });
  ec.on(ModifyReplicationGroupCommand).resolves({});
});

describe('createSecret', () => {
  test('puts a new random token under AWSPENDING, keeping the other JSON fields', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN }, true);
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: PENDING_TOKEN });
    await rotate(event('createSecret'), deps(fakeRedis(new Set()).probe, { tokenField: 'authToken' }));

    const random = sm.commandCalls(GetRandomPasswordCommand)[0].args[0].input;
    expect(random).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
    const put = sm.commandCalls(PutSecretValueCommand);
    expect(put).toHaveLength(1);
    expect(put[0].args[0].input).toEqual({
      SecretId: SECRET,
      ClientRequestToken: NEW,
      VersionStages: ['AWSPENDING'],
      SecretString: JSON.stringify({ host: 'cache.internal', authToken: PENDING_TOKEN }),
    });
  });

  test('a repeated call keeps the existing AWSPENDING value (idempotent)', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    await rotate(event('createSecret'), deps(fakeRedis(new Set()).probe));
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test('other errors reading AWSPENDING are not mistaken for "absent"', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: CURRENT_TOKEN });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: NEW, VersionStage: 'AWSPENDING' }).rejects(new Error('AccessDenied'));
    await expect(rotate(event('createSecret'), deps(fakeRedis(new Set()).probe))).rejects.toThrow(/AccessDenied/);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  test('a secret without the token field fails without echoing the value', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify({ password: CURRENT_TOKEN }) });
    const failure = rotate(event('createSecret'), deps(fakeRedis(new Set()).probe, { tokenField: 'authToken' }));
    await expect(failure).rejects.toThrow(/has no string field "authToken"/);
    await expect(failure).rejects.not.toThrow(new RegExp(CURRENT_TOKEN));
  });
});

describe('setSecret', () => {
  test('waits for the group, adds the pending token with ROTATE and waits again', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    ec.on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [group('modifying')] })
      .resolvesOnce({ ReplicationGroups: [group('available')] })
      .resolvesOnce({ ReplicationGroups: [group('modifying')] })
      .resolves({ ReplicationGroups: [group('available')] });
    const redis = fakeRedis(new Set([CURRENT_TOKEN]));
    await rotate(event('setSecret'), deps(redis.probe));

    expect(modifyCalls()).toEqual([{ ReplicationGroupId: GROUP, AuthToken: PENDING_TOKEN, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }]);
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)).toHaveLength(4);
  });

  test('a repeated call after the group accepts the pending token does not modify it again', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    await rotate(event('setSecret'), deps(fakeRedis(new Set([CURRENT_TOKEN, PENDING_TOKEN])).probe));
    expect(modifyCalls()).toHaveLength(0);
  });

  test('gives up with a clear error when the group never becomes available', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group('modifying')] });
    await expect(rotate(event('setSecret'), deps(fakeRedis(new Set()).probe, { waitTimeoutMs: 0 }))).rejects.toThrow(
      /marketplace-cache is still "modifying"; not available in time/,
    );
    expect(modifyCalls()).toHaveLength(0);
  });
});

describe('testSecret', () => {
  test('passes when the primary endpoint accepts the pending token', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    const redis = fakeRedis(new Set([CURRENT_TOKEN, PENDING_TOKEN]));
    await rotate(event('testSecret'), deps(redis.probe));
    expect(redis.offered).toEqual([PENDING_TOKEN]);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  test('fails with a clear error that never contains the token, and leaves AWSCURRENT alone', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    const logs: string[] = [];
    const failure = rotate(event('testSecret'), deps(fakeRedis(new Set([CURRENT_TOKEN])).probe, { log: (m) => logs.push(m) }));
    await expect(failure).rejects.toThrow(/testSecret: master\.marketplace-cache\..*:6380 \(marketplace-cache\) rejected the pending AUTH token of version v-new/);
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toContain('WRONGPASS');
    expect(message).not.toContain(PENDING_TOKEN);
    expect(logs.join('\n')).not.toContain(PENDING_TOKEN);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(modifyCalls()).toHaveLength(0);
  });

  test('refuses a group without in-transit encryption', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ...group('available'), TransitEncryptionEnabled: false }] });
    await expect(rotate(event('testSecret'), deps(fakeRedis(new Set([PENDING_TOKEN])).probe))).rejects.toThrow(/no in-transit encryption/);
  });
});

describe('finishSecret', () => {
  test('moves AWSCURRENT to the new version, then SETs the token so the old one stops working', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    const order: string[] = [];
    sm.on(UpdateSecretVersionStageCommand).callsFake(() => (order.push('move AWSCURRENT'), {}));
    ec.on(ModifyReplicationGroupCommand).callsFake(() => (order.push('SET'), {}));
    await rotate(event('finishSecret'), deps(fakeRedis(new Set([CURRENT_TOKEN, PENDING_TOKEN])).probe));

    expect(sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET, VersionStage: 'AWSCURRENT', MoveToVersionId: NEW, RemoveFromVersionId: OLD },
    ]);
    expect(modifyCalls()).toEqual([{ ReplicationGroupId: GROUP, AuthToken: PENDING_TOKEN, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true }]);
    // The secret moves first, so clients reading it get the token that survives SET.
    expect(order).toEqual(['move AWSCURRENT', 'SET']);
  });

  test('a retry after AWSCURRENT moved but before SET finished revokes the old token', async () => {
    stagesAre({ [OLD]: ['AWSPREVIOUS'], [NEW]: ['AWSCURRENT', 'AWSPENDING'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    const redis = fakeRedis(new Set([CURRENT_TOKEN, PENDING_TOKEN]));
    await rotate(event('finishSecret'), deps(redis.probe));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(redis.offered).toEqual([CURRENT_TOKEN]); // probed the previous token only
    expect(modifyCalls()).toEqual([{ ReplicationGroupId: GROUP, AuthToken: PENDING_TOKEN, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true }]);
  });
});

describe('a token that is already AWSCURRENT', () => {
  test.each(['createSecret', 'setSecret', 'testSecret'])('%s does nothing', async (step) => {
    stagesAre({ [OLD]: ['AWSPREVIOUS'], [NEW]: ['AWSCURRENT'] });
    const redis = fakeRedis(new Set([PENDING_TOKEN]));
    await rotate(event(step), deps(redis.probe));
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(modifyCalls()).toHaveLength(0);
    expect(redis.offered).toHaveLength(0);
  });

  test('finishSecret does nothing when the previous token is already revoked', async () => {
    stagesAre({ [OLD]: ['AWSPREVIOUS'], [NEW]: ['AWSCURRENT'] });
    valuesAre({ current: CURRENT_TOKEN, pending: PENDING_TOKEN });
    await rotate(event('finishSecret'), deps(fakeRedis(new Set([PENDING_TOKEN])).probe));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(modifyCalls()).toHaveLength(0);
  });
});

describe('guards', () => {
  test('a version that is neither AWSCURRENT nor AWSPENDING is refused', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPREVIOUS'] });
    await expect(rotate(event('createSecret'), deps(fakeRedis(new Set()).probe))).rejects.toThrow(/v-new of secret .* is not AWSPENDING/);
  });

  test('an unknown version is refused', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'] });
    await expect(rotate(event('setSecret'), deps(fakeRedis(new Set()).probe))).rejects.toThrow(/has no stage/);
  });

  test('a secret with rotation disabled is refused', async () => {
    stagesAre({ [OLD]: ['AWSCURRENT'], [NEW]: ['AWSPENDING'] }, false);
    await expect(rotate(event('createSecret'), deps(fakeRedis(new Set()).probe))).rejects.toThrow(/does not have rotation enabled/);
  });

  test('an unknown step is refused before any call', async () => {
    await expect(rotate(event('deleteSecret'), deps(fakeRedis(new Set()).probe))).rejects.toThrow(/Unknown rotation step "deleteSecret"/);
    expect(sm.calls()).toHaveLength(0);
  });
});
