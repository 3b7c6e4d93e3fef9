import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { BackupClient } from '@aws-sdk/client-backup';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, MetricAlarm, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { DescribeSecretResponse, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ControlReport, ControlStatus, ReadinessReport, Severity } from '../readiness/types';
import { ALARM_NAMES_PER_CALL, alarmMetricQueries, describeAlarmsByName, evaluateAlarm, findUndeclaredAlarms } from './alarms';
import { backupCopiesCheck, restoreTestsCheck } from './backup';
import { cacheAuthTokenRows } from './cache-auth';
import { canariesCheck } from './canaries';
import { CheckContext, CheckSettings, ControlCheck, DEFAULT_SETTINGS } from './checks';
import { mapLimit } from './concurrency';
import { costCheck } from './cost';
import { toVerifyError } from './errors';
import { failoverDrillsCheck, FisClient } from './fis';
import { listStackResources, makeInventory, reportConstructPaths, reportStacks } from './inventory';
import { getMetricValues, windowPeriodSeconds } from './metric-data';
import { securityBaselineCheck } from './security-baseline';
import { sloCheck } from './slo';
import { DEFAULT_ROTATION_GRACE_MS, describeSecret, evaluateSecretRotation } from './secrets';
import { lookupStack, StackLookup, unusableReason } from './stack-resources';
import {
  DriftAlarm,
  LIVE_REPORT_SCHEMA_VERSION,
  LiveCheck,
  LiveControlReport,
  LiveControlResult,
  LiveReadinessReport,
  LiveResourceResult,
} from './types';

export const ALARM_TYPE = 'AWS::CloudWatch::Alarm';
export const TOPIC_TYPE = 'AWS::SNS::Topic';
export const SECRET_TYPE = 'AWS::SecretsManager::Secret';
export const ROTATION_SCHEDULE_TYPE = 'AWS::SecretsManager::RotationSchedule';

/** One SDK client per service and region; tests pass clients mocked with aws-sdk-client-mock. */
export interface VerifyClients {
  cloudFormation(region: string): CloudFormationClient;
  cloudWatch(region: string): CloudWatchClient;
  secretsManager(region: string): SecretsManagerClient;
  backup(region: string): BackupClient;
  fis(region: string): FisClient;
  guardDuty(region: string): GuardDutyClient;
  securityHub(region: string): SecurityHubClient;
  accessAnalyzer(region: string): AccessAnalyzerClient;
  cloudTrail(region: string): CloudTrailClient;
  budgets(region: string): BudgetsClient;
  costExplorer(region: string): CostExplorerClient;
  elastiCache(region: string): ElastiCacheClient;
}

/** The checks that find their resources by type in the deployed stacks, in the order they run. */
export const CONTROL_CHECKS: readonly ControlCheck[] = [
  restoreTestsCheck,
  failoverDrillsCheck,
  securityBaselineCheck,
  canariesCheck,
  backupCopiesCheck,
  costCheck,
  sloCheck,
];

/** Every check `--checks` can name. */
export const ALL_CHECKS: readonly LiveCheck[] = ['alarms', 'secret-rotation', ...CONTROL_CHECKS.map((c) => c.check)];

export interface VerifyOptions {
  /** Region of resources whose evidence names none (`--region` or the SDK's default). */
  readonly defaultRegion: string;
  /** Named profile, only quoted in error messages (the clients already use it). @default - none */
  readonly profile?: string;
  /** @default - the system clock */
  readonly now?: () => Date;
  /** Slack after interval + rotation window before a rotation is overdue. @default - one day */
  readonly rotationGraceMs?: number;
  /** Called after each step (stack, alarm batch, topic, secret). @default - silent */
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /** Concurrent calls per service. @default 4 */
  readonly concurrency?: number;
  /** Checks to run. @default - all */
  readonly checks?: readonly LiveCheck[];
  /** Settings of the checks (windows, targets). @default DEFAULT_SETTINGS */
  readonly settings?: Partial<CheckSettings>;
  /** Construct paths by stack and logical ID, e.g. from the assembly's templates. @default - the report's evidence only */
  readonly constructPaths?: ReadonlyMap<string, string>;
  /** Called once per check group when it ends, with its counts. @default - silent */
  readonly onGroup?: (line: string) => void;
}

