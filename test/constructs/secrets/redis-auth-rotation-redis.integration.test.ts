/**
 * testSecret against a real redis-server on loopback, over TLS, with certificates made by openssl.
 * CI installs redis-server and openssl (.ci/run); with CI=true a missing binary fails the suite.
 * Redis ACLs let the default user hold two passwords, which is what ElastiCache's ROTATE strategy does.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DescribeReplicationGroupsCommand, ElastiCacheClient, ModifyReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { Redis } from 'ioredis';
import { createTlsProbe } from '../../../lib/constructs/secrets/redis-auth-rotation/probe';
import { rotate } from '../../../lib/constructs/secrets/redis-auth-rotation/steps';
import { describeWhenInstalled, freePort } from '../../helpers/local-server';

const which = (bin: string) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`]).toString().trim();
  } catch {
    return '';
  }
};
const haveTools = which('redis-server') !== '' && which('openssl') !== '';
// Locally, without redis-server, skip; in CI, run and fail loudly in beforeAll.
const describeWithRedis = describeWhenInstalled(haveTools);

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:redis-auth-AbCdEf';
const CURRENT_TOKEN = 'currentToken' + 'A1b2C3d4E5f6G7h8J9k0';
const PENDING_TOKEN = 'pendingToken' + 'Z9y8X7w6V5u4T3s2R1q0';
const WRONG_TOKEN = 'wrongToken' + 'M1n2B3v4C5x6Z7l8K9j0';

function makeCerts(dir: string): { ca: Buffer; cert: string; key: string; caFile: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=readiness-test-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'server.crt');
  return { ca: fs.readFileSync(path.join(dir, 'ca.crt')), cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key'), caFile: path.join(dir, 'ca.crt') };
}

async function waitForTls(port: number, ca: Buffer, password: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await createTlsProbe({ tls: { ca }, timeoutMs: 1_000 })({ host: '127.0.0.1', port }, password);
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`redis-server did not come up on 127.0.0.1:${port}: ${String(last)}`);
}

describeWithRedis('testSecret against a real redis-server over TLS', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let port: number;
  let ca: Buffer;
  const sm = mockClient(SecretsManagerClient);
  const ec = mockClient(ElastiCacheClient);

  beforeAll(async () => {
    if (!haveTools) throw new Error('redis-server and openssl are required (apt-get install -y redis-server openssl; .ci/run does it)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-rotation-'));
    const certs = makeCerts(dir);
    ca = certs.ca;
    port = await freePort();
    server = spawn(
      'redis-server',
      [
        '--port', '0', // no plaintext listener: like ElastiCache with in-transit encryption required
        '--tls-port', String(port),
        '--bind', '127.0.0.1',
        '--tls-cert-file', certs.cert,
        '--tls-key-file', certs.key,
        '--tls-ca-cert-file', certs.caFile,
        '--tls-auth-clients', 'no',
        '--requirepass', CURRENT_TOKEN,
        '--save', '',
        '--appendonly', 'no',
        '--dir', dir,
      ],
      { stdio: 'ignore' },
    );
    await waitForTls(port, ca, CURRENT_TOKEN);
    // What setSecret's ROTATE leaves behind: the current and the pending token both authenticate.
    const admin = new Redis({ host: '127.0.0.1', port, password: CURRENT_TOKEN, tls: { ca }, lazyConnect: true, retryStrategy: () => null });
    await admin.connect();
    await admin.call('ACL', 'SETUSER', 'default', `>${PENDING_TOKEN}`);
    admin.disconnect();
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    sm.reset();
    ec.reset();
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { 'v-old': ['AWSCURRENT'], 'v-new': ['AWSPENDING'] } });
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify({ authToken: CURRENT_TOKEN }) });
    ec.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        { ReplicationGroupId: 'local', Status: 'available', TransitEncryptionEnabled: true, NodeGroups: [{ PrimaryEndpoint: { Address: '127.0.0.1', Port: port } }] },
      ],
    });
  });

  const run = (logs: string[]) =>
    rotate(
      { SecretId: SECRET, ClientRequestToken: 'v-new', Step: 'testSecret' },
      {
        secrets: new SecretsManagerClient({ region: 'eu-west-1' }),
        elasticache: new ElastiCacheClient({ region: 'eu-west-1' }),
        probe: createTlsProbe({ tls: { ca }, timeoutMs: 3_000 }),
        replicationGroupId: 'local',
        tokenField: 'authToken',
        log: (m) => logs.push(m),
      },
    );

  const pendingIs = (token: string) =>
    sm.on(GetSecretValueCommand, { SecretId: SECRET, VersionId: 'v-new', VersionStage: 'AWSPENDING' }).resolves({ SecretString: JSON.stringify({ authToken: token }) });

  test('the pending token Redis accepts passes', async () => {
    pendingIs(PENDING_TOKEN);
    const logs: string[] = [];
    await expect(run(logs)).resolves.toBeUndefined();
    expect(logs).toEqual(['testSecret: local accepted version v-new']);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  test('a wrong token fails with a clear error, never shows the token, and leaves AWSCURRENT untouched', async () => {
    pendingIs(WRONG_TOKEN);
    const logs: string[] = [];
    const message = await run(logs).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    expect(message).toMatch(new RegExp(`^testSecret: 127\\.0\\.0\\.1:${port} \\(local\\) rejected the pending AUTH token of version v-new of ${SECRET}: .*WRONGPASS`));
    for (const token of [WRONG_TOKEN, CURRENT_TOKEN, PENDING_TOKEN]) {
      expect(message).not.toContain(token);
      expect(logs.join('\n')).not.toContain(token);
    }
    // Nothing moved in Secrets Manager, nothing changed on the group, and the current token still works.
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(ec.commandCalls(ModifyReplicationGroupCommand)).toHaveLength(0);
    await expect(createTlsProbe({ tls: { ca } })({ host: '127.0.0.1', port }, CURRENT_TOKEN)).resolves.toBeUndefined();
  });

  test('the probe needs TLS: an untrusted certificate is refused even with the right token', async () => {
    await expect(createTlsProbe({ timeoutMs: 3_000 })({ host: '127.0.0.1', port }, PENDING_TOKEN)).rejects.toThrow(/certificate/i);
  });
});
