import * as path from 'path';
import { parseArgs } from 'util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { BackupClient } from '@aws-sdk/client-backup';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { StageName, STAGE_NAMES } from '../config/stage-config';
import { CheckSettings, reportRpoMs } from './checks';
import { EXIT_ERROR, EXIT_MISSING, EXIT_READY, toVerifyError, VerifyError } from './errors';
import { Progress } from './progress';
import { renderSummaryTable } from './render';
import { loadSynthReport, synthReportPath, writeLiveReport } from './report-io';
import { FisClient } from './fis';
import { assemblyConstructPaths } from './inventory';
import { LiveCheck } from './types';
import { ALL_CHECKS, verifyReport, VerifyClients } from './verify';

export const USAGE = `Usage: readiness verify --stage <dev|staging|prod> [options]

Checks a deployed stage against its synth readiness report (<assembly>/readiness/<stage>.json):
every declared CloudWatch alarm exists, has actions enabled, notifies the on-call SNS topic, is OK
and is not silent (INSUFFICIENT_DATA longer than its evaluation window x --silent-factor, or no
datapoint of its metric in --since); every declared secret rotates (rotation enabled, last rotated
within the schedule plus its window and one day of grace, no failed rotation, next rotation
scheduled), and each cache's AUTH token changed on the cache within --auth-token-max-age.
Alarms that notify the on-call topic but are not declared are listed as drift.
Then, by control, from the resources of the deployed stacks:
  restore-tests      BACKUP-DR      latest restore job of each restore-testing plan COMPLETED and
                                    validated within its schedule period + --restore-slack
  failover-drills    CHAOS          each FIS experiment template ran to completed within --drill-max-age
  security-baseline  SECURITY-MONITORING  GuardDuty (with --guardduty-features), Security Hub (with
                                    --securityhub-standard), an active Access Analyzer and a logging
                                    CloudTrail trail in every region of the stage
  canaries           HEALTH-CHECK   each canary's success rate over --since >= --slo-target
  backup-copies      RTO-RPO        newest copy in each backup plan's copy-destination vault < --rpo
  cost               COST           each budget exists with its forecast under the limit; anomaly monitors exist
  slo                SLO            each SLI of the burn-rate alarms (same metric math) over --slo-window
                                    meets its objective; the error budget left is shown
An AWS error in one of these (access denied, region not enabled) marks it unknown, the others run.
Secret values are never read. Writes <stage>.live.json and <stage>.live.md and prints a summary.

Options:
  --stage <name>       stage to verify: ${STAGE_NAMES.join(', ')} (required)
  --assembly <dir>     cloud assembly holding readiness/<stage>.json (default: cdk.out)
  --region <region>    region of stacks the report gives none for (default: AWS_REGION or the profile's)
  --profile <name>     AWS named profile (default: AWS_PROFILE or the default credential chain)
  --out <dir>          directory for <stage>.live.json and .md (default: <assembly>/readiness)
  --format <md|json>   stdout: the summary table (md) or the whole live report (json) (default: md)
  --checks <list>      comma-separated checks to run (default: all): ${ALL_CHECKS.join(', ')}
  --since <duration>   window of metric and canary evidence, e.g. 24h, 7d (default: 24h)
  --silent-factor <n>  INSUFFICIENT_DATA longer than n x the evaluation window is silent (default: 3)
  --drill-max-age <d>  a drill must have completed within this (default: 90d)
  --restore-slack <d>  slack after a restore-testing plan's schedule period (default: 1d)
  --rpo <duration>     max age of the newest DR copy (default: the report's region RPO target, else 24h)
  --auth-token-max-age <d>  the cache AUTH token must have changed on the cache within this (default: 31d)
  --slo-target <pct>   minimum canary success rate in percent (default: 99.9)
  --slo-window <d>     window of SLO attainment (default: 28d)
  --guardduty-features <list>  features that must be enabled (default: S3_DATA_EVENTS,RDS_LOGIN_EVENTS,RUNTIME_MONITORING)
  --securityhub-standard <s>   part of the standard's ARN that must be enabled (default: aws-foundational-security-best-practices)
  --progress           one line per check group on stderr, also when stderr is not a terminal
  -h, --help           show this help

Exit codes:
  0  every live control is ready (conditional ones are listed, e.g. INSUFFICIENT_DATA)
  1  at least one live control is missing (found live, or already by synth), or its check is unknown
  2  usage, report, credentials, permission, throttling or network error (one line on stderr)
`;