interface Target {
  readonly control: string;
  readonly check: LiveCheck;
  readonly logicalId: string;
  readonly stackName: string;
  readonly resourceType: string;
  readonly region: string;
  readonly constructPath?: string;
}

/**
 * Errors that stop the whole command (exit 2). Others in a check found by type make it unknown: an
 * opt-in region that is not enabled answers UnrecognizedClientException (invalid credentials) there only.
 */
const CREDENTIAL_ERRORS = new Set(['no-credentials', 'expired-credentials', 'usage']);

const RANK: Record<ControlStatus, number> = { 'ready': 0, 'not-applicable': 1, 'conditional': 2, 'missing': 3 };

export function worstStatus(statuses: readonly ControlStatus[]): ControlStatus {
  return statuses.reduce<ControlStatus>((worst, s) => (RANK[s] > RANK[worst] ? s : worst), 'ready');
}

/** Controls that `readiness verify` checks: those the report gives a live check, or marks `live`. */
export function liveControls(report: ReadinessReport): ControlReport[] {
  return report.controls.filter((c) => c.live !== undefined || c.verification === 'live');
}

const stackKey = (region: string, stackName: string): string => `${region}\u0000${stackName}`;

/** Checks every live control of the report against the deployed account and merges the results. */
export async function verifyReport(
  report: ReadinessReport,
  clients: VerifyClients,
  options: VerifyOptions,
): Promise<LiveReadinessReport> {
  const now = options.now ?? (() => new Date());
  const limit = options.concurrency ?? 4;
  const selected = (check: LiveCheck): boolean => options.checks === undefined || options.checks.includes(check);
  // A control whose live field names a by-control check (security-baseline, cost: services the organization
  // provides) has no resources to look up in the stacks: the check below finds them in the account.
  const byControl = new Set<LiveCheck>(CONTROL_CHECKS.map((c) => c.check));
  const controls = liveControls(report).filter((c) => selected(c.live?.check ?? 'alarms') && !byControl.has(c.live?.check ?? 'alarms'));
  const settings: CheckSettings = { ...DEFAULT_SETTINGS, ...options.settings };

  const targets: Target[] = [];
  const invalid = new Map<string, string>();
  for (const control of controls) {
    const check: LiveCheck = control.live?.check ?? 'alarms';
    for (const item of control.live?.resources ?? []) {
      if (!item.logicalId || !item.stackName) {
        invalid.set(control.id, `evidence ${item.constructPath} has no logical ID or stack name: synthesize again`);
        continue;
      }
      targets.push({
        control: control.id,
        check,
        logicalId: item.logicalId,
        stackName: item.stackName,
        resourceType: item.resourceType ?? 'unknown',
        region: item.region ?? options.defaultRegion,
        ...(item.constructPath ? { constructPath: item.constructPath } : {}),
      });
    }
  }

  const stacks = new Map<string, { region: string; stackName: string; logicalIds: Set<string> }>();
  for (const t of targets) {
    const key = stackKey(t.region, t.stackName);
    if (!stacks.has(key)) stacks.set(key, { region: t.region, stackName: t.stackName, logicalIds: new Set() });
    stacks.get(key)!.logicalIds.add(t.logicalId);
  }

  let done = 0;
  let total = stacks.size;
  const step = (label: string): void => {
    done += 1;
    options.onProgress?.(done, Math.max(done, total), label);
  };

  const lookups = new Map<string, StackLookup>();
  await mapLimit([...stacks.entries()], limit, async ([key, s]) => {
    const lookup = await lookupStack(clients.cloudFormation(s.region), s.stackName, [...s.logicalIds], {
      region: s.region,
      profile: options.profile,
    });
    lookups.set(key, lookup);
    step(`stack ${s.stackName}`);
  });

  const notes: string[] = [];
  for (const lookup of lookups.values()) {
    if (!lookup.deployed) notes.push(`${lookup.reason}: deploy it, or pass the --region it is deployed to.`);
  }
  notes.sort();

  // Resolve logical IDs; a resource that is not deployed is decided here.
  const physical = new Map<Target, string>();
  const undeployed = new Map<Target, string>();
  for (const t of targets) {
    const lookup = lookups.get(stackKey(t.region, t.stackName))!;
    if (!lookup.deployed) {
      undeployed.set(t, lookup.reason);
      continue;
    }
    const resource = lookup.resources.get(t.logicalId);
    const why = unusableReason(resource, t.stackName);
    if (why) undeployed.set(t, `${t.logicalId} ${why}`);
    else physical.set(t, resource!.physicalId!);
  }

  const regions = [...new Set(targets.map((t) => t.region))].sort();
  const alarmNamesByRegion = new Map<string, Set<string>>();
  const topicsByRegion = new Map<string, Set<string>>();
  const secretsByRegion = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, region: string, value: string): void => {
    if (!map.has(region)) map.set(region, new Set());
    map.get(region)!.add(value);
  };
  for (const [t, id] of physical) {
    if (t.resourceType === ALARM_TYPE) add(alarmNamesByRegion, t.region, id);
    else if (t.resourceType === TOPIC_TYPE) add(topicsByRegion, t.region, id);
    else if (t.resourceType === SECRET_TYPE || t.resourceType === ROTATION_SCHEDULE_TYPE) add(secretsByRegion, t.region, id);
  }
  const onCallTopics = new Set([...topicsByRegion.values()].flatMap((s) => [...s]));
  for (const region of regions) {
    total += Math.ceil((alarmNamesByRegion.get(region)?.size ?? 0) / ALARM_NAMES_PER_CALL);
    total += topicsByRegion.get(region)?.size ?? 0;
    total += secretsByRegion.get(region)?.size ?? 0;
  }

  const alarms = new Map<string, MetricAlarm>();
  const datapoints = new Map<string, number>();
  const drift: DriftAlarm[] = [];
  const secrets = new Map<string, DescribeSecretResponse | undefined>();
  for (const region of regions) {
    const ctx = { region, profile: options.profile };
    const names = [...(alarmNamesByRegion.get(region) ?? [])];
    if (names.length > 0) {
      const found = await describeAlarmsByName(clients.cloudWatch(region), names, ctx, () => step('alarms'));
      for (const [name, alarm] of found) alarms.set(`${region}\u0000${name}`, alarm);
      await countAlarmDatapoints(clients.cloudWatch(region), [...found.values()], now(), settings.sinceMs, ctx, datapoints, region);
    }
    const topics = [...(topicsByRegion.get(region) ?? [])];
    if (topics.length > 0) {
      drift.push(...(await findUndeclaredAlarms(clients.cloudWatch(region), topics, new Set(names), ctx, () => step('drift'))));
    }
    const secretIds = [...(secretsByRegion.get(region) ?? [])];
    await mapLimit(secretIds, limit, async (id) => {
      secrets.set(`${region}\u0000${id}`, await describeSecret(clients.secretsManager(region), id, ctx));
      step('secret');
    });
  }

  const checkedAt = now();
  const grace = options.rotationGraceMs ?? DEFAULT_ROTATION_GRACE_MS;
  const evaluate = (t: Target): LiveResourceResult => {
    const base = {
      logicalId: t.logicalId,
      stackName: t.stackName,
      resourceType: t.resourceType,
      region: t.region,
      ...(t.constructPath ? { constructPath: t.constructPath } : {}),
    };
    const notDeployed = undeployed.get(t);
    if (notDeployed !== undefined) return { ...base, status: 'missing', reason: notDeployed };
    const id = physical.get(t)!;
    const key = `${t.region}\u0000${id}`;
    switch (t.resourceType) {
      case ALARM_TYPE:
        return {
          ...base,
          physicalId: id,
          ...evaluateAlarm(alarms.get(key), id, onCallTopics, {
            now: checkedAt,
            factor: settings.silentFactor,
            windowMs: settings.sinceMs,
            datapoints: datapoints.get(key),
          }),
          ...(alarms.get(key)?.StateUpdatedTimestamp ? { evidenceAt: alarms.get(key)!.StateUpdatedTimestamp!.toISOString() } : {}),
        };
      case SECRET_TYPE:
      case ROTATION_SCHEDULE_TYPE:
        return {
          ...base,
          physicalId: id,
          ...evaluateSecretRotation(secrets.get(key), id, checkedAt, grace),
          ...(secrets.get(key)?.LastRotatedDate ? { evidenceAt: secrets.get(key)!.LastRotatedDate!.toISOString() } : {}),
        };
      case TOPIC_TYPE:
        return { ...base, physicalId: id, status: 'ready', reason: 'on-call topic is deployed' };
      default:
        return { ...base, physicalId: id, status: 'ready', reason: 'deployed (no live check for this resource type)' };
    }
  };

  const results = new Map<string, LiveControlResult>();
  for (const control of controls) {
    const check: LiveCheck = control.live?.check ?? 'alarms';
    const resources = targets.filter((t) => t.control === control.id).map(evaluate);
    results.set(control.id, {
      check,
      checkedAt: checkedAt.toISOString(),
      ...summarize(check, resources, invalid.get(control.id)),
      resources,
    });
  }

  const unknown: string[] = [];
  let checkContext: CheckContext | undefined;
  const context = async (): Promise<CheckContext> => {
    if (checkContext) return checkContext;
    const inventory = await buildInventory(report, clients, options, lookups, limit);
    const stageRegions = [...new Set([...inventory.stacks.map((s) => s.region), ...regions])].sort();
    checkContext = {
      now: checkedAt,
      settings,
      clients,
      inventory,
      regions: stageRegions.length > 0 ? stageRegions : [options.defaultRegion],
      profile: options.profile,
      concurrency: limit,
    };
    return checkContext;
  };
  const unknownResult = (check: LiveCheck, control: string, err: unknown): LiveControlResult => {
    const e = toVerifyError(err, { action: check, resource: control });
    if (CREDENTIAL_ERRORS.has(e.kind)) throw e;
    unknown.push(control);
    return {
      check,
      checkedAt: checkedAt.toISOString(),
      status: 'unknown',
      statusReason: `live check could not run: ${e.message}`,
      errorCode: e.apiErrorCode ?? e.kind,
      resources: [],
    };
  };

  // Secret rotation also proves the cache AUTH token changed on the cache itself.
  for (const c of controls.filter((x) => (x.live?.check ?? 'alarms') === 'secret-rotation')) {
    const r = results.get(c.id)!;
    try {
      const rows = await cacheAuthTokenRows(await context());
      if (rows.length > 0) {
        const resources = [...r.resources, ...rows];
        results.set(c.id, { ...r, ...summarize('secret-rotation', resources, invalid.get(c.id)), resources });
      }
    } catch (err) {
      results.set(c.id, unknownResult('secret-rotation', c.id, err));
    }
  }

  for (const c of controls) {
    const r = results.get(c.id)!;
    options.onGroup?.(`${r.check} (${c.id}): ${groupCounts(r)}`);
  }

  const extra = CONTROL_CHECKS.filter((c) => selected(c.check) && report.controls.some((x) => x.id === c.control) && !results.has(c.control));
  if (extra.length > 0) {
    const ctx = await context();
    for (const check of extra) {
      let result: LiveControlResult | undefined;
      try {
        const rows = await check.run(ctx);
        if (rows.length === 0) {
          notes.push(`${check.check} (${check.control}): the deployed stacks have no ${check.needs}, nothing to prove live.`);
        } else {
          result = { check: check.check, checkedAt: checkedAt.toISOString(), ...summarizeRows(rows), resources: rows };
        }
      } catch (err) {
        result = unknownResult(check.check, check.control, err);
      }
      if (result) results.set(check.control, result);
      options.onGroup?.(`${check.check} (${check.control}): ${result ? groupCounts(result) : 'nothing to check'}`);
      // Other controls whose live field names this check (AUDIT-TRAIL: the trail of the security baseline) share its result.
      for (const other of report.controls.filter((x) => x.live?.check === check.check && !results.has(x.id))) {
        if (result) results.set(other.id, result);
      }
    }
  }

  return mergeLiveResults(report, results, { verifiedAt: checkedAt, regions, drift, notes, unknown });
}

