/**
 * JUnit XML output of a readiness report, for CI test tabs: one test suite per report area, one test
 * case per control (missing: a failure with its findings; not applicable: skipped; ready and
 * conditional: passed, with the reason), and a `gate` suite whose one case fails when synth fails.
 */
import { ControlReport, ReadinessReport } from './types';

const escapeXml = (s: string): string =>
  s
    // XML 1.0 has no place for most control characters.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

function testCase(stage: string, c: ControlReport): string {
  const attrs = `classname="${escapeXml(`readiness.${stage}.${c.area}`)}" name="${escapeXml(`${c.id}: ${c.title}`)}" time="0"`;
  const findings = c.findings.map((f) => `${f.level} ${f.ruleId} ${f.constructPath}: ${f.message}`).join('\n');
  if (c.status === 'missing') {
    return `    <testcase ${attrs}>\n      <failure message="${escapeXml(c.statusReason)}" type="${escapeXml(`${c.severity} control missing`)}">${escapeXml(findings || c.statusReason)}</failure>\n    </testcase>`;
  }
  if (c.status === 'not-applicable') {
    return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(c.statusReason)}"/>\n    </testcase>`;
  }
  return `    <testcase ${attrs}>\n      <system-out>${escapeXml(`${c.status}: ${c.statusReason}`)}</system-out>\n    </testcase>`;
}

/** The report as JUnit XML. */
export function renderJunit(report: ReadinessReport): string {
  const areas = [...new Set(report.controls.map((c) => c.area))];
  const suites = areas.map((area) => {
    const controls = report.controls.filter((c) => c.area === area);
    const failures = controls.filter((c) => c.status === 'missing').length;
    const skipped = controls.filter((c) => c.status === 'not-applicable').length;
    return (
      `  <testsuite name="${escapeXml(`${report.stage}: ${area}`)}" tests="${controls.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${escapeXml(report.generatedAt.replace(/\.\d+Z$/, ''))}">\n` +
      `${controls.map((c) => testCase(report.stage, c)).join('\n')}\n  </testsuite>`
    );
  });
  const gate = report.gate;
  if (gate) {
    const errors = Object.entries(gate.errors ?? {}).map(([rule, n]) => `${rule} x${n}`);
    const blocking = gate.blocking.length > 0 ? `launch gate blocked by ${gate.blocking.join(', ')}` : '';
    const body = gate.passed
      ? `    <testcase classname="readiness.${escapeXml(report.stage)}.gate" name="synth gate" time="0"/>`
      : `    <testcase classname="readiness.${escapeXml(report.stage)}.gate" name="synth gate" time="0">\n      <failure message="${escapeXml(`Readiness gate failed: ${[errors.join(', '), blocking].filter(Boolean).join('; ')}`)}" type="gate">${escapeXml([...errors, blocking].filter(Boolean).join('\n'))}</failure>\n    </testcase>`;
    suites.push(`  <testsuite name="${escapeXml(`${report.stage}: gate`)}" tests="1" failures="${gate.passed ? 0 : 1}" errors="0" skipped="0" time="0">\n${body}\n  </testsuite>`);
  }
  const tests = report.controls.length + (gate ? 1 : 0);
  const failures = report.controls.filter((c) => c.status === 'missing').length + (gate && !gate.passed ? 1 : 0);
  const skipped = report.controls.filter((c) => c.status === 'not-applicable').length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${escapeXml(`readiness ${report.stage}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
