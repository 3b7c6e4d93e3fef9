import { Progress } from '../../lib/verify/progress';

describe('Progress', () => {
  test('on a terminal it rewrites one line and clears it at the end', () => {
    const written: string[] = [];
    const p = new Progress(true, (t) => written.push(t));
    p.update('[1/3] stack Prod-Data');
    p.update('[2/3] alarms');
    p.clear();
    expect(written).toEqual(['\r\x1b[2K[1/3] stack Prod-Data', '\r\x1b[2K[2/3] alarms', '\r\x1b[2K']);
  });

  test('in CI or a pipe it writes nothing', () => {
    const written: string[] = [];
    const p = new Progress(false, (t) => written.push(t));
    p.update('[1/3] stack Prod-Data');
    p.clear();
    expect(written).toEqual([]);
  });
});
