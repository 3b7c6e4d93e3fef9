import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeSecretResponse, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ControlReport, ControlStatus, ReadinessReport, Severity } from '../readiness/types';
import { ALARM_NAMES_PER_CALL, describeAlarmsByName, evaluateAlarm, findUndeclaredAlarms } from './alarms';
import { mapLimit } from './concurrency';
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
}

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
}

interface Target {
  readonly control: string;
  readonly check: LiveCheck;
  readonly logicalId: string;
  readonly stackName: string;
  readonly resourceType: string;
  readonly region: string;
}

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
  const controls = liveControls(report);

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
  const drift: DriftAlarm[] = [];
  const secrets = new Map<string, DescribeSecretResponse | undefined>();
  for (const region of regions) {
    const ctx = { region, profile: options.profile };
    const names = [...(alarmNamesByRegion.get(region) ?? [])];
    if (names.length > 0) {
      const found = await describeAlarmsByName(clients.cloudWatch(region), names, ctx, () => step('alarms'));
      for (const [name, alarm] of found) alarms.set(`${region}\u0000${name}`, alarm);
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
    const base = { logicalId: t.logicalId, stackName: t.stackName, resourceType: t.resourceType, region: t.region };
    const notDeployed = undeployed.get(t);
    if (notDeployed !== undefined) return { ...base, status: 'missing', reason: notDeployed };
    const id = physical.get(t)!;
    const key = `${t.region}\u0000${id}`;
    switch (t.resourceType) {
      case ALARM_TYPE:
        return { ...base, physicalId: id, ...evaluateAlarm(alarms.get(key), id, onCallTopics) };
      case SECRET_TYPE:
      case ROTATION_SCHEDULE_TYPE:
        return { ...base, physicalId: id, ...evaluateSecretRotation(secrets.get(key), id, checkedAt, grace) };
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

  return mergeLiveResults(report, results, { verifiedAt: checkedAt, regions, drift, notes });
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
  if (live.status === 'conditional') return 'conditional';
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
  live: { verifiedAt: Date; regions: readonly string[]; drift: readonly DriftAlarm[]; notes: readonly string[] },
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
      notes: live.notes,
    },
  };
}
