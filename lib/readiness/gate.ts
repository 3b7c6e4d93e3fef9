/**
 * The readiness gate: `enforceReadiness(scope, { stage })` registers, on an App or a Stage, the
 * AwsSolutions pack, the Readiness pack, the scope rules, the waiver checks (waivers, and Readiness
 * rules acknowledged without `waive()`) and the report writer as CDK validation plugins. All of them
 * read one evaluation of *this* scope (CDK hands every plugin the root app, so each stage of an app
 * keeps its own levels and report).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  App,
  CfnResource,
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
  Stage,
  Validations,
} from 'aws-cdk-lib';
import { FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { NagMessageLevel } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { attestationProblems, waiverHorizonDays } from '../config/readiness-policy';
import { AttestationConfig, NotApplicableDeclaration, StageConfig, StageName } from '../config/stage-config';
import { isAcknowledged } from '../aspects/acknowledgments';
import { StagedAwsSolutionsChecks } from '../aspects/aws-solutions';
import { NIST_PACK_NAME, StagedNistChecks } from '../aspects/nist-800-53';
import { levelFor } from '../aspects/levels';
import { ReadinessChecks, ruleContextFor } from '../aspects/readiness-checks';
import { RuleResult } from '../aspects/results';
import { ReadinessRule, RuleContext, ruleIdOf, ScopeRule } from '../aspects/rule';
import { withRuleCaches } from '../aspects/rule-helpers';
import { READINESS_RULES } from '../aspects/rules';
import { buildCatalogue, CONTROL_DEFINITIONS, controlById, ControlDefinition } from './catalogue';
import { CustomControl, definitionOfCustomControl, findReadinessData } from './data-file';
import { ControlProfileName, CONTROL_PROFILES, definitionsOfProfiles } from './profiles';
import { buildReport, renderMarkdown } from './report';
import { REPORT_SECTIONS } from './sections';
import { ReportSection, ReportSectionProvider } from './sections/section';
import { renderJunit } from './junit';
import { buildSarif, SarifInputs, SarifOptions } from './sarif';
import { assertSingleAwsCdkLib } from './single-copy';
import { ReadinessReport } from './types';
import { checkAcknowledgments, checkWaivers, collectWaivers, isCoveredByWaiver, needsWaiver } from './waivers';
import { controlTowerPlugin } from '../aspects/control-tower';

export interface EnforceReadinessOptions {
  /** Stage whose levels apply: prod makes every finding an error. */
  readonly stage: StageName;
  /**
   * Stage config: thresholds (prod backup retention) and attestations.
   * @default - built-in thresholds; attested controls are missing
   */
  readonly config?: StageConfig;
  /**
   * `launch` fails synth when any Critical control is missing.
   * @default - no launch gate: only rule findings fail synth
   */
  readonly gate?: 'launch';
  /**
   * Run cdk-nag's AwsSolutions pack too.
   * @default true
   */
  readonly awsSolutions?: boolean;
  /**
   * Run cdk-nag's NIST 800-53 rev 5 pack too (acknowledge findings as `NIST.800.53.R5-<Rule>`).
   * @default - true in prod, false elsewhere
   */
  readonly nist?: boolean;
  /**
   * Also run AWS Control Tower's proactive controls (cfn-guard and its Control Tower rules, from
   * `@cdklabs/cdk-validator-cfnguard`) over the scope's templates: the checks Control Tower would run
   * at deploy time in an account where they are enabled. Acknowledge a deliberate failure on its
   * resource with `Validations.of(c).acknowledge({ id: 'cdk-validator-cfnguard::<guard rule name>', reason })`.
   * @default false
   */
  readonly controlTower?: boolean;
  /**
   * Readiness rules to apply.
   * @default - READINESS_RULES, every registered rule
   */
  readonly rules?: readonly ReadinessRule[];
  /**
   * Report sections to add after the registered ones.
   * @default - only REPORT_SECTIONS
   */
  readonly sections?: readonly ReportSectionProvider[];
  /**
   * Settings the rules of other areas read (`RuleContext.settings`).
   * @default - only `config`
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * Data at rest on an AWS-managed or AWS-owned key instead of a customer-managed key: an error
   * (`required`) or a warning (`preferred`). Unencrypted data is an error either way. Wins over the stage config's
   * `security.customerManagedKeys`.
   * @default - `required` in prod for data stores, `preferred` otherwise
   */
  readonly customerManagedKeys?: 'required' | 'preferred';
  /**
   * Write `<outdir>/readiness/<stage>.json`, `.md`, `.sarif` (SARIF 2.1.0) and `.junit.xml`.
   * @default true
   */
  readonly writeReport?: boolean;
  /**
   * The clock waivers expire against and attestations age against.
   * @default - the current time
   */
  readonly now?: Date;
  /**
   * Print each rule's explanation with its finding.
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * Control profiles to report on: `core` (infrastructure and operational controls of any production
   * web service) and/or `marketplace` (the product controls of the gap analysis).
   * @default - the data file's `profiles`, else every profile
   */
  readonly profiles?: readonly ControlProfileName[];
  /**
   * The team's own controls, reported with the catalogue's (after the data file's).
   * @default - only the data file's
   */
  readonly controls?: readonly CustomControl[];
  /**
   * Evidence for attested controls, by control ID (over the data file's and the config's).
   * @default - the data file's and `config.attestations`
   */
  readonly attestations?: Readonly<Record<string, AttestationConfig>>;
  /**
   * Controls that do not apply, with owner and reason (over the data file's and the config's).
   * @default - the data file's and `config.notApplicable`
   */
  readonly notApplicable?: Readonly<Record<string, NotApplicableDeclaration>>;
  /**
   * The readiness data file (`readiness.json`, see readiness.schema.json); `false` reads none.
   * @default - `readiness.json` in the current directory (next to cdk.json) when it exists
   */
  readonly dataFile?: string | false;
}

