import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CONTROL_DEFINITIONS } from '../../lib/readiness/catalogue';
import { loadReadinessData, readinessDataProblems } from '../../lib/readiness/data-file';
import { enforceReadiness, evaluateReadiness } from '../../lib/readiness/gate';
import { renderMarkdown } from '../../lib/readiness/report';
import { CONTROL_PROFILES, definitionsOfProfiles, MARKETPLACE_CONTROL_IDS, profileOf } from '../../lib/readiness/profiles';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'readiness.schema.json'), 'utf8'));
const NOW = new Date('2026-11-20T12:00:00Z');

/** A user's small app: one queue without a dead-letter queue, nothing from this project. */
function userApp(): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new sqs.Queue(new Stack(app, 'Orders'), 'Queue');
  return app;
}

function tempFile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-data-'));
  const file = path.join(dir, 'readiness.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, undefined, 2));
  return file;
}

describe('control profiles', () => {
  test('core holds every control a rule checks at synth; marketplace the product controls; both are the whole catalogue in order', () => {
    const core = definitionsOfProfiles(['core']).map((d) => d.id);
    const marketplace = definitionsOfProfiles(['marketplace']).map((d) => d.id);
    for (const d of CONTROL_DEFINITIONS.filter((c) => c.verification === 'synth')) expect(core).toContain(d.id);
    expect(core.filter((id) => CONTROL_DEFINITIONS.find((d) => d.id === id)!.verification !== 'synth').sort()).toEqual(['RUNBOOKS', 'SECURITY-TESTING']);
    expect(marketplace).toEqual(expect.arrayContaining(['CONTRACT-AUDIT', 'MULTISIG-WALLETS', 'KYC-AML', 'WEBSOCKET-SCALING', 'LEGAL-PAGES', 'SUPPORT-24X7']));
    // Every marketplace ID names a catalogue control (a typo would silently move nothing).
    for (const id of MARKETPLACE_CONTROL_IDS) expect(CONTROL_DEFINITIONS.map((d) => d.id)).toContain(id);
    expect(definitionsOfProfiles(CONTROL_PROFILES)).toEqual([...CONTROL_DEFINITIONS]);
    expect(profileOf('DB-HA')).toBe('core');
    expect(() => definitionsOfProfiles(['core', 'fintech'])).toThrow(/profiles: "fintech" is not a control profile\. Fix: use 'core' and\/or 'marketplace'/);
    expect(() => definitionsOfProfiles([])).toThrow(/selects no control/);
  });

  test("a fresh app with profiles: ['core'] gets a report of core controls only; by default every profile", () => {
    const app = userApp();
    const gate = enforceReadiness(app, { stage: 'prod', profiles: ['core'], dataFile: false, nist: false, now: NOW });
    const report = gate.evaluate().report;
    expect(report.profiles).toEqual(['core']);
    expect(report.controls.map((c) => c.id)).toEqual(definitionsOfProfiles(['core']).map((d) => d.id));
    expect(report.controls.map((c) => c.id)).not.toContain('CONTRACT-AUDIT');
    expect(report.controls.find((c) => c.id === 'ASYNC-QUEUE')).toMatchObject({ status: 'missing' });

    const all = evaluateReadiness(userApp(), { stage: 'prod', dataFile: false, nist: false, now: NOW }).report;
    expect(all.profiles).toEqual(['core', 'marketplace']);
    expect(all.controls.map((c) => c.id)).toEqual(CONTROL_DEFINITIONS.map((d) => d.id));
  });
});

