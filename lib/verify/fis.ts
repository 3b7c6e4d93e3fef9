/**
 * Failover drills: each AWS FIS experiment template ran to `completed` within the drill period.
 *
 * The registry serves `@aws-sdk/client-fis` only at 3.523, which pins an `@aws-sdk/core` two years older
 * than the other clients (a second copy of core and smithy). The two read-only calls the check needs
 * (ListExperiments, GetExperiment: REST-JSON GETs) are made by this small client instead: SigV4 from
 * `@smithy/signature-v4`, the SDK's default credential chain, `AWS_ENDPOINT_URL_FIS`, and retries of
 * throttling and 5xx with exponential backoff up to `AWS_MAX_ATTEMPTS` (default 3). Its `send(command)`
 * has the shape of an SDK client's, so tests mock it with aws-sdk-client-mock.
 */
import { createHash, createHmac } from 'crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ControlStatus } from '../readiness/types';
import { age, CheckContext, ControlCheck, iso, paginate, row } from './checks';
import { mapLimit } from './concurrency';
import { toVerifyError } from './errors';
import { LiveResourceResult } from './types';

export const EXPERIMENT_TEMPLATE_TYPE = 'AWS::FIS::ExperimentTemplate';

export interface FisExperimentState {
  readonly status?: string;
  readonly reason?: string;
}

export interface FisExperimentSummary {
  readonly id?: string;
  readonly experimentTemplateId?: string;
  readonly state?: FisExperimentState;
  readonly creationTime?: Date;
}

export interface FisExperiment extends FisExperimentSummary {
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly stopConditions?: readonly { readonly source?: string; readonly value?: string }[];
}

export class ListExperimentsCommand {
  constructor(public readonly input: { experimentTemplateId?: string; nextToken?: string; maxResults?: number }) {}
}

export class GetExperimentCommand {
  constructor(public readonly input: { id: string }) {}
}

export interface ListExperimentsOutput {
  readonly experiments?: FisExperimentSummary[];
  readonly nextToken?: string;
}

export interface GetExperimentOutput {
  readonly experiment?: FisExperiment;
}

type Bytes = string | ArrayBuffer | ArrayBufferView;
const toBuffer = (d: Bytes): string | Buffer =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

class Sha256 {
  private readonly hash;
  constructor(secret?: Bytes) {
    this.hash = secret ? createHmac('sha256', toBuffer(secret)) : createHash('sha256');
  }
  update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling']);

function toDate(v: unknown): Date | undefined {
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v === 'string') return new Date(v);
  return undefined;
}

function experimentFrom(raw: Record<string, unknown> | undefined): FisExperiment | undefined {
  if (!raw) return undefined;
  return {
    id: raw.id as string | undefined,
    experimentTemplateId: raw.experimentTemplateId as string | undefined,
    state: raw.state as FisExperimentState | undefined,
    creationTime: toDate(raw.creationTime),
    startTime: toDate(raw.startTime),
    endTime: toDate(raw.endTime),
    stopConditions: raw.stopConditions as FisExperiment['stopConditions'],
  };
}

export interface FisClientConfig {
  readonly region: string;
  readonly profile?: string;
  /** @default - AWS_ENDPOINT_URL_FIS, AWS_ENDPOINT_URL, else https://fis.<region>.amazonaws.com */
  readonly endpoint?: string;
  /** @default - AWS_MAX_ATTEMPTS, else 3 */
  readonly maxAttempts?: number;
}

/** Read-only AWS FIS client for the two calls the drill check makes. */
export class FisClient {
  public readonly config: { region: string; credentials: () => Promise<unknown> };
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;
  private readonly maxAttempts: number;

  constructor(init: FisClientConfig) {
    const credentials = defaultProvider(init.profile ? { profile: init.profile } : {});
    this.config = { region: init.region, credentials };
    this.signer = new SignatureV4({ credentials, region: init.region, service: 'fis', sha256: Sha256 });
    this.endpoint = new URL(init.endpoint ?? process.env.AWS_ENDPOINT_URL_FIS ?? process.env.AWS_ENDPOINT_URL ?? `https://fis.${init.region}.amazonaws.com`);
    this.maxAttempts = init.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 3);
  }

  public send(command: ListExperimentsCommand): Promise<ListExperimentsOutput>;
  public send(command: GetExperimentCommand): Promise<GetExperimentOutput>;
  public async send(command: ListExperimentsCommand | GetExperimentCommand): Promise<ListExperimentsOutput | GetExperimentOutput> {
    if (command instanceof GetExperimentCommand) {
      const body = await this.get(`/experiments/${encodeURIComponent(command.input.id)}`, {});
      return { experiment: experimentFrom(body.experiment as Record<string, unknown> | undefined) };
    }
    const query: Record<string, string> = {};
    if (command.input.experimentTemplateId) query.experimentTemplateId = command.input.experimentTemplateId;
    if (command.input.nextToken) query.nextToken = command.input.nextToken;
    if (command.input.maxResults) query.maxResults = String(command.input.maxResults);
    const body = await this.get('/experiments', query);
    return {
      experiments: ((body.experiments as Record<string, unknown>[] | undefined) ?? []).map((e) => experimentFrom(e)!),
      nextToken: (body.nextToken as string | undefined) || undefined,
    };
  }

  public destroy(): void {}

  private async get(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
    const basePath = this.endpoint.pathname.replace(/\/$/, '');
    for (let attempt = 1; ; attempt++) {
      const signed = await this.signer.sign({
        method: 'GET',
        protocol: this.endpoint.protocol,
        hostname: this.endpoint.hostname,
        port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
        path: `${basePath}${path}`,
        query,
        headers: { host: this.endpoint.host, accept: 'application/json' },
      } as never);
      // RFC 3986 escaping, as the signer canonicalizes the query.
      const rfc3986 = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      const search = Object.entries(query).map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
      const url = `${this.endpoint.origin}${basePath}${path}${search ? `?${search}` : ''}`;
      let res: Response;
      try {
        res = await fetch(url, { method: 'GET', headers: (signed as unknown as { headers: Record<string, string> }).headers });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        throw Object.assign(new Error((err as Error).message), { name: 'Error', code: cause?.code ?? 'ECONNREFUSED', $metadata: { attempts: attempt } });
      }
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { message: text.slice(0, 200) };
      }
      if (res.ok) return body;
      const rawType = res.headers.get('x-amzn-errortype') ?? (body.__type as string | undefined) ?? (body.code as string | undefined) ?? `Http${res.status}`;
      const code = rawType.split(':')[0].split('#').pop()!;
      const retryable = THROTTLING.has(code) || res.status === 429 || res.status >= 500;
      if (retryable && attempt < this.maxAttempts) {
        await new Promise((r) => setTimeout(r, Math.min(20_000, 100 * 2 ** attempt * Math.random())));
        continue;
      }
      const message = (body.message as string | undefined) ?? (body.Message as string | undefined) ?? `HTTP ${res.status}`;
      throw Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: res.status, attempts: attempt } });
    }
  }
}