/**
 * The options with the data file folded in: profiles, custom controls, attestations and
 * not-applicable declarations resolved (code over file), `dataFile: false`. Throws on an invalid file,
 * an unknown profile, or a custom control whose ID is taken.
 */
export function resolveReadinessOptions(options: EnforceReadinessOptions): EnforceReadinessOptions {
  if (RESOLVED.has(options)) return options;
  const found = findReadinessData(options.dataFile);
  const data = found?.data ?? {};
  const controls = [...(data.controls ?? []), ...(options.controls ?? [])];
  const where = (i: number) => (i < (data.controls ?? []).length ? `${found?.file}: $.controls[${i}]` : `controls[${i - (data.controls ?? []).length}]`);
  const problems: string[] = [];
  controls.forEach((c, i) => {
    if (CONTROL_DEFINITIONS.some((d) => d.id === c.id)) problems.push(`${where(i)}.id = "${c.id}" is a catalogue control. Fix: pick another ID; to add evidence for it use attestations.`);
    else if (controls.findIndex((o) => o.id === c.id) < i) problems.push(`${where(i)}.id = "${c.id}" is declared twice. Fix: keep one.`);
  });
  if (problems.length > 0) throw new Error(`Custom readiness controls are invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const resolved: EnforceReadinessOptions = {
    ...options,
    dataFile: false,
    profiles: options.profiles ?? data.profiles ?? CONTROL_PROFILES,
    controls,
    attestations: { ...data.attestations, ...options.config?.attestations, ...options.attestations },
    notApplicable: { ...data.notApplicable, ...options.config?.notApplicable, ...options.notApplicable },
  };
  RESOLVED.add(resolved);
  return resolved;
}
const RESOLVED = new WeakSet<EnforceReadinessOptions>();

/** The catalogue definitions a run reports on: its profiles' controls, then the custom ones. */
function definitionsFor(options: EnforceReadinessOptions): ControlDefinition[] {
  return [...definitionsOfProfiles(options.profiles), ...(options.controls ?? []).map(definitionOfCustomControl)];
}

/** Everything one run found, for the plugins and for tests. */
export interface ReadinessEvaluation {
  readonly awsSolutions: PolicyValidationPluginReport;
  /** NIST 800-53 rev 5 findings (empty when the pack is off). */
  readonly nist: PolicyValidationPluginReport;
  readonly readiness: PolicyValidationPluginReport;
  readonly scopeRules: PolicyValidationPluginReport;
  readonly waivers: PolicyValidationPluginReport;
  readonly launch: PolicyValidationPluginReport;
  /**
   * One error without a construct when any check above has an error. The CLI filters findings by
   * the stacks it selected (top-level ones, unless `'Stage/*'` is given), so findings in stacks
   * nested in Stages would not fail a plain `cdk synth`; a finding without a construct is never filtered.
   */
  readonly summary: PolicyValidationPluginReport;
  readonly results: readonly RuleResult[];
  readonly report: ReadinessReport;
}

const report = (violations: PolicyViolation[]): PolicyValidationPluginReport => ({
  success: !violations.some((v) => v.severity === 'error'),
  violations,
});

function pathOf(scope: IConstruct): string {
  // CDK's report needs a construct path; the root app's is empty.
  return scope.node.path || scope.node.children.find((c) => Stage.isStage(c) || c.node.children.length > 0)?.node.path || '/';
}

function runScopeRules(scope: IConstruct, rules: readonly ScopeRule[], context: RuleContext): { results: RuleResult[]; violations: PolicyViolation[] } {
  const results: RuleResult[] = [];
  const violations: PolicyViolation[] = [];
  for (const rule of rules) {
    const ruleId = ruleIdOf(rule);
    const level = levelFor(context.stage, rule.category) === NagMessageLevel.ERROR ? 'error' : 'warning';
    let compliant = false;
    let findings: readonly string[] = [];
    let evidence = undefined as RuleResult['evidence'];
    let conditional: string | undefined;
    try {
      const r = rule.check(scope, context);
      compliant = r.compliant;
      findings = r.findings;
      evidence = r.evidence;
      conditional = r.compliant ? r.conditional : undefined;
    } catch (e) {
      findings = [`the rule could not read a value: ${(e as Error)?.message ?? String(e)}`];
    }
    const acknowledged = isAcknowledged(scope, ruleId);
    results.push({
      ruleId,
      findingId: ruleId,
      compliance: compliant ? 'compliant' : 'non-compliant',
      level,
      acknowledged,
      message: compliant ? rule.info : `${rule.info} ${findings.join(' ')}`.trim(),
      construct: scope,
      evidence,
      ...(conditional ? { conditional } : {}),
    });
    if (!compliant && !acknowledged) {
      violations.push({
        ruleName: ruleId,
        description: findings.length > 0 ? `${rule.info} ${findings.join(' ')}` : rule.info,
        fix: rule.explanation,
        severity: level,
        violatingResources: [{ constructPath: pathOf(scope), locations: [...findings] }],
      });
    }
  }
  return { results, violations };
}

/** Evaluates every check of the gate on `scope` without synthesizing (tests and tools call this). */
export function evaluateReadiness(scope: IConstruct, options: EnforceReadinessOptions): ReadinessEvaluation {
  assertSingleAwsCdkLib(scope);
  const resolved = resolveReadinessOptions(options);
  return withRuleCaches(() => evaluate(scope, resolved));
}

function evaluate(scope: IConstruct, options: EnforceReadinessOptions): ReadinessEvaluation {
  const now = options.now ?? new Date();
  const rules = options.rules ?? READINESS_RULES;
  const controls = buildCatalogue(rules, definitionsFor(options));
  const settings = options.customerManagedKeys ? { ...options.settings, customerManagedKeys: options.customerManagedKeys } : options.settings;
  const context = ruleContextFor(options.stage, options.config, settings);
  // Attestations and declarations from the data file, the config and code (rules still read `config` alone).
  const declared = { ...options.config, attestations: options.attestations ?? options.config?.attestations ?? {}, notApplicable: options.notApplicable ?? options.config?.notApplicable } as StageConfig;

  let awsSolutions: PolicyValidationPluginReport = { success: true, violations: [] };
  let awsResults: readonly RuleResult[] = [];
  if (options.awsSolutions ?? true) {
    const evidenceRules = new Set(controls.flatMap((c) => c.rules.filter((r) => !r.startsWith('Readiness-'))));
    const pack = new StagedAwsSolutionsChecks(undefined, { stage: options.stage, evidenceRules, verbose: options.verbose });
    awsSolutions = pack.validateScope(scope);
    awsResults = pack.results;
  }
  let nist: PolicyValidationPluginReport = { success: true, violations: [] };
  let nistResults: readonly RuleResult[] = [];
  if (options.nist ?? options.stage === 'prod') {
    const evidenceRules = new Set(controls.flatMap((c) => c.rules.filter((r) => r.startsWith(`${NIST_PACK_NAME}-`))));
    const pack = new StagedNistChecks(undefined, { stage: options.stage, evidenceRules, verbose: options.verbose });
    nist = pack.validateScope(scope);
    nistResults = pack.results;
  }

  const checks = new ReadinessChecks(undefined, { stage: options.stage, config: options.config, rules, settings, verbose: options.verbose });
  const readiness = checks.validateScope(scope);
  const activeScopeRules = checks.rules.filter((r): r is ScopeRule => r.kind === 'scope');
  const scoped = runScopeRules(scope, activeScopeRules, context);
  const results = [...checks.results, ...scoped.results, ...awsResults, ...nistResults];

  const found = collectWaivers(scope);
  const waiverCheck = checkWaivers(found, results, options.stage, now, controls, waiverHorizonDays(options.stage, options.config));
  // A rule of a control acknowledged without waive() has no owner and no expiry: an error (Readiness
  // rules in every stage, the control's AwsSolutions/NIST rules in prod), and the report shows its
  // finding as missing, not waived.
  const ackCheck = checkAcknowledgments(scope, controls, options.stage);
  const reported = results.map((r) =>
    r.acknowledged && needsWaiver(r.ruleId, controls) && !isCoveredByWaiver(r, found) ? { ...r, acknowledged: false } : r,
  );

  // Attestations name catalogue controls that are attested; anything else is a typo.
  const attestationViolations: PolicyViolation[] = Object.keys(declared.attestations ?? {})
    .filter((id) => controlById(id, controls)?.verification !== 'attested')
    .map((id) => ({
      ruleName: 'Readiness-ATTESTATION-UNKNOWN',
      description: `attestations["${id}"] names no attested control of the catalogue; use the control ID of an attested control.`,
      severity: 'warning',
      violatingResources: [{ constructPath: pathOf(scope), locations: [`attestations.${id}`] }],
    }));
  // Attestations passed straight to enforceReadiness meet the bar of the config validation.
  for (const [id, attestation] of Object.entries(declared.attestations ?? {})) {
    const problems = attestationProblems(attestation, now);
    if (problems.length === 0) continue;
    attestationViolations.push({
      ruleName: 'Readiness-ATTESTATION-INVALID',
      description: `attestations["${id}"] cannot be trusted: ${problems.join('; ')}. The control is reported missing.`,
      fix: 'Give an owner, an https evidence URL on a real host, the calendar date it was attested (not in the future) and "ready" or "conditional" with a reason.',
      severity: 'error',
      violatingResources: [{ constructPath: pathOf(scope), locations: [`attestations.${id}`] }],
    });
  }
  for (const id of Object.keys(declared.notApplicable ?? {})) {
    if (controlById(id, controls)) continue;
    attestationViolations.push({
      ruleName: 'Readiness-NOT-APPLICABLE-UNKNOWN',
      description: `notApplicable["${id}"] names no control of the catalogue; use a control ID.`,
      severity: 'warning',
      violatingResources: [{ constructPath: pathOf(scope), locations: [`notApplicable.${id}`] }],
    });
  }

  const resources = scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
  const sectionContext = { stage: options.stage, config: options.config, results: reported };
  const sections: ReportSection[] = [];
  for (const provider of [...REPORT_SECTIONS, ...(options.sections ?? [])]) {
    try {
      const s = provider(scope, sectionContext);
      if (s) sections.push(...(Array.isArray(s) ? s : [s as ReportSection]));
    } catch (e) {
      sections.push({ title: 'Section failed', markdown: `A report section provider failed: ${(e as Error)?.message ?? String(e)}` });
    }
  }

  const built = buildReport({
    scope,
    stage: options.stage,
    config: declared,
    controls,
    results: reported,
    activeRules: new Set(checks.rules.map(ruleIdOf)),
    waivers: [...waiverCheck.records, ...ackCheck.records],
    sections,
    resources,
    now,
    launchGate: options.gate === 'launch',
    rules: checks.rules,
  });

  // A declaration on a control that has something to check hides nothing, but it is stale: say so.
  for (const c of built.controls) {
    if (declared.notApplicable?.[c.id] && c.status !== 'not-applicable') {
      attestationViolations.push({
        ruleName: 'Readiness-NOT-APPLICABLE-STALE',
        description: `notApplicable["${c.id}"] is declared, but ${c.id} has something to check in this scope (status ${c.status}): remove the declaration.`,
        severity: 'warning',
        violatingResources: [{ constructPath: pathOf(scope), locations: [`notApplicable.${c.id}`] }],
      });
    }
  }

  const launchViolations: PolicyViolation[] =
    options.gate === 'launch' && built.gate && built.gate.blocking.length > 0
      ? [
          {
            ruleName: 'Readiness-LAUNCH-GATE',
            description:
              `Launch gate: Critical controls are missing, or not applicable without a declaration (notApplicable in the stage config): ` +
              `${built.gate.blocking.join(', ')}. See the readiness report for each control's reason.`,
            severity: 'error',
            violatingResources: [{ constructPath: pathOf(scope), locations: [...built.gate.blocking] }],
          },
        ]
      : [];

  const scopeRules = report([...scoped.violations, ...attestationViolations]);
  const waivers = report([...waiverCheck.violations, ...ackCheck.violations]);
  const launch = report(launchViolations);
  const errors = new Map<string, number>();
  for (const r of [awsSolutions, nist, readiness, scopeRules, waivers, launch]) {
    for (const v of r.violations) {
      if (v.severity === 'error') errors.set(v.ruleName, (errors.get(v.ruleName) ?? 0) + Math.max(1, v.violatingResources.length));
    }
  }
  const total = [...errors.values()].reduce((a, b) => a + b, 0);
  const where = scope.node.path ? `'${scope.node.path}/**'` : `'**'`;
  const summary = report(
    total === 0
      ? []
      : [
          {
            ruleName: 'Readiness-GATE',
            description:
              `Readiness gate (${options.stage}, scope ${scope.node.path || 'app'}): ${total} unacknowledged error${total === 1 ? '' : 's'}: ` +
              `${[...errors.entries()].map(([id, n]) => `${id} x${n}`).join(', ')}. ` +
              `See each finding with \`cdk synth ${where}\` and the report in <outdir>/readiness/${options.stage}.md.`,
            severity: 'error',
            violatingResources: [],
          },
        ],
  );

  // The report's gate is the synth outcome: it fails exactly when the summary error fails synth.
  const finalReport: ReadinessReport = {
    ...built,
    profiles: [...(options.profiles ?? CONTROL_PROFILES)],
    gate: { launch: options.gate === 'launch', passed: total === 0, blocking: built.gate?.blocking ?? [], errors: Object.fromEntries(errors) },
  };
  return {
    awsSolutions,
    nist,
    readiness,
    scopeRules,
    waivers,
    launch,
    summary,
    results,
    report: finalReport,
  };
}

