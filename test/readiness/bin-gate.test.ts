import { App } from 'aws-cdk-lib';
import { main, selectGate } from '../../bin/app';

describe('bin: -c gate=...', () => {
  test('no context means no launch gate; "launch" enables it', () => {
    expect(selectGate(undefined)).toBeUndefined();
    expect(selectGate('')).toBeUndefined();
    expect(selectGate('launch')).toBe('launch');
  });

  test('an unknown gate fails with the valid values', () => {
    expect(() => selectGate('lunch')).toThrow(/Unknown gate "lunch".*Valid gates: launch/);
  });
});

describe('bin: a bad stage or gate prints the message only, and exits 1', () => {
  const saved = process.exitCode;
  afterEach(() => {
    process.exitCode = saved;
  });

  test.each([
    [{ stage: 'qa' }, /^Unknown stage "qa" \(context "stage"\)\. Valid stages: dev, staging, prod\.\n$/],
    [{ gate: 'lunch' }, /^Unknown gate "lunch" \(context "gate"\)\. Valid gates: launch\.\n$/],
  ])('%j', (context, expected) => {
    const printed: string[] = [];
    const app = main(new App({ context }), (m) => printed.push(m));
    expect(app).toBeUndefined();
    expect(process.exitCode).toBe(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(expected);
    expect(printed[0]).not.toMatch(/\n\s+at /);
  });
});
