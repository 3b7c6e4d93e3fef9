/**
 * The four Secrets Manager rotation steps for an ElastiCache (Valkey/Redis OSS) AUTH token.
 *
 * Plain functions over injected clients so that every step is testable without AWS. Nothing here
 * logs or throws a token: messages name the secret, the version ID and the replication group only.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
  ReplicationGroup,
} from '@aws-sdk/client-elasticache';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** The event Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Connects with `token` and runs a command; resolves when Redis accepts it, rejects otherwise. */
export type TokenProbe = (endpoint: RedisEndpoint, token: string) => Promise<void>;

export interface RotationDeps {
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
  readonly elasticache: Pick<ElastiCacheClient, 'send'>;
  readonly probe: TokenProbe;
  readonly replicationGroupId: string;
  /** JSON field that holds the token; undefined when the secret string is the token itself. */
  readonly tokenField?: string;
  /** Length of generated tokens (ElastiCache accepts 16 to 128). Default 64. */
  readonly tokenLength?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Between two DescribeReplicationGroups calls while the group is modifying. Default 15 s. */
  readonly pollIntervalMs?: number;
  /** How long to wait for the group to become available. Default 12 min (the function times out at 15). */
  readonly waitTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';
const PREVIOUS = 'AWSPREVIOUS';
const STEPS: readonly string[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: versionId, Step: step } = event;
  const log = deps.log ?? (() => undefined);
  if (!STEPS.includes(step)) throw new Error(`Unknown rotation step "${step}" for secret ${secretId}`);

  const meta = await deps.secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (meta.RotationEnabled === false) throw new Error(`Secret ${secretId} does not have rotation enabled`);
  const stages = meta.VersionIdsToStages?.[versionId];
  if (!stages) throw new Error(`Version ${versionId} of secret ${secretId} has no stage: it is not being rotated`);

  if (stages.includes(CURRENT)) {
    // A repeated or late call: the version already won. finishSecret still makes sure the old token is revoked.
    if (step === 'finishSecret') return revokePreviousIfStillAccepted(secretId, versionId, meta.VersionIdsToStages ?? {}, deps, log);
    log(`${step}: version ${versionId} of ${secretId} is already AWSCURRENT; nothing to do`);
    return;
  }
  if (!stages.includes(PENDING)) throw new Error(`Version ${versionId} of secret ${secretId} is not AWSPENDING`);

  switch (step as RotationStep) {
    case 'createSecret':
      return createSecret(secretId, versionId, deps, log);
    case 'setSecret':
      return setSecret(secretId, versionId, deps, log);
    case 'testSecret':
      return testSecret(secretId, versionId, deps, log);
    case 'finishSecret':
      return finishSecret(secretId, versionId, meta.VersionIdsToStages ?? {}, deps, log);
  }
}

/** A new random token under AWSPENDING; an existing AWSPENDING version is kept (idempotent). */
export async function createSecret(secretId: string, versionId: string, deps: RotationDeps, log: (m: string) => void): Promise<void> {
  const current = await secretString(deps, secretId, { VersionStage: CURRENT });
  tokenOf(current, deps.tokenField, secretId); // the current value must have the expected shape
  try {
    await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId, VersionStage: PENDING }));
    log(`createSecret: AWSPENDING version ${versionId} of ${secretId} exists; kept`);
    return;
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
  }
  const random = await deps.secrets.send(
    new GetRandomPasswordCommand({
      PasswordLength: deps.tokenLength ?? 64,
      // ElastiCache AUTH tokens are printable ASCII without spaces, '"', '/' and '@': letters and digits are safe.
      ExcludePunctuation: true,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    }),
  );
  if (!random.RandomPassword) throw new Error('createSecret: GetRandomPassword returned no value');
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: versionId,
      SecretString: withToken(current, random.RandomPassword, deps.tokenField),
      VersionStages: [PENDING],
    }),
  );
  log(`createSecret: put AWSPENDING version ${versionId} of ${secretId}`);
}

/** Adds the pending token to the group with the ROTATE strategy: old and new tokens both work until finishSecret. */
export async function setSecret(secretId: string, versionId: string, deps: RotationDeps, log: (m: string) => void): Promise<void> {
  const pending = tokenOf(await secretString(deps, secretId, { VersionId: versionId, VersionStage: PENDING }), deps.tokenField, secretId);
  const group = await waitUntilAvailable(deps);
  if (await accepts(deps, endpointOf(group), pending)) {
    log(`setSecret: ${deps.replicationGroupId} already accepts the pending token of version ${versionId}; not modified`);
    return;
  }
  await modifyToken(deps, pending, 'ROTATE');
  await waitUntilAvailable(deps);
  log(`setSecret: ${deps.replicationGroupId} accepts version ${versionId} alongside the current token (ROTATE)`);
}

/** Connects to the primary endpoint over TLS with the pending token and runs a command. */
export async function testSecret(secretId: string, versionId: string, deps: RotationDeps, log: (m: string) => void): Promise<void> {
  const pending = tokenOf(await secretString(deps, secretId, { VersionId: versionId, VersionStage: PENDING }), deps.tokenField, secretId);
  const group = await describeGroup(deps);
  const endpoint = endpointOf(group);
  try {
    await deps.probe(endpoint, pending);
  } catch (e) {
    throw new Error(
      `testSecret: ${endpoint.host}:${endpoint.port} (${deps.replicationGroupId}) rejected the pending AUTH token of version ${versionId} of ${secretId}: ${scrub(e, pending)}`,
    );
  }
  log(`testSecret: ${deps.replicationGroupId} accepted version ${versionId}`);
}