function groupCounts(r: LiveControlResult): string {
  if (r.status === 'unknown') return `unknown (${r.errorCode ?? 'error'})`;
  const n = (s: ControlStatus): number => r.resources.filter((x) => x.status === s).length;
  return `${r.resources.length} checked, ${n('ready')} ready, ${n('conditional')} conditional, ${n('missing')} missing`;
}

/** Sample counts of each alarm's metric(s) over the window, keyed like the alarms map; absent when not queried. */
async function countAlarmDatapoints(
  client: CloudWatchClient,
  found: readonly MetricAlarm[],
  end: Date,
  windowMs: number,
  ctx: { region: string; profile?: string },
  out: Map<string, number>,
  region: string,
): Promise<void> {
  const period = windowPeriodSeconds(windowMs);
  const byAlarm = new Map<string, MetricDataQuery[]>();
  found.forEach((a, i) => {
    const queries = alarmMetricQueries(a, `a${i}`, period);
    if (a.AlarmName && queries.length > 0) byAlarm.set(a.AlarmName, queries);
  });
  if (byAlarm.size === 0) return;
  const values = await getMetricValues(client, [...byAlarm.values()].flat(), new Date(end.getTime() - windowMs), end, {
    ...ctx,
    resource: `metrics of ${byAlarm.size} alarms`,
  });
  for (const [name, queries] of byAlarm) {
    const total = queries.reduce((sum, q) => sum + (values.get(q.Id!) ?? []).reduce((a, b) => a + b, 0), 0);
    out.set(`${region}\u0000${name}`, total);
  }
}

