import { mockClient } from 'aws-sdk-client-mock';
import { VerifyError } from '../../lib/verify/errors';
import { failoverDrillsCheck, FisClient, GetExperimentCommand, ListExperimentsCommand } from '../../lib/verify/fis';
import { checkContext, throttling } from './check-context';
import { DAY, daysAgo } from './fixtures';

// FisClient's send() has an SDK client's shape, so aws-sdk-client-mock stubs it like any client.
const fis = mockClient(FisClient as never);
beforeEach(() => fis.reset());

const TEMPLATE = 'EXT1a2b3c4d5e6f7';
const ctx = (maxAgeDays = 90) =>
  checkContext([{ type: 'AWS::FIS::ExperimentTemplate', logicalId: 'DbFailoverDrill', physicalId: TEMPLATE }], { drillMaxAgeMs: maxAgeDays * DAY });
const exp = (id: string, created: Date, status: string, reason?: string) => ({ id, experimentTemplateId: TEMPLATE, creationTime: created, state: { status, reason } });

describe('failover drills', () => {
  test('healthy: an experiment completed within 90 days; asked for this template only', async () => {
    fis.on(ListExperimentsCommand as never).resolves({ experiments: [exp('EXP1', daysAgo(20), 'completed'), exp('EXP2', daysAgo(3), 'failed')] } as never);
    const [r] = await failoverDrillsCheck.run(ctx());
    expect(r).toMatchObject({ status: 'ready', constructPath: 'Prod/Resilience/DbFailoverDrill/Resource', evidenceAt: daysAgo(20).toISOString() });
    expect(r.reason).toMatch(/experiment EXP1 of template EXT1a2b3c4d5e6f7 completed, started 2026-11-01T12:00:00.000Z \(within 90 d\)/);
    expect((fis.commandCalls(ListExperimentsCommand as never)[0].args[0] as unknown as ListExperimentsCommand).input.experimentTemplateId).toBe(TEMPLATE);
  });

  test('stale: the last completed drill is older than the period', async () => {
    fis.on(ListExperimentsCommand as never).resolves({ experiments: [exp('EXP1', daysAgo(200), 'completed')] } as never);
    const [r] = await failoverDrillsCheck.run(ctx());
    expect(r).toMatchObject({ status: 'missing', evidenceAt: daysAgo(200).toISOString() });
    expect(r.reason).toMatch(/^no experiment of template EXT1a2b3c4d5e6f7 within 90 d; latest experiment EXP1 completed \(started 2026-05-05T12:00:00.000Z\)/);
  });

  test('stopped by its stop condition: names the alarm from GetExperiment', async () => {
    fis.on(ListExperimentsCommand as never).resolves({ experiments: [exp('EXP9', daysAgo(4), 'stopped', 'Experiment stopped by stop condition')] } as never);
    fis.on(GetExperimentCommand as never).resolves({
      experiment: { ...exp('EXP9', daysAgo(4), 'stopped'), stopConditions: [{ source: 'aws:cloudwatch:alarm', value: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Prod-Api5xx' }] },
    } as never);
    const [r] = await failoverDrillsCheck.run(ctx());
    expect(r.status).toBe('missing');
    expect(r.reason).toBe(
      'no completed drill within 90 d: latest experiment EXP9 stopped (started 2026-11-17T12:00:00.000Z): Experiment stopped by stop condition; ' +
        'stop condition alarm arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Prod-Api5xx',
    );
  });

  test('missing: a template that never ran', async () => {
    fis.on(ListExperimentsCommand as never).resolves({ experiments: [] } as never);
    const [r] = await failoverDrillsCheck.run(ctx());
    expect(r).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^template EXT1a2b3c4d5e6f7 never ran/) });
  });

  test('a running drill with no completed one is conditional', async () => {
    fis.on(ListExperimentsCommand as never).resolves({ experiments: [exp('EXP3', daysAgo(0.01), 'running')] } as never);
    expect((await failoverDrillsCheck.run(ctx()))[0].status).toBe('conditional');
  });

  test('paginated: follows nextToken', async () => {
    fis
      .on(ListExperimentsCommand as never)
      .callsFake((cmd: unknown) => {
        const input = (cmd as ListExperimentsCommand).input ?? cmd;
        return (input as { nextToken?: string }).nextToken ? { experiments: [exp('EXP2', daysAgo(10), 'completed')] } : { experiments: [exp('EXP1', daysAgo(5), 'failed')], nextToken: 'p2' };
      });
    const [r] = await failoverDrillsCheck.run(ctx());
    expect(fis.commandCalls(ListExperimentsCommand as never)).toHaveLength(2);
    expect(r.status).toBe('ready');
  });

  test('throttled: one VerifyError naming fis:ListExperiments', async () => {
    fis.on(ListExperimentsCommand as never).rejects(throttling());
    const err = await failoverDrillsCheck.run(ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect((err as VerifyError).message).toMatch(/^Throttled: fis:ListExperiments in eu-west-1/);
  });
});
