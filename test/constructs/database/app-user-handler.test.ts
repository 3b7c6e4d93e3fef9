/**
 * The bootstrap custom resource's handler with its edges mocked: Secrets Manager (aws-sdk-client-mock),
 * the PostgreSQL client and the CloudFormation response PUT. The SQL itself is tested against a real
 * server in app-user-postgres.integration.test.ts.
 */
import { EventEmitter } from 'events';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

const queries: string[] = [];
const clientConfigs: any[] = [];
let failOn: RegExp | undefined;
jest.mock('pg', () => ({
  Client: jest.fn().mockImplementation((config: any) => {
    clientConfigs.push(config);
    return {
      connect: jest.fn().mockResolvedValue(undefined),
      end: jest.fn().mockResolvedValue(undefined),
      query: jest.fn().mockImplementation(async (sql: string) => {
        queries.push(sql);
        if (failOn?.test(sql)) throw new Error('permission denied to grant role "rds_iam"');
        return { rows: [] };
      }),
    };
  }),
}));

const responses: { url: string; body: any }[] = [];
jest.mock('https', () => ({
  request: jest.fn().mockImplementation((url: string, _options: unknown, callback: (res: EventEmitter & { resume(): void }) => void) => {
    const req = new EventEmitter() as EventEmitter & { end(body: string): void };
    req.end = (body: string) => {
      responses.push({ url, body: JSON.parse(body) });
      const res = Object.assign(new EventEmitter(), { resume: () => undefined });
      callback(res);
      res.emit('end');
    };
    return req;
  }),
}));

const sm = mockClient(SecretsManagerClient);
const { handler } = require('../../../lib/constructs/database/app-user/handler');

const PASSWORD = 'master' + 'Pw9q8r7s';
const event = (type: 'Create' | 'Update' | 'Delete', user = 'app_user') => ({
  RequestType: type,
  ResponseURL: 'https://cloudformation-custom-resource-response.example/abc',
  StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Prod-Data/1',
  RequestId: 'req-1',
  LogicalResourceId: 'DatabaseAppUser',
  PhysicalResourceId: type === 'Create' ? undefined : `app-user:${user}`,
  ResourceProperties: { SecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf', Host: 'db.cluster-abc.eu-west-1.rds.amazonaws.com', Port: '5433', User: user, Database: 'postgres', Schema: 'app' },
});

beforeEach(() => {
  queries.length = 0;
  clientConfigs.length = 0;
  responses.length = 0;
  failOn = undefined;
  sm.reset();
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'dbadmin', password: PASSWORD }) });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

test('Create: connects to the writer as the master over verified TLS, runs the SQL in a transaction, answers SUCCESS', async () => {
  await handler(event('Create'));
  expect(clientConfigs).toEqual([
    expect.objectContaining({ host: 'db.cluster-abc.eu-west-1.rds.amazonaws.com', port: 5433, user: 'dbadmin', database: 'postgres', ssl: expect.objectContaining({ rejectUnauthorized: true }) }),
  ]);
  expect(queries[0]).toBe('BEGIN');
  expect(queries).toContain('GRANT rds_iam TO "app_user"');
  expect(queries[queries.length - 1]).toBe('COMMIT');
  expect(responses).toEqual([{ url: expect.stringContaining('cloudformation-custom-resource-response'), body: expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'app-user:app_user', RequestId: 'req-1' }) }]);
});

test('Delete leaves the user in place and answers SUCCESS without connecting', async () => {
  await handler(event('Delete'));
  expect(clientConfigs).toEqual([]);
  expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'app-user:app_user' });
});

test('a failing statement rolls back and answers FAILED with the error, never the password', async () => {
  failOn = /GRANT rds_iam/;
  await handler(event('Update'));
  expect(queries).toContain('ROLLBACK');
  expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'permission denied to grant role "rds_iam"' });
  expect(JSON.stringify(responses)).not.toContain(PASSWORD);
});

test('a user name that is not a plain role name fails before any SQL runs', async () => {
  await handler(event('Create', 'app"; DROP ROLE dbadmin; --'));
  expect(queries).toEqual([]);
  expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/Invalid database application user/) });
});
