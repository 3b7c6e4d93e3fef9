/**
 * The live report: the synth report with the deployed account's evidence merged into each control
 * that has a live check. Written as `<stage>.live.json` beside the synth report.
 */
import { ControlReport, ControlStatus, ReadinessReport } from '../readiness/types';

export const LIVE_REPORT_SCHEMA_VERSION = 1;

/** The checks the synth report asks for (`alarms`, `secret-rotation`) and those the command adds by control. */
export type LiveCheck =
  | 'alarms'
  | 'secret-rotation'
  | 'restore-tests'
  | 'backup-copies'
  | 'failover-drills'
  | 'canaries'
  | 'security-baseline'
  | 'cost'
  | 'slo';

/** `unknown`: the check could not run (access denied, region not enabled, throttled); the API error code says why. */
export type LiveStatus = ControlStatus | 'unknown';

/** One declared resource as found (or not) in the deployed account. */
export interface LiveResourceResult {
  readonly logicalId: string;
  readonly stackName: string;
  readonly resourceType: string;
  readonly region: string;
  /** Alarm name, topic ARN or secret ARN; absent when the resource is not deployed. */
  readonly physicalId?: string;
  readonly status: ControlStatus;
  /** One line: why this status. */
  readonly reason: string;
  /** Construct path of the declared resource, when the report or the assembly names it. */
  readonly constructPath?: string;
  /** ISO time of the live evidence (last restore job, last drill, last rotation, ...), when there is one. */
  readonly evidenceAt?: string;
}

export interface LiveControlResult {
  readonly check: LiveCheck;
  readonly status: LiveStatus;
  readonly statusReason: string;
  /** ISO timestamp of the check. */
  readonly checkedAt: string;
  readonly resources: readonly LiveResourceResult[];
  /** The API error code when the status is `unknown`. */
  readonly errorCode?: string;
}

/** An alarm in the account that notifies the stage's on-call topic but is not declared in its templates. */
export interface DriftAlarm {
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly region: string;
  readonly state?: string;
  /** The on-call topic it notifies. */
  readonly topicArn: string;
}

export interface LiveControlReport extends ControlReport {
  /** The status the synth report gave, before live evidence was merged. */
  readonly synthStatus: ControlStatus;
  /** Present on controls with a live check. */
  readonly liveResult?: LiveControlResult;
}

export interface LiveReadinessReport extends Omit<ReadinessReport, 'controls' | 'summary'> {
  readonly liveSchemaVersion: number;
  readonly summary: ReadinessReport['summary'];
  readonly controls: readonly LiveControlReport[];
  readonly live: {
    readonly verifiedAt: string;
    readonly regions: readonly string[];
    /** Merged statuses (synth and live) of the controls with a live check: the exit code follows these. */
    readonly byStatus: Readonly<Record<ControlStatus, number>>;
    readonly drift: readonly DriftAlarm[];
    /** Controls whose live check could not run (status `unknown`): not proven, so the exit code is 1. */
    readonly unknown: readonly string[];
    /** Conditions worth a line of their own (stacks not deployed, ...). */
    readonly notes: readonly string[];
  };
}