/** The stage's stacks with all their resources, reusing complete DescribeStackResources answers. */
async function buildInventory(
  report: ReadinessReport,
  clients: VerifyClients,
  options: VerifyOptions,
  lookups: ReadonlyMap<string, StackLookup>,
  limit: number,
) {
  const wanted = reportStacks(report, options.defaultRegion);
  for (const l of lookups.keys()) {
    const [region, stackName] = l.split('\u0000');
    if (!wanted.some((w) => w.region === region && w.stackName === stackName)) wanted.push({ region, stackName });
  }
  let accountId: string | undefined;
  const stacks = await mapLimit(wanted, limit, async (w) => {
    const cctx = { region: w.region, profile: options.profile };
    // DescribeStackResources answers a stack of fewer than 100 resources in one call; bigger ones are listed.
    const known = lookups.get(stackKey(w.region, w.stackName)) ?? (await lookupStack(clients.cloudFormation(w.region), w.stackName, [], cctx));
    if (known.deployed && known.stackId) accountId ??= known.stackId.split(':')[4];
    if (!known.deployed) return { ...w, resources: undefined };
    if (known.complete) return { ...w, resources: [...known.resources.values()] };
    const resources = await listStackResources(clients.cloudFormation(w.region), w.stackName, { region: w.region, profile: options.profile });
    return { ...w, resources };
  });
  if (!accountId) {
    for (const s of stacks) {
      for (const r of s.resources ?? []) {
        const m = /^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/.exec(r.physicalId ?? '');
        if (m) {
          accountId = m[1];
          break;
        }
      }
      if (accountId) break;
    }
  }
  const paths = new Map([...reportConstructPaths(report), ...(options.constructPaths ?? new Map())]);
  return makeInventory(stacks, paths, accountId);
}