/**
 * The drill is proven by a `completed` experiment within the period. Otherwise the latest experiment
 * says why: stopped by its stop condition (the alarms named), failed, or none at all.
 */
export function evaluateDrills(
  templateId: string,
  experiments: readonly FisExperimentSummary[],
  latestDetail: FisExperiment | undefined,
  maxAgeMs: number,
  now: Date,
): { status: ControlStatus; reason: string; evidenceAt?: Date } {
  const since = now.getTime() - maxAgeMs;
  const recent = experiments
    .filter((e) => e.creationTime && e.creationTime.getTime() >= since)
    .sort((a, b) => b.creationTime!.getTime() - a.creationTime!.getTime());
  const completed = recent.find((e) => e.state?.status === 'completed');
  const period = `within ${age(maxAgeMs)}`;
  if (completed) {
    return { status: 'ready', reason: `experiment ${completed.id} of template ${templateId} completed, started ${iso(completed.creationTime)} (${period})`, evidenceAt: completed.creationTime };
  }
  const latest = recent[0] ?? [...experiments].sort((a, b) => (b.creationTime?.getTime() ?? 0) - (a.creationTime?.getTime() ?? 0))[0];
  if (!latest) return { status: 'missing', reason: `template ${templateId} never ran (no experiment; a drill must complete ${period})` };
  const status = latest.state?.status ?? 'unknown';
  const when = `latest experiment ${latest.id} ${status} (started ${iso(latest.creationTime)})`;
  if (!recent[0]) return { status: 'missing', reason: `no experiment of template ${templateId} ${period}; ${when}`, evidenceAt: latest.creationTime };
  if (status === 'running' || status === 'initiating' || status === 'pending') {
    return { status: 'conditional', reason: `${when}; no completed drill ${period} yet`, evidenceAt: latest.creationTime };
  }
  let why = latest.state?.reason ? `: ${latest.state.reason}` : '';
  if (status === 'stopped' && latestDetail && latestDetail.id === latest.id) {
    const alarms = (latestDetail.stopConditions ?? []).filter((s) => s.source === 'aws:cloudwatch:alarm' && s.value).map((s) => s.value!);
    if (alarms.length > 0) why += `; stop condition alarm${alarms.length > 1 ? 's' : ''} ${alarms.join(', ')}`;
  }
  return { status: 'missing', reason: `no completed drill ${period}: ${when}${why}`, evidenceAt: latest.creationTime };
}

export const failoverDrillsCheck: ControlCheck = {
  check: 'failover-drills',
  control: 'CHAOS',
  needs: `${EXPERIMENT_TEMPLATE_TYPE}`,
  async run(ctx: CheckContext): Promise<LiveResourceResult[]> {
    const templates = ctx.inventory.ofType(EXPERIMENT_TEMPLATE_TYPE);
    return mapLimit(templates, ctx.concurrency, async (t) => {
      const client = ctx.clients.fis(t.region);
      const cctx = { region: t.region, profile: ctx.profile };
      const pages = await paginate(
        async (token) => {
          try {
            return await client.send(new ListExperimentsCommand({ experimentTemplateId: t.physicalId, nextToken: token, maxResults: 100 }));
          } catch (err) {
            throw toVerifyError(err, { action: 'fis:ListExperiments', resource: `experiments of ${t.physicalId}`, ...cctx });
          }
        },
        (p) => p.nextToken,
      );
      const experiments = pages.flatMap((p) => p.experiments ?? []).filter((e) => !e.experimentTemplateId || e.experimentTemplateId === t.physicalId);
      const since = ctx.now.getTime() - ctx.settings.drillMaxAgeMs;
      const recent = experiments.filter((e) => (e.creationTime?.getTime() ?? 0) >= since);
      const latest = [...recent].sort((a, b) => (b.creationTime?.getTime() ?? 0) - (a.creationTime?.getTime() ?? 0))[0];
      let detail: FisExperiment | undefined;
      if (latest?.id && latest.state?.status === 'stopped' && !recent.some((e) => e.state?.status === 'completed')) {
        try {
          detail = (await client.send(new GetExperimentCommand({ id: latest.id }))).experiment;
        } catch (err) {
          throw toVerifyError(err, { action: 'fis:GetExperiment', resource: latest.id, ...cctx });
        }
      }
      const v = evaluateDrills(t.physicalId, experiments, detail, ctx.settings.drillMaxAgeMs, ctx.now);
      return row(t, v.status, v.reason, v.evidenceAt);
    });
  },
};