describe('the readiness data file', () => {
  const data = {
    $schema: './node_modules/readiness-stack/readiness.schema.json',
    profiles: ['core'],
    controls: [
      { id: 'PCI-SCOPE', title: 'Card data stays out of this app', severity: 'High', area: 'Security', owner: 'Security', risk: 'PCI scope grows to the whole app.', verification: 'attested' },
    ],
    attestations: {
      'PCI-SCOPE': { owner: 'Security', evidenceUrl: 'https://wiki.acme-payments.io/pci/scope', date: '2026-11-01', status: 'ready' },
    },
    notApplicable: {
      'SECURITY-TESTING': { owner: 'Security', reason: 'The group pen-tests every product yearly; not per app' },
    },
  };

  test('picks profiles, adds a custom control with its attestation, and declares a control not applicable', () => {
    const file = tempFile(data);
    const report = evaluateReadiness(userApp(), { stage: 'prod', dataFile: file, nist: false, now: NOW }).report;
    expect(report.profiles).toEqual(['core']);
    expect(report.controls.at(-1)).toMatchObject({ id: 'PCI-SCOPE', status: 'ready', statusReason: expect.stringMatching(/Attested ready by Security on 2026-11-01/) });
    expect(report.controls.find((c) => c.id === 'SECURITY-TESTING')).toMatchObject({
      status: 'not-applicable',
      notApplicableDeclaration: { owner: 'Security', reason: 'The group pen-tests every product yearly; not per app' },
      statusReason: expect.stringMatching(/Declared not applicable by Security/),
    });
    // Without the declaration the attested control is missing.
    expect(report.controls.find((c) => c.id === 'RUNBOOKS')).toMatchObject({ status: 'missing' });
  });

  test('code gives the same: controls, attestations and declarations, over the file; the Markdown names the profiles', () => {
    const gate = enforceReadiness(userApp(), {
      stage: 'prod',
      dataFile: tempFile(data),
      nist: false,
      now: NOW,
      controls: [{ id: 'ORDERS-RUNBOOK', title: 'Orders runbook', severity: 'Medium', area: 'Documentation', owner: 'Orders', risk: 'On-call cannot act.', verification: 'attested' }],
      attestations: { 'ORDERS-RUNBOOK': { owner: 'Orders', evidenceUrl: 'https://wiki.acme-payments.io/orders/runbook', date: '2026-11-10', status: 'ready' } },
      notApplicable: { 'SECURITY-TESTING': { owner: 'Platform', reason: 'Covered by the platform pen-test programme' } },
    });
    const report = gate.evaluate().report;
    expect(report.controls.slice(-2).map((c) => [c.id, c.status])).toEqual([['PCI-SCOPE', 'ready'], ['ORDERS-RUNBOOK', 'ready']]);
    expect(report.controls.find((c) => c.id === 'SECURITY-TESTING')?.notApplicableDeclaration).toEqual({ owner: 'Platform', reason: 'Covered by the platform pen-test programme' });
    expect(renderMarkdown(report)).toMatch(/^Scope `\(app\)`, profiles core, generated /m);
  });

  test('is read from the current directory (next to cdk.json) by default, and code overrides it', () => {
    const file = tempFile(data);
    const cwd = process.cwd();
    process.chdir(path.dirname(file));
    try {
      expect(evaluateReadiness(userApp(), { stage: 'dev', now: NOW }).report.profiles).toEqual(['core']);
      expect(evaluateReadiness(userApp(), { stage: 'dev', now: NOW, profiles: ['core', 'marketplace'] }).report.controls.map((c) => c.id)).toContain('CONTRACT-AUDIT');
    } finally {
      process.chdir(cwd);
    }
  });

  test('a bad file fails enforceReadiness with the file, each JSON path, the value and the fix', () => {
    const file = tempFile({
      profiles: ['core', 'fintech'],
      controls: [{ id: 'pci', title: 'x', severity: 'Urgent', area: 'Security', owner: 'Sec', risk: 'r', verification: 'attested', colour: 'red' }],
      attestations: { RUNBOOKS: { owner: 'Ops', evidenceUrl: 'http://wiki/runbooks', date: '1 Nov 2026', status: 'done' } },
      notApplicable: { WAF: { owner: 'Security', reason: 'n/a' } },
    });
    let message = '';
    try {
      enforceReadiness(userApp(), { stage: 'prod' , dataFile: file });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`${file} is invalid (8 problems; schema: readiness.schema.json)`);
    expect(message).toContain('$.profiles[1] = "fintech": not a control profile. Fix: use one of "core", "marketplace".');
    expect(message).toContain('$.controls[0].colour = "red": unknown field. Fix: remove it');
    expect(message).toContain('$.controls[0].id = "pci": not a control ID. Fix:');
    expect(message).toContain('$.controls[0].severity = "Urgent": not a severity. Fix: use one of "Critical", "High", "Medium", "Low".');
    expect(message).toContain('$.attestations.RUNBOOKS.evidenceUrl = "http://wiki/runbooks": not an https URL.');
    expect(message).toContain('$.attestations.RUNBOOKS.date = "1 Nov 2026": not a date. Fix: the day it was attested, YYYY-MM-DD.');
    expect(message).toContain('$.attestations.RUNBOOKS.status = "done": not an attestation status.');
    expect(message).toContain('$.notApplicable.WAF.reason = "n/a": too short to review. Fix: at least 20 characters');
    expect(() => loadReadinessData(tempFile('{ "profiles": ['))).toThrow(/readiness\.json: cannot read it as JSON: .*Fix: make it a JSON object/);
  });

  test('a custom control may not take a catalogue ID or be declared twice', () => {
    const custom = data.controls[0] as never;
    expect(() => evaluateReadiness(userApp(), { stage: 'dev', dataFile: false, controls: [{ ...(custom as object), id: 'DB-HA' } as never] })).toThrow(
      /controls\[0\]\.id = "DB-HA" is a catalogue control\. Fix: pick another ID/,
    );
    expect(() => evaluateReadiness(userApp(), { stage: 'dev', dataFile: tempFile(data), controls: [custom] })).toThrow(/controls\[0\]\.id = "PCI-SCOPE" is declared twice/);
  });

  test('readiness.schema.json and the loader agree on valid and invalid files', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
    const samples: unknown[] = [
      data,
      {},
      { profiles: ['marketplace', 'core'] },
      { profiles: [] },
      { profiles: ['fintech'] },
      { extra: 1 },
      { controls: [{ ...data.controls[0], verification: 'live' }] },
      { controls: [{ ...data.controls[0], id: 'PCI--SCOPE' }] },
      { controls: [{ ...data.controls[0], title: '  ' }] },
      { controls: [{ ...data.controls[0], rules: ['AwsSolutions-S1'], sources: ['policy 4.2'] }] },
      { controls: [{ ...data.controls[0], rules: [''] }] },
      { controls: [{ ...data.controls[0], area: 'Payments' }] },
      { attestations: { RUNBOOKS: { owner: 'Ops', evidenceUrl: 'https://wiki.acme.io/r', date: '2026-11-01', status: 'conditional' } } },
      { attestations: { RUNBOOKS: { owner: 'Ops', evidenceUrl: 'https://wiki.acme.io/r', date: '2026-11-01', status: 'conditional', reason: 'drill pending' } } },
      { attestations: { runbooks: { owner: 'Ops', evidenceUrl: 'https://wiki.acme.io/r', date: '2026-11-01', status: 'ready' } } },
      { notApplicable: { WAF: { owner: 'Security', reason: ' exactly nineteen ch ' } } },
      { notApplicable: { WAF: { owner: 'Security', reason: 'no public HTTP entry in this app' } } },
      { notApplicable: { WAF: { owner: 'Security' } } },
      [],
    ];
    for (const sample of samples) {
      const loaderOk = readinessDataProblems(sample).length === 0;
      expect({ sample, valid: validate(sample) }).toEqual({ sample, valid: loaderOk });
    }
  });
});
