/**
 * The options of `enforceReadiness` and `evaluateReadiness`, and their defaults, resolved once
 * (the data file folded in, every defaulted switch decided) before any plugin runs.
 */
import { AttestationConfig, NotApplicableDeclaration, StageConfig, StageName } from '../config/stage-config';
import { ReadinessRule } from '../aspects/rule';
import { READINESS_RULES } from '../aspects/rules';
import { CONTROL_DEFINITIONS, ControlDefinition } from './catalogue';
import { ProvidedBaseline } from '../config/provided-baseline';
import { CustomControl, definitionOfCustomControl, findReadinessData, ReadinessTargets, targetsProblems } from './data-file';
import { ControlProfileName, CONTROL_PROFILES, definitionsOfProfiles } from './profiles';
import { ReportSectionProvider } from './sections/section';

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
   * Free-form settings custom rules read (`RuleContext.settings`); the stage config reaches rules as `RuleContext.config`.
   * @default - none
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
  /**
   * Account baseline services the organization or landing zone provides instead of the app: an
   * organization trail (`auditTrail`), GuardDuty (`threatDetection`), Security Hub (`securityHub`), cost
   * budgets (`budgets`), each with `providedBy`, an https `evidenceUrl` on a real host and the `date`
   * the evidence was checked (over the data file's `provided`). AUDIT-TRAIL, SECURITY-MONITORING and
   * COST then pass without those resources but stay `conditional` until `readiness verify` proves them
   * live. A declaration that cannot be trusted (placeholder host, no date) is an error and counts for nothing.
   * @default - the data file's `provided`, else none: the app creates the services itself
   */
  readonly provided?: ProvidedBaseline;
  /**
   * The stage's targets (over the data file's `targets.<stage>`): `targetConcurrentUsers`, the load every
   * user-facing ECS service must carry (Readiness-CAPACITY), and `recovery` (RPO / RTO per failure
   * scope), `dataSizeGiB` and `redeployMinutes` (Readiness-RTO-RPO). The stage config's `service.capacity`
   * and `dr` win when given. Bad values fail with the field, the value and the fix.
   * @default - the data file's `targets.<stage>`, else the stage defaults the report states: 10,000 users in prod and staging, 100 in dev; DEFAULT_RECOVERY_TARGETS; 200 GiB, 60 min
   */
  readonly targets?: ReadinessTargets;
}


/** The options after `resolveReadinessOptions`: every switch the evaluation reads is decided. */
export type ResolvedReadinessOptions = EnforceReadinessOptions &
  Required<Pick<EnforceReadinessOptions, 'awsSolutions' | 'nist' | 'rules' | 'writeReport' | 'profiles' | 'controls' | 'attestations' | 'notApplicable' | 'provided' | 'targets'>> & {
    readonly dataFile: false;
  };

/**
 * The options with the data file folded in: profiles, custom controls, attestations and
 * not-applicable declarations resolved (code over file), `dataFile: false`. Throws on an invalid file,
 * an unknown profile, or a custom control whose ID is taken.
 */
export function resolveReadinessOptions(options: EnforceReadinessOptions): ResolvedReadinessOptions {
  if (RESOLVED.has(options)) return options as ResolvedReadinessOptions;
  const found = findReadinessData(options.dataFile);
  const data = found?.data ?? {};
  const controls = [...(data.controls ?? []), ...(options.controls ?? [])];
  const where = (i: number) => (i < (data.controls ?? []).length ? `${found?.file}: $.controls[${i}]` : `controls[${i - (data.controls ?? []).length}]`);
  const problems: string[] = [];
  controls.forEach((c, i) => {
    if (CONTROL_DEFINITIONS.some((d) => d.id === c.id)) problems.push(`${where(i)}.id = "${c.id}" is a catalogue control. Fix: pick another ID; to add evidence for it use attestations.`);
    else if (controls.findIndex((o) => o.id === c.id) < i) problems.push(`${where(i)}.id = "${c.id}" is declared twice. Fix: keep one.`);
  });
  const targetProblems = targetsProblems('targets', options.targets);
  if (targetProblems.length > 0) throw new Error(`enforceReadiness targets are invalid:\n${targetProblems.map((p) => `  ${p}`).join('\n')}`);
  if (problems.length > 0) throw new Error(`Custom readiness controls are invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const resolved: ResolvedReadinessOptions = {
    ...options,
    dataFile: false,
    awsSolutions: options.awsSolutions ?? true,
    nist: options.nist ?? options.stage === 'prod',
    rules: options.rules ?? READINESS_RULES,
    writeReport: options.writeReport ?? true,
    profiles: options.profiles ?? data.profiles ?? CONTROL_PROFILES,
    controls,
    attestations: { ...data.attestations, ...options.config?.attestations, ...options.attestations },
    notApplicable: { ...data.notApplicable, ...options.config?.notApplicable, ...options.notApplicable },
    provided: { ...data.provided, ...options.provided },
    targets: { ...data.targets?.[options.stage], ...options.targets },
  };
  RESOLVED.add(resolved);
  return resolved;
}
const RESOLVED = new WeakSet<EnforceReadinessOptions>();

/** The catalogue definitions a run reports on: its profiles' controls, then the custom ones. */
export function definitionsFor(options: EnforceReadinessOptions): ControlDefinition[] {
  return [...definitionsOfProfiles(options.profiles), ...(options.controls ?? []).map(definitionOfCustomControl)];
}