function summarizeRows(resources: readonly LiveResourceResult[]): { status: ControlStatus; statusReason: string } {
  const status = worstStatus(resources.map((r) => r.status));
  if (status === 'ready') return { status, statusReason: `live: all ${resources.length} checked ready` };
  const bad = resources.filter((r) => r.status === status);
  const first = bad[0];
  const where = first.constructPath ?? `${first.stackName}/${first.logicalId}`;
  return { status, statusReason: `live: ${bad.length} of ${resources.length} ${status}; ${where} (${first.region}): ${first.reason}` };
}

function summarize(
  check: LiveCheck,
  resources: readonly LiveResourceResult[],
  invalid: string | undefined,
): { status: ControlStatus; statusReason: string } {
  const primary = check === 'alarms' ? [ALARM_TYPE] : [SECRET_TYPE, ROTATION_SCHEDULE_TYPE];
  if (invalid) return { status: 'missing', statusReason: invalid };
  if (!resources.some((r) => primary.includes(r.resourceType))) {
    const what = check === 'alarms' ? 'CloudWatch alarm' : 'Secrets Manager secret';
    return { status: 'missing', statusReason: `the report lists no ${what} to check live` };
  }
  const status = worstStatus(resources.map((r) => r.status));
  const counted = (s: ControlStatus): LiveResourceResult[] => resources.filter((r) => r.status === s);
  if (status === 'ready') return { status, statusReason: `live: all ${resources.length} resources ready` };
  const bad = counted(status);
  const first = bad[0];
  return {
    status,
    statusReason: `live: ${bad.length} of ${resources.length} ${status}; ${first.stackName}/${first.logicalId}: ${first.reason}`,
  };
}

