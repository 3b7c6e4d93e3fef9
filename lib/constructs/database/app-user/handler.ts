/**
 * Lambda entry point of the application-user bootstrap (a CloudFormation custom resource, bundled by
 * NodejsFunction with `pg`; the AWS SDK comes from the runtime). On Create and Update it reads the
 * master credentials, connects to the cluster writer over verified TLS and runs the idempotent SQL of
 * `sql.ts`. On Delete it leaves the user in place: the database outlives the stack (snapshot on delete).
 */
import * as https from 'https';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { AppUserSpec, runAppUserBootstrap } from './sql';

interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: {
    readonly SecretArn: string;
    readonly Host: string;
    readonly Port: string;
    readonly User: string;
    readonly Database: string;
    readonly Schema: string;
  };
}

const secrets = new SecretsManagerClient({});

export async function handler(event: CustomResourceEvent): Promise<void> {
  const props = event.ResourceProperties;
  const physicalId = `app-user:${props.User}`;
  try {
    if (event.RequestType !== 'Delete') {
      await bootstrap(props);
    }
    await respond(event, 'SUCCESS', physicalId);
  } catch (e) {
    // The reason reaches CloudFormation events: the error text only, never the credentials.
    const reason = e instanceof Error ? e.message : String(e);
    console.error(`Bootstrap of database user ${props.User} failed: ${reason}`);
    await respond(event, 'FAILED', event.PhysicalResourceId ?? physicalId, reason);
  }
}

async function bootstrap(props: CustomResourceEvent['ResourceProperties']): Promise<void> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: props.SecretArn }));
  const master = JSON.parse(out.SecretString ?? '{}') as { username?: string; password?: string };
  if (!master.username || !master.password) throw new Error('the master secret has no username/password');
  const spec: AppUserSpec = { user: props.User, database: props.Database, schema: props.Schema };
  const client = new Client({
    host: props.Host,
    port: Number(props.Port),
    user: master.username,
    password: master.password,
    database: props.Database,
    // rds.force_ssl is on; the server certificate is verified against the Amazon RDS CAs that
    // NODE_EXTRA_CA_CERTS (/var/runtime/ca-cert.pem) adds to Node's trust store.
    ssl: { rejectUnauthorized: true, servername: props.Host },
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
  });
  await client.connect();
  try {
    await runAppUserBootstrap(client, spec);
    console.log(`Database user ${spec.user} is set up in ${spec.database} (schema ${spec.schema})`);
  } finally {
    await client.end();
  }
}

function respond(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', physicalId: string, reason?: string): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: (reason ?? 'See the function logs').slice(0, 1000),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: {},
  });
  return new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}
