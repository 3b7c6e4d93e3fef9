import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { enforceReadiness } from '../../lib/readiness/gate';
import { renderJunit } from '../../lib/readiness/junit';
import { buildSarif, sourceFrameOf } from '../../lib/readiness/sarif';
import { ReadinessReport } from '../../lib/readiness/types';

const ROOT = path.join(__dirname, '..', '..');
const SARIF_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
const THIS_FILE = path.relative(ROOT, __filename).split(path.sep).join('/');
const NOW = new Date('2026-11-20T12:00:00Z');

function lineOf(marker: string): number {
  return fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes(marker) && !l.includes('lineOf(')) + 1;
}

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[];
}

describe('CI-native output: SARIF 2.1.0 and JUnit XML', () => {
  // One synth of a user's app (core profile, prod): a queue without a dead-letter queue.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-ci-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Orders');
  new sqs.Queue(stack, 'Queue'); // <- queue-created-here
  const gate = enforceReadiness(app, { stage: 'prod', profiles: ['core'], dataFile: false, nist: false, now: NOW });
  let synthError: unknown;
  try {
    app.synth();
  } catch (e) {
    synthError = e;
  }
  const sarifFile = path.join(outdir, 'readiness', 'prod.sarif');
  const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
  const results = sarif.runs[0].results as SarifResult[];

  test('synth fails and writes prod.json, prod.md, prod.sarif and prod.junit.xml', () => {
    expect(String(synthError)).toMatch(/Validation failed|ValidationFailed|validation/i);
    for (const f of ['prod.json', 'prod.md', 'prod.sarif', 'prod.junit.xml']) expect(fs.existsSync(path.join(outdir, 'readiness', f))).toBe(true);
  });

  test('the SARIF validates against the SARIF 2.1.0 schema', () => {
    // The schema's language-tag pattern is not valid as a unicode regular expression.
    // Formats (uri, uri-reference, date-time) are checked too, not ignored.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(SARIF_SCHEMA);
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif).toMatchObject({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json' });
  });

  test('each finding has its rule, level, message and the source line that created the construct', () => {
    const queue = results.find((r) => r.ruleId === 'Readiness-ASYNC-QUEUE');
    expect(queue).toMatchObject({
      level: 'error',
      message: { text: expect.stringMatching(/^Orders\/Queue\/Resource: /) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: THIS_FILE, uriBaseId: '%SRCROOT%' }, region: { startLine: lineOf('queue-created-here') } },
          logicalLocations: [{ fullyQualifiedName: 'Orders/Queue/Resource' }],
        },
      ],
    });
    // Every pack of the run is there, each rule declared in the driver.
    const packs = new Set(results.map((r) => r.ruleId.split('-')[0]));
    expect([...packs]).toEqual(expect.arrayContaining(['Readiness', 'AwsSolutions']));
    const declared = new Set((sarif.runs[0].tool.driver.rules as { id: string }[]).map((r) => r.id));
    for (const r of results) expect(declared).toContain(r.ruleId);
    expect(results.find((r) => r.ruleId.startsWith('AwsSolutions-SQS'))?.locations[0].physicalLocation.artifactLocation.uri).toBe(THIS_FILE);
  });

  test('a scope-level finding without a source line is placed on cdk.json, never dropped', () => {
    const log = buildSarif(app, {
      ...gate.evaluate(),
      launch: { success: false, violations: [{ ruleName: 'Readiness-LAUNCH-GATE', description: 'blocked', severity: 'error', violatingResources: [{ constructPath: '/', locations: [] }] }] },
    }) as { runs: { results: SarifResult[] }[] };
    expect(log.runs[0].results.find((r) => r.ruleId === 'Readiness-LAUNCH-GATE')?.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'cdk.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
  });

  test('the JUnit XML has a case per control (missing: failure, not applicable: skipped) and a failing gate case', () => {
    const xml = fs.readFileSync(path.join(outdir, 'readiness', 'prod.junit.xml'), 'utf8');
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8')) as ReadinessReport;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="readiness prod"')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(report.controls.length + 1);
    expect(xml).toContain(`failures="${report.summary.byStatus.missing + 1}"`);
    expect(xml).toContain(`skipped="${report.summary.byStatus['not-applicable']}"`);
    expect(xml).toMatch(/<testcase classname="readiness\.prod\.Performance &amp; Scalability" name="ASYNC-QUEUE: [^"]*" time="0">\s*<failure message="[^"]*" type="Low control missing">error Readiness-ASYNC-QUEUE\S* Orders\/Queue\/Resource: /);
    expect(xml).toMatch(/name="synth gate" time="0">\s*<failure message="Readiness gate failed: [^"]*Readiness-ASYNC-QUEUE/);
    expect(xml.match(/<testsuite /g)).toHaveLength(xml.match(/<\/testsuite>/g)!.length);
  });

  test('JUnit escapes markup in messages', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8')) as ReadinessReport;
    const tricky = { ...report, controls: [{ ...report.controls[0], status: 'missing' as const, statusReason: 'a <b> & "c" \u0001', findings: [] }] };
    expect(renderJunit(tricky)).toContain('message="a &lt;b&gt; &amp; &quot;c&quot; "');
  });

  test('the source line is the first frame of the app itself, in each of the forms CDK writes', () => {
    const at = (frames: string[]) => {
      // A plain construct records no creation stack of its own: only the frames given here.
      const c = new Construct(new App(), 'C');
      c.node.addMetadata('aws:cdk:creationStack', frames);
      return sourceFrameOf(new Construct(c, 'Child'));
    };
    expect(at(['...new Queue2 in aws-cdk-lib...', '/src/app/bin/app.ts:12: (/src/app/bin/app.ts:12:5)'])).toEqual({ file: '/src/app/bin/app.ts', line: 12 });
    expect(at(['/src/app/lib/orders.ts:7 (:)'])).toEqual({ file: '/src/app/lib/orders.ts', line: 7 });
    expect(at(['new Orders (/src/app/node_modules/some-lib/index.js:3:9)', 'node:internal/modules/cjs/loader:1:1', '<anonymous> (/src/app/bin/app.ts:4:1)'])).toEqual({ file: '/src/app/bin/app.ts', line: 4, column: 1 });
    expect(at(['...node internals...'])).toBeUndefined();
  });
});
