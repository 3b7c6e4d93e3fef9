/**
 * The vocabulary of readiness: controls in the catalogue, and the report a synth writes.
 * The report JSON is read back by `readiness verify`, so its shape is versioned.
 */
import { AttestationConfig, StageName } from '../config/stage-config';

export type Severity = 'Critical' | 'High' | 'Medium' | 'Low';

/** How a control is proven: a rule over the synthesized templates, the deployed account, or a person's attestation. */
export type Verification = 'synth' | 'live' | 'attested';

/**
 * `not-applicable`: nothing in scope for the control's rules to check (never counted as ready; the
 * launch gate accepts it for a Critical control only when the stage config declares it).
 */
export type ControlStatus = 'ready' | 'conditional' | 'missing' | 'not-applicable';

/** Report sections, one table each in the Markdown report (gap-analysis chapters). */
export type ControlArea =
  | 'Infrastructure'
  | 'Security'
  | 'Performance & Scalability'
  | 'Reliability & Monitoring'
  | 'Compliance & Legal'
  | 'Feature Completion'
  | 'Testing'
  | 'Documentation'
  | 'Operational Readiness'
  | 'Business Readiness';

export interface ReadinessControl {
  /** Stable ID, e.g. `DB-HA`. A synth control's rule is `Readiness-<ruleSuffix>`. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly area: ControlArea;
  /** Who answers for the control (the seeds' wording). */
  readonly owner: string;
  /** What goes wrong without it (the seeds' wording). */
  readonly risk: string;
  readonly verification: Verification;
  /** Gap-analysis sections it answers, e.g. `['1.2']`, or the seeds' readiness page path. */
  readonly sources: readonly string[];
  /** Rule IDs (`Readiness-DB-HA`, `AwsSolutions-...`) whose results decide a synth control. Empty: not yet enforced. */
  readonly rules: readonly string[];
  /** Test files that prove the rules (cited as evidence). */
  readonly tests: readonly string[];
  /**
   * A synth control's part that no template can prove (post-incident reviews held, commanders trained):
   * it also needs an attestation in the stage config, and is missing without one.
   */
  readonly attestedPart?: string;
  /** Also needs a live check by `readiness verify` before it is fully ready. */
  readonly liveCheck?: 'alarms' | 'secret-rotation';
  /**
   * CloudFormation types the control is about beyond those its rules read (`AWS::MemoryDB::Cluster`
   * for CACHE-HA): a resource of one of them that no Readiness rule of the control evaluated makes
   * the control missing ("not understood").
   */
  readonly aboutTypes?: readonly string[];
}

export const REPORT_SCHEMA_VERSION = 1;

export type { EvidenceItem } from '../aspects/analysis/evidence';
import type { EvidenceItem } from '../aspects/analysis/evidence';

export interface WaiverRecord {
  readonly control: string;
  readonly ruleId: string;
  readonly constructPath: string;
  readonly reason: string;
  readonly owner: string;
  /** ISO date (YYYY-MM-DD). */
  readonly expires: string;
  /** Why the waiver itself fails the gate (expired, matches no finding, short reason, Critical in prod). Empty: valid. */
  readonly problems: readonly string[];
}

export interface ControlReport {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly area: ControlArea;
  readonly owner: string;
  readonly risk: string;
  readonly verification: Verification;
  readonly status: ControlStatus;
  /** One line: why this status. */
  readonly statusReason: string;
  readonly evidence: readonly EvidenceItem[];
  /** Findings that keep it from ready (rule ID + construct path + message). */
  readonly findings: readonly { ruleId: string; constructPath: string; message: string; level: 'error' | 'warning' }[];
  readonly tests: readonly string[];
  readonly waivers: readonly WaiverRecord[];
  readonly sources: readonly string[];
  /** The attestation from the stage config, for attested controls that have one. */
  readonly attestation?: AttestationConfig;
  /** True when the control's rules found no resource to check in this scope (status `not-applicable`). */
  readonly notApplicable?: boolean;
  /** The stage config's declaration that the control does not apply (Critical controls under the launch gate). */
  readonly notApplicableDeclaration?: { readonly owner: string; readonly reason: string };
  /** Resources of a type the control is about that none of its rules evaluated (`<type> <path>`). */
  readonly notUnderstood?: readonly string[];
  /**
   * What `readiness verify` must check live, with the logical IDs to look up. `security-baseline` and
   * `cost` (services the organization provides) list no resources: verify finds them in the account.
   */
  readonly live?: { readonly check: 'alarms' | 'secret-rotation' | 'security-baseline' | 'cost'; readonly resources: readonly EvidenceItem[] };
}

export interface ReadinessReport {
  readonly schemaVersion: number;
  readonly stage: StageName;
  /** Construct path of the stage (`Prod`) or `''` for a whole app. */
  readonly scopePath: string;
  readonly generatedAt: string;
  /** Control profiles the report covers (`core`, `marketplace`); absent in reports of older versions. */
  readonly profiles?: readonly string[];
  readonly summary: {
    readonly total: number;
    readonly byStatus: Readonly<Record<ControlStatus, number>>;
    readonly bySeverity: Readonly<Record<Severity, Readonly<Record<ControlStatus, number>>>>;
  };
  readonly controls: readonly ControlReport[];
  /** Every waiver in scope, valid or not (always written by the gate; optional for older readers). */
  readonly waivers?: readonly WaiverRecord[];
  /**
   * The gate's outcome. `passed` is the synth outcome: false when any check of the run has an error
   * (rule findings, waiver problems, and with `launch` the blocking Critical controls). `blocking`:
   * Critical controls that block the launch gate (missing, or not applicable without a declaration).
   */
  readonly gate?: {
    readonly launch: boolean;
    readonly passed: boolean;
    readonly blocking: readonly string[];
    /** Errors that fail synth, by rule ID (count of findings). */
    readonly errors?: Readonly<Record<string, number>>;
  };
  /** Extra sections contributed by areas (RTO/RPO table, capacity arithmetic, DR runbook, ...). */
  readonly sections: readonly { readonly title: string; readonly markdown: string; readonly data?: unknown }[];
}
