/**
 * One evaluation of a scope: the AwsSolutions and NIST packs, the Readiness pack and its scope rules,
 * waivers and acknowledgments, declarations, report sections, the report, and the gate's verdicts.
 * Every plugin of the gate reads the same evaluation; tests and tools call `evaluateReadiness`.
 */
import { CfnResource, PolicyValidationPluginReport, PolicyViolation, Stage } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { waiverHorizonDays } from '../config/readiness-policy';
import { PROVIDED_BASELINE_SETTING, PROVIDED_SERVICES, ProvidedBaseline, ProvidedService, trustedProvidedBaseline } from '../config/provided-baseline';
import { providedBaseline } from '../aspects/analysis/helpers';
import { isAcknowledged } from '../aspects/acknowledgments';
import { StagedAwsSolutionsChecks } from '../aspects/aws-solutions';
import { NIST_PACK_NAME, StagedNistChecks } from '../aspects/nist-800-53';
import { levelFor } from '../aspects/levels';
import { ReadinessChecks } from '../aspects/readiness-checks';
import { RuleResult } from '../aspects/results';
import { RuleContext, ruleIdOf, ScopeRule } from '../aspects/rule';
import { RuleRunOptions, withRuleCaches } from '../aspects/rule-helpers';
import { buildCatalogue } from './catalogue';
import { declarationViolations, staleDeclarations } from './declarations';
import { errorCounts, gateSummary, launchViolations, policyReport } from './launch-gate';
import { definitionsFor, EnforceReadinessOptions, resolveReadinessOptions, ResolvedReadinessOptions } from './options';
import { goNoGoSection } from './go-no-go';
import { buildReport } from './report';
import { SarifInputs } from './sarif';
import { REPORT_SECTIONS } from './sections';
import { ReportSection, ReportSectionContext } from './sections/section';
import { assertSingleAwsCdkLib } from './single-copy';
import { ReadinessControl, ReadinessReport } from './types';
import { checkAcknowledgments, checkWaivers, collectWaivers, isCoveredByWaiver, needsWaiver } from './waivers';

/** Everything one run found, for the plugins and for tests. */
export interface ReadinessEvaluation extends SarifInputs {
  /**
   * One error without a construct when any check above has an error. The CLI filters findings by
   * the stacks it selected (top-level ones, unless `'Stage/*'` is given), so findings in stacks
   * nested in Stages would not fail a plain `cdk synth`; a finding without a construct is never filtered.
   */
  readonly summary: PolicyValidationPluginReport;
  readonly results: readonly RuleResult[];
  readonly report: ReadinessReport;
}

/**
 * Evaluates every check of the gate on `scope` without synthesizing (tests and tools call this). The gate
 * passes `run.templatePaths` (the templates its synth has just written) so that resources are read from them.
 */
export function evaluateReadiness(scope: IConstruct, options: EnforceReadinessOptions, run: RuleRunOptions = {}): ReadinessEvaluation {
  assertSingleAwsCdkLib(scope);
  const resolved = resolveReadinessOptions(options);
  return withRuleCaches(() => evaluate(scope, resolved), run);
}

function pathOf(scope: IConstruct): string {
  // CDK's report needs a construct path; the root app's is empty.
  return scope.node.path || scope.node.children.find((c) => Stage.isStage(c) || c.node.children.length > 0)?.node.path || '/';
}

const PASSED: PolicyValidationPluginReport = { success: true, violations: [] };

