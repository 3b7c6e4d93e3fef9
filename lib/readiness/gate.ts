/**
 * The readiness gate: `enforceReadiness(scope, { stage })` registers, on an App or a Stage, the
 * AwsSolutions pack, the Readiness pack, the scope rules, the waiver checks (waivers, and Readiness
 * rules acknowledged without `waive()`) and the report writer as CDK validation plugins. All of them
 * read one evaluation of *this* scope (CDK hands every plugin the root app, so each stage of an app
 * keeps its own levels and report). The evaluation is in `evaluation.ts`, the verdicts in
 * `launch-gate.ts`, the options in `options.ts` and the files in `report-files.ts`.
 */
import { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stage, Validations } from 'aws-cdk-lib';
import { FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { NIST_PACK_NAME } from '../aspects/nist-800-53';
import { controlTowerPlugin } from '../aspects/control-tower';
import { evaluateReadiness, ReadinessEvaluation } from './evaluation';
import { policyReport } from './launch-gate';
import { GoNoGo, renderGoNoGoText } from './go-no-go';
import { EnforceReadinessOptions, resolveReadinessOptions, ResolvedReadinessOptions } from './options';
import { errorListing, writeReport } from './report-files';
import { assertSingleAwsCdkLib } from './single-copy';

export { evaluateReadiness } from './evaluation';
export type { ReadinessEvaluation } from './evaluation';
export { resolveReadinessOptions } from './options';
export type { EnforceReadinessOptions, ResolvedReadinessOptions } from './options';
export { errorListing, waiveHint, writeReport } from './report-files';

export class ReadinessGate {
  private current?: ReadinessEvaluation;

  constructor(public readonly scope: App | Stage, public readonly options: ResolvedReadinessOptions) {}

  /**
   * Runs every check on the scope now (without synthesizing). `templatePaths`: templates the current
   * synth has just written, read instead of resolving their resources again.
   */
  public evaluate(templatePaths?: readonly string[]): ReadinessEvaluation {
    return evaluateReadiness(this.scope, this.options, { templatePaths });
  }

  /** The evaluation of the current synth; computed once by the first plugin, dropped by the last. */
  public run(templatePaths?: readonly string[]): ReadinessEvaluation {
    this.current ??= this.evaluate(templatePaths);
    return this.current;
  }

  /** Called by the report writer, the last plugin of the scope. */
  public finish(): ReadinessEvaluation {
    const evaluation = this.run();
    this.current = undefined;
    const outdir = (this.scope.node.root as Stage).outdir;
    const written = this.options.writeReport ? writeReport(outdir, evaluation.report, { scope: this.scope, evaluation }) : undefined;
    const goNoGoData = evaluation.report.sections.find((s) => s.title === 'Launch go/no-go')?.data as GoNoGo | undefined;
    if (goNoGoData) process.stderr.write(renderGoNoGoText(this.options.stage, goNoGoData));
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

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // The first plugin evaluates, reading the resources from the templates this synth has just written.
    this.gate.run(context.templatePaths);
    // cdk-nag reports failure on warnings too; only errors fail the gate (dev and staging warn).
    return policyReport([...this.pick(this.gate).violations]);
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
  const resolved = resolveReadinessOptions(options);
  const gate = new ReadinessGate(scope, resolved);
  const plugins: IPolicyValidationPlugin[] = [];
  // Plugin names equal the pack names so that CDK's suggested `Pack::Rule` acknowledgment also applies.
  if (resolved.awsSolutions) plugins.push(new GatePlugin('AwsSolutions', (g) => g.run().awsSolutions, gate));
  if (resolved.nist) plugins.push(new GatePlugin(NIST_PACK_NAME, (g) => g.run().nist, gate));
  plugins.push(
    new GatePlugin('Readiness', (g) => g.run().readiness, gate),
    new GatePlugin('ReadinessScope', (g) => g.run().scopeRules, gate),
    new GatePlugin('ReadinessWaivers', (g) => g.run().waivers, gate),
    new GatePlugin('ReadinessReport', (g) => {
      const { launch, summary } = g.finish();
      return policyReport([...launch.violations, ...summary.violations]);
    }, gate),
  );
  if (resolved.controlTower) plugins.push(controlTowerPlugin(scope));
  Validations.of(scope).addPlugins(...plugins);
  return gate;
}