const SEVERITIES: readonly Severity[] = ['Critical', 'High', 'Medium', 'Low'];

/**
 * A live result decides the control unless synth already found it missing, or it is conditional for a
 * reason other than the pending live check (a waiver, findings, an attestation marked conditional).
 */
export function mergeStatus(control: ControlReport, live: LiveControlResult | undefined): ControlStatus {
  if (!live) return control.status;
  if (control.status === 'missing' || live.status === 'missing') return 'missing';
  // Unknown is not proven: conditional in the report, and the exit code is 1.
  if (live.status === 'conditional' || live.status === 'unknown') return 'conditional';
  // Nothing to check at synth stays so: a live pass does not make it ready.
  if (control.status === 'not-applicable') return 'not-applicable';
  const attestation = (control as { attestation?: { status?: string } }).attestation;
  const otherReason = control.waivers.length > 0 || control.findings.length > 0 || attestation?.status === 'conditional';
  if (control.status === 'conditional' && otherReason) return 'conditional';
  return 'ready';
}

export function mergeLiveResults(
  report: ReadinessReport,
  results: ReadonlyMap<string, LiveControlResult>,
  live: { verifiedAt: Date; regions: readonly string[]; drift: readonly DriftAlarm[]; notes: readonly string[]; unknown?: readonly string[] },
): LiveReadinessReport {
  const controls: LiveControlReport[] = report.controls.map((c) => {
    const liveResult = results.get(c.id);
    if (!liveResult) return { ...c, synthStatus: c.status };
    const status = mergeStatus(c, liveResult);
    const statusReason =
      status === c.status && status !== 'ready' && liveResult.status === 'ready' ? c.statusReason : liveResult.statusReason;
    return { ...c, synthStatus: c.status, status, statusReason, liveResult };
  });
  const byStatus = (list: readonly { status: ControlStatus }[]): Record<ControlStatus, number> => {
    const counts: Record<ControlStatus, number> = { 'ready': 0, 'conditional': 0, 'missing': 0, 'not-applicable': 0 };
    for (const c of list) counts[c.status] += 1;
    return counts;
  };
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, byStatus(controls.filter((c) => c.severity === s))]),
  ) as Record<Severity, Record<ControlStatus, number>>;
  return {
    ...report,
    liveSchemaVersion: LIVE_REPORT_SCHEMA_VERSION,
    summary: { total: controls.length, byStatus: byStatus(controls), bySeverity },
    controls,
    live: {
      verifiedAt: live.verifiedAt.toISOString(),
      regions: live.regions,
      byStatus: byStatus(controls.filter((c) => c.liveResult !== undefined)),
      drift: live.drift,
      unknown: live.unknown ?? [],
      notes: live.notes,
    },
  };
}
