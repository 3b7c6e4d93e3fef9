import { App, Stack, Stage } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledgeControlTower } from '../../lib/aspects/control-tower';
import { CONTROL_TOWER_EXCEPTIONS } from '../../lib/constructs/security/control-tower-exceptions';
import { enforceReadiness } from '../../lib/readiness/gate';
import { NO_BUNDLING } from '../helpers/synth';

/** A user's app: one stage with a work queue that has no dead-letter queue (CT.SQS.PR.1 fails). */
function userApp(options: { controlTower?: boolean; acknowledge?: boolean }) {
  const app = new App({ context: NO_BUNDLING });
  const stage = new Stage(app, 'Prod', { env: { account: '333333333333', region: 'eu-west-1' } });
  const stack = new Stack(stage, 'Work');
  const queue = new sqs.CfnQueue(stack, 'Queue', { sqsManagedSseEnabled: true });
  if (options.acknowledge) acknowledgeControlTower(queue, 'sqs_dlq_check', 'CT.SQS.PR.1: this queue is itself a dead-letter queue in the fixture.');
  // Another stage's templates are not this gate's business: its failing queue must not count.
  const other = new Stage(app, 'Dev', { env: { account: '111111111111', region: 'eu-west-1' } });
  new sqs.CfnQueue(new Stack(other, 'Work'), 'Queue', { sqsManagedSseEnabled: true });
  enforceReadiness(stage, { stage: 'dev', rules: [], awsSolutions: false, nist: false, writeReport: false, controlTower: options.controlTower });
  return app;
}

const synthError = (app: App): string => {
  try {
    app.synth();
    return '';
  } catch (e) {
    return String((e as Error).message ?? e);
  }
};

describe('enforceReadiness({ controlTower })', () => {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterAll(() => stderr.mockRestore());

  test('off by default: a queue without a dead-letter queue passes synth', () => {
    expect(synthError(userApp({}))).toBe('');
  });

  test('on: the unacknowledged CT.SQS.PR.1 failure fails synth through a construct-less ControlTower-GATE error', () => {
    const message = synthError(userApp({ controlTower: true }));
    expect(message).toMatch(/CT.SQS.PR.1[\s\S]*Prod\/Work\/Queue[\s\S]*Acknowledge with 'cdk-validator-cfnguard::sqs_dlq_check'/);
    expect(message).not.toMatch(/Dev\/Work\/Queue/);
    const listing = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(listing).toMatch(/Control Tower \(scope Prod\): 1 unacknowledged finding/);
    expect(listing).toMatch(/sqs_dlq_check {2}Prod\/Work\/Queue/);
    expect(listing).not.toMatch(/Dev\/Work\/Queue/);
  });

  test('on, with the failure acknowledged on the resource with its reason: synth passes', () => {
    expect(synthError(userApp({ controlTower: true, acknowledge: true }))).toBe('');
  });

  test('every shipped exception names a guard rule of the bundled Control Tower rules and gives a reason', () => {
    const fs = require('fs') as typeof import('fs');
    const path = require('path') as typeof import('path');
    const root = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules/control-tower/cfn-guard');
    const all = fs
      .readdirSync(root)
      .flatMap((dir) => fs.readdirSync(path.join(root, dir)).map((f) => fs.readFileSync(path.join(root, dir, f), 'utf8')))
      .join('\n');
    for (const e of CONTROL_TOWER_EXCEPTIONS) {
      expect(all).toContain(`rule ${e.rule} `);
      expect(all).toContain(`[${e.control}]`);
      expect(e.reason.length).toBeGreaterThan(40);
    }
  });
});

describe('the CT.SQS.PR.1 exception', () => {
  const { Stack, App, Duration } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const events = require('aws-cdk-lib/aws-events') as typeof import('aws-cdk-lib/aws-events');
  const targets = require('aws-cdk-lib/aws-events-targets') as typeof import('aws-cdk-lib/aws-events-targets');
  const sqs = require('aws-cdk-lib/aws-sqs') as typeof import('aws-cdk-lib/aws-sqs');
  const exception = CONTROL_TOWER_EXCEPTIONS.find((e) => e.control === 'CT.SQS.PR.1')!;

  test('covers a queue an EventBridge rule target dead-letters to, not a queue the rule only delivers to', () => {
    const stack = new Stack(new App(), 'S');
    const work = new sqs.Queue(stack, 'Work');
    const dead = new sqs.Queue(stack, 'EventsDead');
    new events.Rule(stack, 'R', { schedule: events.Schedule.rate(Duration.hours(1)), targets: [new targets.SqsQueue(work, { deadLetterQueue: dead, retryAttempts: 2 })] });
    expect(exception.applies(dead.node.defaultChild as any)).toBe(true);
    expect(exception.applies(work.node.defaultChild as any)).toBe(false);
  });
});
