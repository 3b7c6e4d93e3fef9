import { selectGate } from '../../bin/app';

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
