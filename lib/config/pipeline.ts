/**
 * The delivery pipeline's configuration: its own account (a tooling account, apart from the stages'),
 * the source connection, freeze windows and the bake time after prod. Placeholders: replace them (or
 * override them in bin/) before deploying. Synth reads nothing from AWS: the connection is an ARN.
 */
import { ValidationError, ValidationProblem } from '../validation/rule-table';

/** A period in which no prod deployment starts (holidays, launches, audits). */
export interface FreezeWindow {
  /** Start, ISO 8601 UTC (`2026-12-20T00:00:00Z`). */
  readonly start: string;
  /** End, ISO 8601 UTC, after `start`. */
  readonly end: string;
  /** Why, shown when the pipeline stops. */
  readonly reason: string;
}

export interface PipelineConfig {
  /** 12-digit account of the pipeline (a tooling account the stage accounts trust with `cdk bootstrap --trust`). */
  readonly account: string;
  /** Region of the pipeline. */
  readonly region: string;
  /** ARN of the CodeConnections (CodeStar) connection to the repository host. */
  readonly connectionArn: string;
  /** Repository, `owner/name`. */
  readonly repository: string;
  /** Branch that deploys. */
  readonly branch: string;
  /** No prod deployment starts inside these windows. */
  readonly freezeWindows: readonly FreezeWindow[];
  /** Minutes the pipeline watches the prod stage's critical alarms after deploying before it succeeds (0-180). */
  readonly bakeMinutes: number;
}

export const PIPELINE: PipelineConfig = {
  account: '444444444444',
  region: 'eu-west-1',
  connectionArn: 'arn:aws:codeconnections:eu-west-1:444444444444:connection/00000000-0000-0000-0000-000000000000',
  repository: 'example-org/readiness-stack',
  branch: 'main',
  freezeWindows: [{ start: '2026-12-19T00:00:00Z', end: '2027-01-04T00:00:00Z', reason: 'Year-end change freeze' }],
  bakeMinutes: 30,
};

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Throws one error listing every bad value of the pipeline config. */
export function validatePipelineConfig(config: PipelineConfig): void {
  const problems: ValidationProblem[] = [];
  if (!/^\d{12}$/.test(config.account)) problems.push({ field: 'account', value: config.account, fix: 'use a 12-digit account ID' });
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) problems.push({ field: 'region', value: config.region, fix: 'use a region code, e.g. eu-west-1' });
  if (!/^arn:aws[\w-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/.test(config.connectionArn)) {
    problems.push({ field: 'connectionArn', value: config.connectionArn, fix: 'use the ARN of a CodeConnections connection (arn:aws:codeconnections:<region>:<account>:connection/<id>)' });
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(config.repository)) problems.push({ field: 'repository', value: config.repository, fix: 'use owner/name' });
  if (!config.branch) problems.push({ field: 'branch', value: config.branch, fix: 'name the branch that deploys' });
  config.freezeWindows.forEach((w, i) => {
    if (!ISO_UTC.test(w.start) || !ISO_UTC.test(w.end) || Date.parse(w.end) <= Date.parse(w.start)) {
      problems.push({ field: `freezeWindows[${i}]`, value: `${w.start}..${w.end}`, fix: 'use ISO 8601 UTC times (YYYY-MM-DDThh:mm:ssZ) with end after start' });
    }
    if (!w.reason) problems.push({ field: `freezeWindows[${i}].reason`, value: w.reason, fix: 'say why deployments are frozen' });
  });
  if (!Number.isInteger(config.bakeMinutes) || config.bakeMinutes < 0 || config.bakeMinutes > 180) problems.push({ field: 'bakeMinutes', value: config.bakeMinutes, fix: 'use 0 to 180 minutes' });
  if (problems.length > 0) throw new ValidationError('Pipeline config', problems);
}
