import * as http from 'http';
import { AddressInfo } from 'net';
import { toVerifyError } from '../../lib/verify/errors';
import { FisClient, GetExperimentCommand, ListExperimentsCommand } from '../../lib/verify/fis';

/** The FIS REST client against a loopback server: signing, query, JSON dates, retries and errors. */
describe('FisClient', () => {
  let server: http.Server;
  let endpoint: string;
  let answers: { status: number; body: unknown; type?: string }[];
  const seen: { url: string; auth: string }[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_REGION: 'eu-west-1' });
    delete process.env.AWS_PROFILE;
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: String(req.headers.authorization ?? '') });
      const a = answers.length > 1 ? answers.shift()! : answers[0];
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.type ? { 'x-amzn-errortype': a.type } : {}) });
      res.end(JSON.stringify(a.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    process.env = saved;
    await new Promise<void>((r) => server.close(() => r()));
  });

  beforeEach(() => (seen.length = 0));

  test('ListExperiments: signed for fis in the region, query escaped, epoch dates parsed', async () => {
    answers = [{ status: 200, body: { experiments: [{ id: 'EXP1', experimentTemplateId: 'EXT1', state: { status: 'completed' }, creationTime: 1763726400 }], nextToken: 'a+b/c=' } }];
    const out = await new FisClient({ region: 'eu-west-1', endpoint }).send(new ListExperimentsCommand({ experimentTemplateId: 'EXT1', nextToken: 'x y*', maxResults: 100 }));
    expect(out.experiments![0]).toMatchObject({ id: 'EXP1', state: { status: 'completed' }, creationTime: new Date(1763726400 * 1000) });
    expect(out.nextToken).toBe('a+b/c=');
    expect(seen[0].url).toBe('/experiments?experimentTemplateId=EXT1&nextToken=x%20y%2A&maxResults=100');
    expect(seen[0].auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKE\/\d{8}\/eu-west-1\/fis\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
  });

  test('GetExperiment reads stop conditions', async () => {
    answers = [{ status: 200, body: { experiment: { id: 'EXP9', state: { status: 'stopped' }, stopConditions: [{ source: 'aws:cloudwatch:alarm', value: 'arn:alarm' }] } } }];
    const out = await new FisClient({ region: 'eu-west-1', endpoint }).send(new GetExperimentCommand({ id: 'EXP9' }));
    expect(out.experiment?.stopConditions).toEqual([{ source: 'aws:cloudwatch:alarm', value: 'arn:alarm' }]);
    expect(seen[0].url).toBe('/experiments/EXP9');
  });

  test('throttling is retried, then succeeds', async () => {
    answers = [
      { status: 429, body: { message: 'Rate exceeded' }, type: 'ThrottlingException' },
      { status: 200, body: { experiments: [] } },
    ];
    await expect(new FisClient({ region: 'eu-west-1', endpoint, maxAttempts: 3 }).send(new ListExperimentsCommand({}))).resolves.toEqual({ experiments: [], nextToken: undefined });
    expect(seen).toHaveLength(2);
  });

  test('throttled on every attempt: an SDK-shaped error the command reports in one line', async () => {
    answers = [{ status: 429, body: { message: 'Rate exceeded' }, type: 'ThrottlingException:http://internal.amazon.com/' }];
    const err = await new FisClient({ region: 'eu-west-1', endpoint, maxAttempts: 3 }).send(new ListExperimentsCommand({})).catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(toVerifyError(err, { action: 'fis:ListExperiments', resource: 'experiments', region: 'eu-west-1' }).message).toMatch(
      /^Throttled: fis:ListExperiments in eu-west-1 was still throttled after 3 attempts with backoff \(ThrottlingException\)/,
    );
  });

  test('access denied is not retried and keeps its code', async () => {
    answers = [{ status: 403, body: { message: 'User is not authorized to perform: fis:ListExperiments' }, type: 'AccessDeniedException' }];
    const err = await new FisClient({ region: 'eu-west-1', endpoint }).send(new ListExperimentsCommand({})).catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(err).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403, attempts: 1 } });
  });
});