/** The AwsSolutions and NIST packs (each when switched on), with every result kept as evidence. */
function runBaselinePacks(scope: IConstruct, options: ResolvedReadinessOptions, controls: readonly ReadinessControl[]) {
  const packRules = (keep: (ruleId: string) => boolean) => new Set(controls.flatMap((c) => c.rules.filter(keep)));
  const stage = options.stage;
  const aws = options.awsSolutions
    ? new StagedAwsSolutionsChecks(undefined, { stage, evidenceRules: packRules((r) => !r.startsWith('Readiness-')), verbose: options.verbose })
    : undefined;
  const nist = options.nist
    ? new StagedNistChecks(undefined, { stage, evidenceRules: packRules((r) => r.startsWith(`${NIST_PACK_NAME}-`)), verbose: options.verbose })
    : undefined;
  return {
    awsSolutions: aws?.validateScope(scope) ?? PASSED,
    nist: nist?.validateScope(scope) ?? PASSED,
    results: [...(aws?.results ?? []), ...(nist?.results ?? [])],
  };
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

function runSections(scope: IConstruct, options: ResolvedReadinessOptions, context: ReportSectionContext): ReportSection[] {
  const sections: ReportSection[] = [];
  for (const provider of [...REPORT_SECTIONS, ...(options.sections ?? [])]) {
    try {
      const s = provider(scope, context);
      if (s) sections.push(...(Array.isArray(s) ? s : [s as ReportSection]));
    } catch (e) {
      sections.push({ title: 'Section failed', markdown: `A report section provider failed: ${(e as Error)?.message ?? String(e)}` });
    }
  }
  return sections;
}

/**
 * The verify check of each control that services the organization provides count for: declared through
 * `provided`, or the stage config's `security.baseline` with mode `provided` (security monitoring).
 */
function providedLiveChecks(provided: ProvidedBaseline, context: RuleContext): Record<string, 'security-baseline' | 'cost'> {
  const out: Record<string, 'security-baseline' | 'cost'> = {};
  for (const key of Object.keys(provided) as ProvidedService[]) out[PROVIDED_SERVICES[key].control] = PROVIDED_SERVICES[key].liveCheck;
  // The stage config's provided baseline covers GuardDuty, Security Hub and the Access Analyzers, not the trail.
  if (providedBaseline(context)) out['SECURITY-MONITORING'] = 'security-baseline';
  return out;
}

function evaluate(scope: IConstruct, options: ResolvedReadinessOptions): ReadinessEvaluation {
  const now = options.now ?? new Date();
  const where = pathOf(scope);
  const controls = buildCatalogue(options.rules, definitionsFor(options));
  // Attestations and declarations from the data file, the config and code (rules still read `config` alone).
  const declared = { readiness: options.config?.readiness, attestations: options.attestations, notApplicable: options.notApplicable, provided: options.provided };
  // Only declarations that can be trusted reach the rules; the others are reported with the declarations.
  const provided = trustedProvidedBaseline(options.provided, now);
  const settings = {
    ...options.settings,
    [PROVIDED_BASELINE_SETTING]: provided,
    readinessTargets: options.targets,
    ...(options.customerManagedKeys ? { customerManagedKeys: options.customerManagedKeys } : {}),
  };

  const baseline = runBaselinePacks(scope, options, controls);
  const checks = new ReadinessChecks(undefined, { stage: options.stage, config: options.config, rules: options.rules, settings, verbose: options.verbose });
  const readiness = checks.validateScope(scope);
  const scoped = runScopeRules(scope, checks.rules.filter((r): r is ScopeRule => r.kind === 'scope'), checks.context);
  const results = [...checks.results, ...scoped.results, ...baseline.results];

  const found = collectWaivers(scope);
  const waiverCheck = checkWaivers(found, results, options.stage, now, controls, waiverHorizonDays(options.stage, options.config));
  // A rule of a control acknowledged without waive() has no owner and no expiry: an error (Readiness
  // rules in every stage, the control's AwsSolutions/NIST rules in prod), and the report shows its
  // finding as missing, not waived.
  const ackCheck = checkAcknowledgments(scope, controls, options.stage);
  const reported = results.map((r) =>
    r.acknowledged && needsWaiver(r.ruleId, controls) && !isCoveredByWaiver(r, found) ? { ...r, acknowledged: false } : r,
  );

  const built = buildReport({
    scope,
    stage: options.stage,
    config: declared,
    controls,
    results: reported,
    activeRules: new Set(checks.rules.map(ruleIdOf)),
    waivers: [...waiverCheck.records, ...ackCheck.records],
    sections: runSections(scope, options, { stage: options.stage, config: options.config, results: reported, settings }),
    resources: scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c)),
    now,
    launchGate: options.gate === 'launch',
    rules: checks.rules,
    providedLiveChecks: providedLiveChecks(provided, checks.context),
  });

  const scopeRules = policyReport([...scoped.violations, ...declarationViolations(declared, controls, now, where), ...staleDeclarations(declared, built.controls, where)]);
  const waivers = policyReport([...waiverCheck.violations, ...ackCheck.violations]);
  const launch = policyReport(launchViolations(options.gate === 'launch', built, where));
  const errors = errorCounts([baseline.awsSolutions, baseline.nist, readiness, scopeRules, waivers, launch]);

  // The report's gate is the synth outcome: it fails exactly when the summary error fails synth.
  const gated: ReadinessReport = {
    ...built,
    profiles: [...options.profiles],
    gate: { launch: options.gate === 'launch', passed: errors.size === 0, blocking: built.gate?.blocking ?? [], errors: Object.fromEntries(errors) },
  };
  // The launch gate adds the control room's go/no-go table (lib/readiness/go-no-go.ts).
  const report: ReadinessReport = options.gate === 'launch' ? { ...gated, sections: [...gated.sections, goNoGoSection(scope, gated)] } : gated;
  const summary = gateSummary(scope, options.stage, errors);
  return { awsSolutions: baseline.awsSolutions, nist: baseline.nist, readiness, scopeRules, waivers, launch, summary, results, report };
}