/**
 * Writes `<outdir>/readiness/<stage>.json`, `.md` and `.junit.xml`, and with the run that produced the
 * report also `<stage>.sarif` (SARIF 2.1.0, every finding at its source line); returns the paths.
 */
export function writeReport(
  outdir: string,
  readinessReport: ReadinessReport,
  run?: { readonly scope: IConstruct; readonly evaluation: SarifInputs; readonly sarif?: SarifOptions },
): { json: string; markdown: string; junit: string; sarif?: string } {
  const dir = path.join(outdir, 'readiness');
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${readinessReport.stage}.json`);
  const markdown = path.join(dir, `${readinessReport.stage}.md`);
  const junit = path.join(dir, `${readinessReport.stage}.junit.xml`);
  fs.writeFileSync(json, JSON.stringify(readinessReport, undefined, 2) + '\n');
  fs.writeFileSync(markdown, renderMarkdown(readinessReport) + '\n');
  fs.writeFileSync(junit, renderJunit(readinessReport));
  if (!run) return { json, markdown, junit };
  const sarif = path.join(dir, `${readinessReport.stage}.sarif`);
  fs.writeFileSync(sarif, JSON.stringify(buildSarif(run.scope, run.evaluation, run.sarif), undefined, 2) + '\n');
  return { json, markdown, junit, sarif };
}

/**
 * How to waive a finding of a control's rule: the CLI suggests `Acknowledge with 'Readiness::...'`,
 * which the gate rejects (no owner, no expiry). Undefined for rules no control is decided by.
 */
export function waiveHint(ruleName: string, constructPath: string, stage: StageName, config?: StageConfig, controls = buildCatalogue()): string | undefined {
  const base = ruleName.replace(/\[.*\]$/, '');
  const control = controls.find((c) => c.rules.includes(base));
  if (!control) return undefined;
  const days = waiverHorizonDays(stage, config);
  const critical = stage === 'prod' && control.severity === 'Critical';
  return critical
    ? `fix it: ${control.id} is Critical and cannot be waived in prod`
    : `instead of acknowledging, waive(<construct at ${constructPath}>, { control: '${control.id}', reason, owner, expires: 'YYYY-MM-DD' }) ` +
        `(import { waive } from the readiness library; expires within ${days} days)`;
}

/** Every unacknowledged error of a run, one line each, for a terminal, with how to waive a control's finding. */
export function errorListing(scope: IConstruct, stage: StageName, evaluation: ReadinessEvaluation, reportPath?: string, config?: StageConfig): string {
  const lines: string[] = [];
  let count = 0;
  for (const r of [evaluation.awsSolutions, evaluation.nist, evaluation.readiness, evaluation.scopeRules, evaluation.waivers, evaluation.launch]) {
    for (const v of r.violations) {
      if (v.severity !== 'error') continue;
      for (const res of v.violatingResources) {
        count++;
        lines.push(`  ${v.ruleName}  ${res.constructPath ?? ''}  ${v.description}`);
        const hint = res.constructPath ? waiveHint(v.ruleName, res.constructPath, stage, config) : undefined;
        if (hint) lines.push(`      -> ${hint}`);
      }
    }
  }
  const where = scope.node.path ? `'${scope.node.path}/**'` : `'**'`;
  return (
    `\nReadiness gate (${stage}, scope ${scope.node.path || 'app'}): ${count} unacknowledged error${count === 1 ? '' : 's'}\n` +
    `${lines.join('\n')}\n` +
    (reportPath ? `Report: ${reportPath}\n` : '') +
    `Details per finding: cdk synth ${where}\n`
  );
}

/** Handle returned by `enforceReadiness`. */
export class ReadinessGate {
  private current?: ReadinessEvaluation;

  constructor(public readonly scope: App | Stage, public readonly options: EnforceReadinessOptions) {}

  /** Runs every check on the scope now (without synthesizing). */
  public evaluate(): ReadinessEvaluation {
    return evaluateReadiness(this.scope, this.options);
  }

  /** The evaluation of the current synth; computed once by the first plugin, dropped by the last. */
  public run(): ReadinessEvaluation {
    this.current ??= this.evaluate();
    return this.current;
  }

  /** Called by the report writer, the last plugin of the scope. */
  public finish(): ReadinessEvaluation {
    const evaluation = this.run();
    this.current = undefined;
    const outdir = (this.scope.node.root as Stage).outdir;
    const written = this.options.writeReport ?? true ? writeReport(outdir, evaluation.report, { scope: this.scope, evaluation }) : undefined;
    // When the CLI reports validation itself it prints only findings in the stacks it selected
    // (top-level ones by default), so findings in nested stages would fail synth silently.
    const cliReports = [false, 'false'].includes(this.scope.node.tryGetContext(FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT));
    if (cliReports && evaluation.summary.violations.length > 0) {
      process.stderr.write(errorListing(this.scope, this.options.stage, evaluation, written?.markdown, this.options.config));
    }
    return evaluation;
  }
}

class GatePlugin implements IPolicyValidationPlugin {
  public readonly version = '1.0.0';
  constructor(
    public readonly name: string,
    private readonly pick: (gate: ReadinessGate) => PolicyValidationPluginReport,
    private readonly gate: ReadinessGate,
  ) {}

  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    // cdk-nag reports failure on warnings too; only errors fail the gate (dev and staging warn).
    return report([...this.pick(this.gate).violations]);
  }
}

/**
 * Makes `cdk synth` of `scope` fail when a readiness control is missing. Works on any app (it reads
 * the synthesized resources, whatever construct made them) and covers stacks nested in Stages.
 * Registers, in order: AwsSolutions, Readiness, ReadinessScope (scope rules), ReadinessWaivers,
 * ReadinessReport (writes the report; with `gate: 'launch'`, fails on missing Critical controls).
 */
export function enforceReadiness(scope: App | Stage, options: EnforceReadinessOptions): ReadinessGate {
  // Fails at once, not with silently empty cdk-nag reports, when the app and this library disagree on aws-cdk-lib.
  assertSingleAwsCdkLib(scope);
  // The data file is read once, now: a bad file fails before synth with its path and problems.
  const gate = new ReadinessGate(scope, resolveReadinessOptions(options));
  const plugins: IPolicyValidationPlugin[] = [];
  // Plugin names equal the pack names so that CDK's suggested `Pack::Rule` acknowledgment also applies.
  if (options.awsSolutions ?? true) plugins.push(new GatePlugin('AwsSolutions', (g) => g.run().awsSolutions, gate));
  if (options.nist ?? options.stage === 'prod') plugins.push(new GatePlugin(NIST_PACK_NAME, (g) => g.run().nist, gate));
  plugins.push(
    new GatePlugin('Readiness', (g) => g.run().readiness, gate),
    new GatePlugin('ReadinessScope', (g) => g.run().scopeRules, gate),
    new GatePlugin('ReadinessWaivers', (g) => g.run().waivers, gate),
    new GatePlugin('ReadinessReport', (g) => {
      const { launch, summary } = g.finish();
      return report([...launch.violations, ...summary.violations]);
    }, gate),
  );
  if (options.controlTower) plugins.push(controlTowerPlugin(scope));
  Validations.of(scope).addPlugins(...plugins);
  return gate;
}