/** Moves AWSCURRENT to the new version, then SETs the token so that the old one stops working. */
export async function finishSecret(
  secretId: string,
  versionId: string,
  versions: Record<string, string[]>,
  deps: RotationDeps,
  log: (m: string) => void,
): Promise<void> {
  const currentVersion = Object.entries(versions).find(([, s]) => s.includes(CURRENT))?.[0];
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: CURRENT, MoveToVersionId: versionId, RemoveFromVersionId: currentVersion }),
  );
  log(`finishSecret: version ${versionId} of ${secretId} is AWSCURRENT`);
  const token = tokenOf(await secretString(deps, secretId, { VersionId: versionId }), deps.tokenField, secretId);
  await setOnly(deps, token, versionId, log);
}

async function revokePreviousIfStillAccepted(
  secretId: string,
  versionId: string,
  versions: Record<string, string[]>,
  deps: RotationDeps,
  log: (m: string) => void,
): Promise<void> {
  const previousVersion = Object.entries(versions).find(([, s]) => s.includes(PREVIOUS))?.[0];
  if (!previousVersion) {
    log(`finishSecret: version ${versionId} of ${secretId} is already AWSCURRENT and there is no previous token; nothing to do`);
    return;
  }
  const previous = tokenOf(await secretString(deps, secretId, { VersionId: previousVersion }), deps.tokenField, secretId);
  const group = await describeGroup(deps);
  if (!(await accepts(deps, endpointOf(group), previous))) {
    log(`finishSecret: version ${versionId} of ${secretId} is already AWSCURRENT and the previous token is revoked; nothing to do`);
    return;
  }
  // A retry after AWSCURRENT moved but before SET finished: complete the revocation.
  const token = tokenOf(await secretString(deps, secretId, { VersionId: versionId }), deps.tokenField, secretId);
  await setOnly(deps, token, versionId, log);
}

async function setOnly(deps: RotationDeps, token: string, versionId: string, log: (m: string) => void): Promise<void> {
  await waitUntilAvailable(deps);
  await modifyToken(deps, token, 'SET');
  await waitUntilAvailable(deps);
  log(`finishSecret: ${deps.replicationGroupId} accepts only version ${versionId} (SET)`);
}

async function modifyToken(deps: RotationDeps, token: string, strategy: 'ROTATE' | 'SET'): Promise<void> {
  await deps.elasticache.send(
    new ModifyReplicationGroupCommand({
      ReplicationGroupId: deps.replicationGroupId,
      AuthToken: token,
      AuthTokenUpdateStrategy: strategy,
      ApplyImmediately: true,
    }),
  );
}

async function accepts(deps: RotationDeps, endpoint: RedisEndpoint, token: string): Promise<boolean> {
  try {
    await deps.probe(endpoint, token);
    return true;
  } catch {
    return false;
  }
}

async function describeGroup(deps: RotationDeps): Promise<ReplicationGroup> {
  const out = await deps.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: deps.replicationGroupId }));
  const group = out.ReplicationGroups?.[0];
  if (!group) throw new Error(`Replication group ${deps.replicationGroupId} not found`);
  return group;
}

export async function waitUntilAvailable(deps: RotationDeps): Promise<ReplicationGroup> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = deps.pollIntervalMs ?? 15_000;
  const deadline = Date.now() + (deps.waitTimeoutMs ?? 12 * 60_000);
  for (;;) {
    const group = await describeGroup(deps);
    if (group.Status === 'available') return group;
    if (Date.now() + interval > deadline) {
      throw new Error(`Replication group ${deps.replicationGroupId} is still "${group.Status}"; not available in time (Secrets Manager retries the step)`);
    }
    await sleep(interval);
  }
}

/** The primary endpoint (cluster mode off) or the configuration endpoint (cluster mode on). */
export function endpointOf(group: ReplicationGroup): RedisEndpoint {
  if (group.TransitEncryptionEnabled !== true) {
    throw new Error(`Replication group ${group.ReplicationGroupId} has no in-transit encryption: AUTH tokens travel only over TLS`);
  }
  const endpoint = group.ConfigurationEndpoint ?? group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (!endpoint?.Address || !endpoint.Port) throw new Error(`Replication group ${group.ReplicationGroupId} has no primary endpoint yet`);
  return { host: endpoint.Address, port: endpoint.Port };
}

async function secretString(
  deps: RotationDeps,
  secretId: string,
  select: { VersionId?: string; VersionStage?: string },
): Promise<string> {
  const out = await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretId, ...select }));
  if (out.SecretString === undefined) throw new Error(`Secret ${secretId} (${JSON.stringify(select)}) has no string value`);
  return out.SecretString;
}

/** Reads the token from a secret string: the string itself, or one field of a JSON object. */
export function tokenOf(secret: string, field: string | undefined, secretId: string): string {
  if (field === undefined) {
    if (secret.length === 0) throw new Error(`Secret ${secretId} is empty`);
    return secret;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error(`Secret ${secretId} is not JSON; expected an object with the field "${field}"`);
  }
  const token = (parsed as Record<string, unknown> | null)?.[field];
  if (typeof token !== 'string' || token.length === 0) throw new Error(`Secret ${secretId} has no string field "${field}"`);
  return token;
}

function withToken(current: string, token: string, field: string | undefined): string {
  if (field === undefined) return token;
  return JSON.stringify({ ...(JSON.parse(current) as Record<string, unknown>), [field]: token });
}

/** The error's message with any occurrence of the token masked. */
export function scrub(error: unknown, token: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return token ? message.split(token).join('***') : message;
}