export const TOP_USAGE = `Usage: readiness <command> [options]

Commands:
  verify   prove a deployed stage's controls live (alarms, rotation, restores, drills, baseline, ...)

Run "readiness verify --help" for the options.
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** A terminal that can show a progress line (false in CI and pipes). */
  readonly progress: boolean;
  /** Print stack traces of unexpected errors. @default false */
  readonly debug?: boolean;
}

export interface CliDeps {
  /** @default - SDK clients with the default credential chain, `--profile` and `--region` */
  readonly clients?: (opts: { profile?: string; region?: string }) => VerifyClients;
  /** @default - the system clock */
  readonly now?: () => Date;
}

export interface VerifyArgs {
  readonly stage: StageName;
  readonly assembly: string;
  readonly region?: string;
  readonly profile?: string;
  readonly out?: string;
  readonly format: 'md' | 'json';
  readonly checks?: readonly LiveCheck[];
  readonly settings: Partial<CheckSettings>;
  readonly progress: boolean;
}

const DURATION = /^(\d+(?:\.\d+)?)(m|h|d)$/;

/** `90m`, `24h`, `7d` in ms; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!(n > 0)) return undefined;
  return n * (m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000);
}

/** Parses `verify` options; throws a usage `VerifyError` naming the bad option. Undefined for --help. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        stage: { type: 'string' },
        assembly: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        checks: { type: 'string' },
        since: { type: 'string' },
        'silent-factor': { type: 'string' },
        'drill-max-age': { type: 'string' },
        'restore-slack': { type: 'string' },
        rpo: { type: 'string' },
        'auth-token-max-age': { type: 'string' },
        'slo-window': { type: 'string' },
        'slo-target': { type: 'string' },
        'guardduty-features': { type: 'string' },
        'securityhub-standard': { type: 'string' },
        progress: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new VerifyError('usage', `${(err as Error).message.split('\n')[0]} (see readiness verify --help)`);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  const problems: string[] = [];
  if (v.stage === undefined) problems.push(`--stage is required (${STAGE_NAMES.join(', ')})`);
  else if (!(STAGE_NAMES as readonly string[]).includes(v.stage)) {
    problems.push(`--stage ${JSON.stringify(v.stage)} is not a stage (${STAGE_NAMES.join(', ')})`);
  }
  const format = v.format ?? 'md';
  if (format !== 'md' && format !== 'json') problems.push(`--format ${JSON.stringify(format)} must be md or json`);
  for (const name of ['assembly', 'region', 'profile', 'out'] as const) {
    if (v[name] !== undefined && v[name]!.trim() === '') problems.push(`--${name} must not be empty`);
  }
  if (v.region !== undefined && v.region.trim() !== '' && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v.region)) {
    problems.push(`--region ${JSON.stringify(v.region)} is not a region name (e.g. eu-west-1)`);
  }
  let checks: LiveCheck[] | undefined;
  if (v.checks !== undefined) {
    checks = v.checks.split(',').map((c) => c.trim()).filter((c) => c !== '') as LiveCheck[];
    const bad = checks.filter((c) => !ALL_CHECKS.includes(c));
    if (bad.length > 0 || checks.length === 0) problems.push(`--checks ${JSON.stringify(v.checks)}: name checks from ${ALL_CHECKS.join(', ')}`);
  }
  const settings: { -readonly [K in keyof CheckSettings]?: CheckSettings[K] } = {};
  const durations = [
    ['since', 'sinceMs', '24h'],
    ['drill-max-age', 'drillMaxAgeMs', '90d'],
    ['restore-slack', 'restoreSlackMs', '1d'],
    ['rpo', 'rpoMs', '24h'],
    ['auth-token-max-age', 'authTokenMaxAgeMs', '31d'],
    ['slo-window', 'sloWindowMs', '28d'],
  ] as const;
  for (const [flag, key, example] of durations) {
    const text = v[flag];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined) problems.push(`--${flag} ${JSON.stringify(text)} is not a duration (e.g. ${example}, in m, h or d)`);
    else settings[key] = ms;
  }
  if (v['silent-factor'] !== undefined) {
    const n = Number(v['silent-factor']);
    if (!(n >= 1)) problems.push(`--silent-factor ${JSON.stringify(v['silent-factor'])} must be a number >= 1`);
    else settings.silentFactor = n;
  }
  if (v['slo-target'] !== undefined) {
    const n = Number(v['slo-target']);
    if (!(n > 0 && n <= 100)) problems.push(`--slo-target ${JSON.stringify(v['slo-target'])} must be a percentage in (0, 100], e.g. 99.9`);
    else settings.sloTargetPercent = n;
  }
  if (v['guardduty-features'] !== undefined) {
    settings.guardDutyFeatures = v['guardduty-features'].split(',').map((f) => f.trim()).filter((f) => f !== '');
  }
  if (v['securityhub-standard'] !== undefined) {
    if (v['securityhub-standard'].trim() === '') problems.push('--securityhub-standard must not be empty');
    else settings.securityHubStandard = v['securityhub-standard'].trim();
  }
  if (problems.length > 0) throw new VerifyError('usage', `${problems.join('; ')} (see readiness verify --help)`);
  return {
    checks,
    settings,
    progress: v.progress === true,
    stage: v.stage as StageName,
    assembly: v.assembly ?? 'cdk.out',
    region: v.region,
    profile: v.profile,
    out: v.out,
    format: format as 'md' | 'json',
  };
}

/** SDK clients per region, with the SDK's standard retry strategy (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE apply). */
export function sdkClients(opts: { profile?: string; region?: string }): VerifyClients {
  const cache = new Map<string, unknown>();
  const config = (region: string) => ({
    region,
    ...(opts.profile ? { profile: opts.profile } : {}),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  const get = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  return {
    cloudFormation: (region) => get(`cfn:${region}`, () => new CloudFormationClient(config(region))),
    cloudWatch: (region) => get(`cw:${region}`, () => new CloudWatchClient(config(region))),
    secretsManager: (region) => get(`sm:${region}`, () => new SecretsManagerClient(config(region))),
    backup: (region) => get(`backup:${region}`, () => new BackupClient(config(region))),
    fis: (region) => get(`fis:${region}`, () => new FisClient({ region, profile: opts.profile })),
    guardDuty: (region) => get(`gd:${region}`, () => new GuardDutyClient(config(region))),
    securityHub: (region) => get(`sh:${region}`, () => new SecurityHubClient(config(region))),
    accessAnalyzer: (region) => get(`aa:${region}`, () => new AccessAnalyzerClient(config(region))),
    cloudTrail: (region) => get(`ct:${region}`, () => new CloudTrailClient(config(region))),
    budgets: (region) => get(`budgets:${region}`, () => new BudgetsClient(config(region))),
    costExplorer: (region) => get(`ce:${region}`, () => new CostExplorerClient(config(region))),
    elastiCache: (region) => get(`ec:${region}`, () => new ElastiCacheClient(config(region))),
  };
}

/** The region from `--region`, else the SDK's chain (AWS_REGION, profile); a usage error when none. */
async function resolveDefaultRegion(args: VerifyArgs): Promise<string> {
  if (args.region) return args.region;
  const probe = new CloudFormationClient(args.profile ? { profile: args.profile } : {});
  try {
    return await probe.config.region();
  } catch (err) {
    throw toVerifyError(err, { action: 'resolve region', resource: 'AWS config', profile: args.profile });
  } finally {
    probe.destroy();
  }
}

/** Fails fast, before any API call, when the credential chain finds nothing or an expired token. */
async function checkCredentials(clients: VerifyClients, region: string, profile?: string): Promise<void> {
  try {
    const provider = clients.cloudFormation(region).config.credentials as unknown;
    if (typeof provider === 'function') await (provider as () => Promise<unknown>)();
  } catch (err) {
    throw toVerifyError(err, { action: 'load AWS credentials', resource: 'credential chain', region, profile });
  }
}

export async function runVerify(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const args = parseVerifyArgs(argv);
  if (!args) {
    io.stdout(USAGE);
    return EXIT_READY;
  }
  const report = loadSynthReport(args.assembly, args.stage);
  const region = await resolveDefaultRegion(args);
  const clients = (deps.clients ?? sdkClients)({ profile: args.profile, region });
  await checkCredentials(clients, region, args.profile);

  const progress = new Progress(io.progress, io.stderr);
  const rpoFromReport = reportRpoMs(report);
  let live;
  try {
    live = await verifyReport(report, clients, {
      defaultRegion: region,
      profile: args.profile,
      now: deps.now,
      checks: args.checks,
      // A flag wins; else the report's setting; else the default.
      settings: { ...(rpoFromReport !== undefined ? { rpoMs: rpoFromReport } : {}), ...args.settings },
      constructPaths: assemblyConstructPaths(args.assembly),
      onProgress: (done, total, label) => progress.update(`[${done}/${total}] ${label}`),
      onGroup: (line) => {
        if (args.progress || io.progress) {
          progress.clear();
          io.stderr(`${line}\n`);
        }
      },
    });
  } finally {
    progress.clear();
  }

  const outDir = args.out ?? path.dirname(synthReportPath(args.assembly, args.stage));
  const files = writeLiveReport(outDir, live);
  for (const note of live.live.notes) io.stderr(`warning: ${note}\n`);
  if (args.format === 'json') {
    io.stdout(JSON.stringify(live, null, 2) + '\n');
    io.stderr(`Wrote ${files.json} and ${files.markdown}\n`);
  } else {
    io.stdout(renderSummaryTable(live) + '\n');
    io.stdout(`Wrote ${files.json} and ${files.markdown}\n`);
  }
  return live.live.byStatus.missing > 0 || live.live.unknown.length > 0 ? EXIT_MISSING : EXIT_READY;
}

/** The `readiness` command: dispatches subcommands; every known failure is one line and exit 2. */
export async function main(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr(TOP_USAGE);
      return EXIT_ERROR;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(TOP_USAGE);
      return EXIT_READY;
    }
    if (command !== 'verify') throw new VerifyError('usage', `Unknown command ${JSON.stringify(command)}: the command is "readiness verify" (see readiness --help)`);
    return await runVerify(rest, io, deps);
  } catch (err) {
    if (err instanceof VerifyError) {
      io.stderr(`readiness verify: ${err.message}\n`);
      return err.exitCode;
    }
    // Errors from the credential chain can surface outside a call context.
    const known = toVerifyError(err, { action: 'verify', resource: 'stage' });
    if (known.kind !== 'aws') {
      io.stderr(`readiness verify: ${known.message}\n`);
      return EXIT_ERROR;
    }
    io.stderr(`readiness verify: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    if (io.debug) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT_ERROR;
  }
}
