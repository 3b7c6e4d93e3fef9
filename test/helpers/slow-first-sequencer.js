/**
 * Runs the slowest test files first so that neither worker idles at the end of a run.
 * With timings from an earlier run in jest's cache, jest's own order (longest first) is used. On a cold
 * cache (CI, a fresh clone) jest falls back to file size, which puts a short file that synthesizes a whole
 * stage or spawns the CLI near the end; this uses the durations `npm run bench:tests -- --record` measured
 * (test-durations.json) instead, and file size for a file that has none yet.
 */
const fs = require('fs');
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = path.join(__dirname, '..', '..');

function recordedDurations() {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, 'test-durations.json'), 'utf8'));
  } catch {
    return {};
  }
}

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    if (tests.some((t) => this.time(t) !== undefined)) return super.sort(tests);
    const recorded = recordedDurations();
    // Seconds for a recorded file; a file without a record counts as 1 s per 4 KB of test code.
    const cost = (t) => recorded[path.relative(ROOT, t.path).split(path.sep).join('/')] ?? fs.statSync(t.path).size / 4096;
    return [...tests].sort((a, b) => cost(b) - cost(a));
  }
}

module.exports = SlowFirstSequencer;
