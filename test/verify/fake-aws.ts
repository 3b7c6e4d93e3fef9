import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * A loopback server that answers the APIs the verify command calls, in the wire protocols the
 * installed SDK clients speak: CloudFormation awsQuery (form-encoded request, XML response),
 * CloudWatch awsJson1_0 (awsQueryCompatible), Secrets Manager and CloudTrail awsJson1_1, and
 * restJson1 for Backup, FIS, GuardDuty, Security Hub and Access Analyzer (routed by the SigV4
 * credential scope's service name, as each has its own path space).
 */
export interface FakeStackResource {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
}

export interface FakeAlarm {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly reason: string;
  readonly actions: readonly string[];
  readonly actionsEnabled?: boolean;
  /** @default 2026-11-21T09:00:00Z */
  readonly stateSince?: Date;
  /** @default 5XXError */
  readonly metricName?: string;
  /** A burn-rate window alarm of an availability SLI with objective 99.9% (metric math). */
  readonly burnRate?: number;
}

export interface FakeRestoreJob {
  readonly id: string;
  readonly created: Date;
  readonly status: 'COMPLETED' | 'FAILED' | 'ABORTED' | 'RUNNING';
  readonly validation?: 'SUCCESSFUL' | 'FAILED';
  readonly message?: string;
}

export interface FakeExperiment {
  readonly id: string;
  readonly templateId: string;
  readonly created: Date;
  readonly status: 'completed' | 'stopped' | 'failed' | 'running';
  readonly reason?: string;
  readonly stopAlarmArn?: string;
}

export interface FakeSecret {
  readonly arn: string;
  readonly rotationEnabled: boolean;
  readonly rotateAfterDays: number;
  readonly lastRotated?: Date;
  readonly nextRotation?: Date;
  readonly created: Date;
}

export interface FakeAwsState {
  /** Deployed stacks by name; absent stacks answer "does not exist". */
  readonly stacks: Record<string, readonly FakeStackResource[]>;
  readonly alarms: readonly FakeAlarm[];
  readonly secrets: readonly FakeSecret[];
  /** Answer every DescribeAlarms with a throttling error. */
  readonly throttleAlarms?: boolean;
  /** Answer DescribeSecret with AccessDeniedException. */
  readonly denySecrets?: boolean;
  /** Answer CloudFormation with ExpiredToken, as for a stale session token. */
  readonly expiredToken?: boolean;
  /** Metric names (any namespace) with no datapoint; every other metric has 288 in the window. */
  readonly silentMetrics?: readonly string[];
  /** Canary name: [success percent, runs] over the window; absent canaries published nothing. */
  readonly canaries?: Readonly<Record<string, readonly [number, number]>>;
  readonly restoreTestingPlans?: readonly { readonly name: string; readonly arn: string; readonly schedule: string; readonly jobs: readonly FakeRestoreJob[] }[];
  readonly experiments?: readonly FakeExperiment[];
  /** Undefined: no detector. */
  readonly guardDuty?: { readonly id: string; readonly status: 'ENABLED' | 'DISABLED'; readonly features: readonly string[] };
  /** Undefined: the account is not subscribed. */
  readonly securityHubStandards?: readonly string[];
  readonly analyzers?: readonly { readonly name: string; readonly status: 'ACTIVE' | 'DISABLED' }[];
  readonly trails?: readonly { readonly name: string; readonly logging: boolean }[];
  /** Answer GuardDuty with AccessDeniedException. */
  readonly denyGuardDuty?: boolean;
  readonly replicationGroups?: readonly { readonly id: string; readonly authTokenLastModified?: Date }[];
  /** Value of every metric-math expression query (the SLI error ratio); absent: no datapoint. */
  readonly sloErrorRatio?: number;
  /** Backup plans by ID, each with the vault ARN its rule copies to. */
  readonly backupPlans?: readonly { readonly id: string; readonly copyTo: string }[];
  /** Recovery points by vault name. */
  readonly recoveryPoints?: Readonly<Record<string, readonly { readonly arn: string; readonly created: Date }[]>>;
  readonly budgets?: readonly { readonly name: string; readonly limit: number; readonly forecast: number }[];
  readonly anomalyMonitors?: readonly string[];
}

export interface RecordedRequest {
  readonly service: string;
  readonly action: string;
  readonly params: Record<string, unknown>;
  readonly signed: boolean;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const epoch = (d: Date | undefined): number | undefined => (d ? d.getTime() / 1000 : undefined);

function send(res: http.ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': 'req-1', ...headers });
  res.end(body);
}

function cloudFormation(state: FakeAwsState, params: URLSearchParams, res: http.ServerResponse): void {
  const stackName = params.get('StackName') ?? '';
  const logicalId = params.get('LogicalResourceId');
  const ns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  if (state.expiredToken) {
    send(
      res,
      403,
      'text/xml',
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>ExpiredToken</Code>` +
        '<Message>The security token included in the request is expired</Message></Error><RequestId>req-1</RequestId></ErrorResponse>',
    );
    return;
  }
  const resources = state.stacks[stackName];
  if (!resources) {
    send(
      res,
      400,
      'text/xml',
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
        `<Message>Stack with id ${xmlEscape(stackName)} does not exist</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
    );
    return;
  }
  const members = resources
    .filter((r) => !logicalId || r.logicalId === logicalId)
    .map(
      (r) =>
        `<member><StackName>${xmlEscape(stackName)}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${xmlEscape(stackName)}/1</StackId>` +
        `<LogicalResourceId>${xmlEscape(r.logicalId)}</LogicalResourceId><PhysicalResourceId>${xmlEscape(r.physicalId)}</PhysicalResourceId>` +
        `<ResourceType>${r.type}</ResourceType><Timestamp>2026-11-20T10:00:00.000Z</Timestamp><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member>`,
    )
    .join('');
  send(
    res,
    200,
    'text/xml',
    `<DescribeStackResourcesResponse xmlns="${ns}"><DescribeStackResourcesResult><StackResources>${members}</StackResources>` +
      `</DescribeStackResourcesResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeStackResourcesResponse>`,
  );
}

function getMetricData(state: FakeAwsState, input: Record<string, any>, res: http.ServerResponse): void {
  const results = (input.MetricDataQueries ?? []).map((q: any) => {
    const metric = q.MetricStat?.Metric ?? {};
    let values: number[] = [];
    if (q.Expression) {
      values = state.sloErrorRatio === undefined ? [] : [state.sloErrorRatio];
    } else if (metric.Namespace === 'CloudWatchSynthetics') {
      const name = (metric.Dimensions ?? []).find((d: any) => d.Name === 'CanaryName')?.Value;
      const canary = state.canaries?.[name];
      if (canary) values = [q.MetricStat.Stat === 'SampleCount' ? canary[1] : canary[0]];
    } else if (!(state.silentMetrics ?? []).includes(metric.MetricName)) {
      values = [288];
    }
    return { Id: q.Id, Label: metric.MetricName, StatusCode: 'Complete', Timestamps: values.map(() => Math.floor(Number(input.StartTime))), Values: values };
  });
  send(res, 200, 'application/x-amz-json-1.0', JSON.stringify({ MetricDataResults: results, Messages: [] }));
}

function burnRateAlarmJson(a: FakeAlarm): Record<string, unknown> {
  const stat = (Id: string, MetricName: string) => ({
    Id,
    MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: [{ Name: 'LoadBalancer', Value: 'app/prod/abc' }] }, Period: 3600, Stat: 'Sum' },
    ReturnData: false,
  });
  return {
    AlarmName: a.name,
    AlarmDescription: `public endpoint burns its availability error budget (99.9%) at ${a.burnRate}x burn-rate alert.`,
    ActionsEnabled: true,
    AlarmActions: a.actions,
    StateValue: a.state,
    StateReason: a.reason,
    StateUpdatedTimestamp: epoch(new Date('2026-11-21T09:00:00Z')),
    Threshold: Number((a.burnRate! * 0.001).toPrecision(6)),
    ComparisonOperator: 'GreaterThanThreshold',
    EvaluationPeriods: 1,
    Metrics: [
      { Id: 'expr_1', Expression: '(FILL(t5, 0) + FILL(e5, 0)) / req', Period: 3600, ReturnData: true },
      stat('req', 'RequestCount'),
      stat('t5', 'HTTPCode_Target_5XX_Count'),
      stat('e5', 'HTTPCode_ELB_5XX_Count'),
    ],
  };
}

function cloudWatch(state: FakeAwsState, input: Record<string, any>, res: http.ServerResponse): void {
  if (state.throttleAlarms) {
    send(res, 400, 'application/x-amz-json-1.0', JSON.stringify({ __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' }), {
      'x-amzn-query-error': 'Throttling;Sender',
    });
    return;
  }
  const names: string[] | undefined = input.AlarmNames;
  const prefix: string | undefined = input.ActionPrefix;
  const matches = state.alarms.filter((a) => (names ? names.includes(a.name) : true) && (prefix ? a.actions.some((x) => x.startsWith(prefix)) : true));
  send(
    res,
    200,
    'application/x-amz-json-1.0',
    JSON.stringify({
      MetricAlarms: matches.map((a) => a.burnRate !== undefined ? burnRateAlarmJson(a) : ({
        AlarmName: a.name,
        AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${a.name}`,
        ActionsEnabled: a.actionsEnabled ?? true,
        AlarmActions: a.actions,
        OKActions: [],
        InsufficientDataActions: [],
        StateValue: a.state,
        StateReason: a.reason,
        StateUpdatedTimestamp: epoch(a.stateSince ?? new Date('2026-11-21T09:00:00Z')),
        MetricName: a.metricName ?? '5XXError',
        Namespace: 'AWS/ApplicationELB',
        Period: 60,
        EvaluationPeriods: 5,
        Statistic: 'Sum',
      })),
      CompositeAlarms: [],
    }),
  );
}

function secretsManager(state: FakeAwsState, input: Record<string, any>, res: http.ServerResponse): void {
  if (state.denySecrets) {
    send(res, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: 'AccessDeniedException', Message: 'User is not authorized to perform: secretsmanager:DescribeSecret' }));
    return;
  }
  const secret = state.secrets.find((s) => s.arn === input.SecretId);
  if (!secret) {
    send(res, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." }));
    return;
  }
  send(
    res,
    200,
    'application/x-amz-json-1.1',
    JSON.stringify({
      ARN: secret.arn,
      Name: secret.arn.split(':').pop(),
      RotationEnabled: secret.rotationEnabled,
      RotationLambdaARN: 'arn:aws:lambda:eu-west-1:123456789012:function:rotator',
      RotationRules: { AutomaticallyAfterDays: secret.rotateAfterDays },
      LastRotatedDate: epoch(secret.lastRotated),
      LastChangedDate: epoch(secret.lastRotated),
      NextRotationDate: epoch(secret.nextRotation),
      CreatedDate: epoch(secret.created),
      VersionIdsToStages: { 'v-1': ['AWSCURRENT'] },
    }),
  );
}

function elastiCache(state: FakeAwsState, params: URLSearchParams, res: http.ServerResponse): void {
  const ns = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
  const id = params.get('ReplicationGroupId');
  const group = (state.replicationGroups ?? []).find((g) => g.id === id);
  if (!group) {
    send(
      res,
      404,
      'text/xml',
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>ReplicationGroupNotFoundFault</Code>` +
        `<Message>ReplicationGroup ${xmlEscape(id ?? '')} not found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
    );
    return;
  }
  const modified = group.authTokenLastModified ? `<AuthTokenLastModifiedDate>${group.authTokenLastModified.toISOString()}</AuthTokenLastModifiedDate>` : '';
  send(
    res,
    200,
    'text/xml',
    `<DescribeReplicationGroupsResponse xmlns="${ns}"><DescribeReplicationGroupsResult><ReplicationGroups><ReplicationGroup>` +
      `<ReplicationGroupId>${xmlEscape(group.id)}</ReplicationGroupId><Status>available</Status><AuthTokenEnabled>true</AuthTokenEnabled>${modified}` +
      `</ReplicationGroup></ReplicationGroups></DescribeReplicationGroupsResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeReplicationGroupsResponse>`,
  );
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json', JSON.stringify(body), headers);
}

function restError(res: http.ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { message }, { 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazon.coral.service/` });
}

function backup(state: FakeAwsState, method: string, url: URL, res: http.ServerResponse): void {
  const plans = state.restoreTestingPlans ?? [];
  const get = /^\/restore-testing\/plans\/([^/]+)$/.exec(url.pathname);
  if (method === 'GET' && get) {
    const plan = plans.find((p) => p.name === decodeURIComponent(get[1]));
    if (!plan) return restError(res, 404, 'ResourceNotFoundException', 'Restore testing plan not found');
    return json(res, 200, {
      RestoreTestingPlan: {
        RestoreTestingPlanArn: plan.arn,
        RestoreTestingPlanName: plan.name,
        ScheduleExpression: plan.schedule,
        CreationTime: epoch(new Date('2026-01-01T00:00:00Z')),
        RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: ['*'], RecoveryPointTypes: ['SNAPSHOT'] },
      },
    });
  }
  const backupPlan = /^\/backup\/plans\/([^/]+)\/?$/.exec(url.pathname);
  if (method === 'GET' && backupPlan) {
    const p = (state.backupPlans ?? []).find((x) => x.id === decodeURIComponent(backupPlan[1]));
    if (!p) return restError(res, 404, 'ResourceNotFoundException', 'Backup plan not found');
    return json(res, 200, {
      BackupPlanId: p.id,
      BackupPlan: { BackupPlanName: 'prod', Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'Primary', CopyActions: [{ DestinationBackupVaultArn: p.copyTo }] }] },
    });
  }
  const points = /^\/backup-vaults\/([^/]+)\/recovery-points\/?$/.exec(url.pathname);
  if (method === 'GET' && points) {
    const list = state.recoveryPoints?.[decodeURIComponent(points[1])] ?? [];
    return json(res, 200, { RecoveryPoints: list.map((r) => ({ RecoveryPointArn: r.arn, Status: 'COMPLETED', CreationDate: epoch(r.created) })) });
  }
  if (method === 'GET' && url.pathname.replace(/\/$/, '') === '/restore-jobs') {
    const arn = url.searchParams.get('restoreTestingPlanArn');
    const after = url.searchParams.get('createdAfter');
    const plan = plans.find((p) => p.arn === arn);
    const jobs = (plan?.jobs ?? []).filter((j) => !after || j.created.getTime() >= Date.parse(after));
    return json(res, 200, {
      RestoreJobs: jobs.map((j) => ({
        RestoreJobId: j.id,
        CreationDate: epoch(j.created),
        CompletionDate: epoch(new Date(j.created.getTime() + 3_600_000)),
        Status: j.status,
        StatusMessage: j.message,
        ValidationStatus: j.validation,
      })),
    });
  }
  restError(res, 404, 'UnknownOperationException', `${method} ${url.pathname}`);
}

function fis(state: FakeAwsState, method: string, url: URL, res: http.ServerResponse): void {
  const toJson = (e: FakeExperiment) => ({
    id: e.id,
    experimentTemplateId: e.templateId,
    state: { status: e.status, reason: e.reason },
    creationTime: epoch(e.created),
    ...(e.stopAlarmArn ? { stopConditions: [{ source: 'aws:cloudwatch:alarm', value: e.stopAlarmArn }] } : {}),
  });
  const one = /^\/experiments\/([^/]+)$/.exec(url.pathname);
  if (method === 'GET' && one) {
    const e = (state.experiments ?? []).find((x) => x.id === decodeURIComponent(one[1]));
    return e ? json(res, 200, { experiment: toJson(e) }) : restError(res, 404, 'ResourceNotFoundException', 'Experiment not found');
  }
  if (method === 'GET' && url.pathname === '/experiments') {
    const template = url.searchParams.get('experimentTemplateId');
    return json(res, 200, { experiments: (state.experiments ?? []).filter((e) => !template || e.templateId === template).map(toJson) });
  }
  restError(res, 404, 'UnknownOperationException', `${method} ${url.pathname}`);
}

function guardDuty(state: FakeAwsState, method: string, url: URL, res: http.ServerResponse): void {
  if (state.denyGuardDuty) return restError(res, 403, 'AccessDeniedException', 'User is not authorized to perform: guardduty:ListDetectors');
  const d = state.guardDuty;
  if (method === 'GET' && url.pathname === '/detector') return json(res, 200, { detectorIds: d ? [d.id] : [] });
  const one = /^\/detector\/([^/]+)$/.exec(url.pathname);
  if (method === 'GET' && one && d && one[1] === d.id) {
    return json(res, 200, { serviceRole: 'arn:aws:iam::123456789012:role/aws-service-role/guardduty', status: d.status, features: d.features.map((name) => ({ name, status: 'ENABLED' })) });
  }
  restError(res, 400, 'BadRequestException', `${method} ${url.pathname}`);
}

function securityHub(state: FakeAwsState, method: string, url: URL, res: http.ServerResponse): void {
  const standards = state.securityHubStandards;
  if (!standards) return restError(res, 401, 'InvalidAccessException', 'Account 123456789012 is not subscribed to AWS Security Hub');
  if (method === 'GET' && url.pathname === '/accounts') return json(res, 200, { HubArn: 'arn:aws:securityhub:eu-west-1:123456789012:hub/default', SubscribedAt: '2026-01-01T00:00:00.000Z' });
  if (method === 'POST' && url.pathname === '/standards/get') {
    return json(res, 200, {
      StandardsSubscriptions: standards.map((arn, i) => ({ StandardsSubscriptionArn: `sub-${i}`, StandardsArn: arn, StandardsInput: {}, StandardsStatus: 'READY' })),
    });
  }
  restError(res, 404, 'UnknownOperationException', `${method} ${url.pathname}`);
}

function accessAnalyzer(state: FakeAwsState, method: string, url: URL, res: http.ServerResponse): void {
  if (method === 'GET' && url.pathname === '/analyzer') {
    return json(res, 200, {
      analyzers: (state.analyzers ?? []).map((a) => ({ arn: `arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/${a.name}`, name: a.name, type: 'ACCOUNT', status: a.status, createdAt: '2026-01-01T00:00:00Z' })),
    });
  }
  restError(res, 404, 'UnknownOperationException', `${method} ${url.pathname}`);
}

function cloudTrail(state: FakeAwsState, action: string, input: Record<string, any>, res: http.ServerResponse): void {
  const trails = state.trails ?? [];
  const arn = (name: string) => `arn:aws:cloudtrail:eu-west-1:123456789012:trail/${name}`;
  if (action === 'DescribeTrails') {
    return send(res, 200, 'application/x-amz-json-1.1', JSON.stringify({ trailList: trails.map((t) => ({ Name: t.name, TrailARN: arn(t.name), HomeRegion: 'eu-west-1', IsMultiRegionTrail: true })) }));
  }
  if (action === 'GetTrailStatus') {
    const t = trails.find((x) => arn(x.name) === input.Name || x.name === input.Name);
    return send(res, 200, 'application/x-amz-json-1.1', JSON.stringify({ IsLogging: t?.logging ?? false, LatestDeliveryTime: epoch(new Date('2026-11-21T11:55:00Z')) }));
  }
  send(res, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: 'UnknownOperationException' }));
}

export class FakeAws {
  public readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;

  constructor(public state: FakeAwsState) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  public async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const authorization = String(req.headers.authorization ?? '');
    const signed = /^AWS4-HMAC-SHA256 Credential=AKIDFAKE/.test(authorization);
    // Credential=AKID/date/region/service/aws4_request
    const scope = /Credential=[^/]+\/[^/]+\/([^/]+)\/([^/]+)\//.exec(authorization);
    const signingService = scope?.[2] ?? '';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rest: Record<string, (state: FakeAwsState, method: string, url: URL, res: http.ServerResponse) => void> = {
      backup,
      fis,
      guardduty: guardDuty,
      securityhub: securityHub,
      'access-analyzer': accessAnalyzer,
    };
    if (signingService === 'elasticache') {
      const params = new URLSearchParams(body);
      this.requests.push({ service: 'elasticache', action: params.get('Action') ?? '', params: Object.fromEntries(params), signed });
      elastiCache(this.state, params, res);
    } else if (rest[signingService]) {
      this.requests.push({ service: signingService, action: `${req.method} ${url.pathname}`, params: { ...Object.fromEntries(url.searchParams), region: scope?.[1] }, signed });
      rest[signingService](this.state, req.method ?? 'GET', url, res);
    } else if (/^(com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\./.test(target)) {
      const input = JSON.parse(body || '{}');
      const action = target.split('.').pop()!;
      this.requests.push({ service: 'cloudtrail', action, params: input, signed });
      cloudTrail(this.state, action, input, res);
    } else if (target === 'AWSBudgetServiceGateway.DescribeBudget') {
      const input = JSON.parse(body || '{}');
      this.requests.push({ service: 'budgets', action: 'DescribeBudget', params: input, signed });
      const b = (this.state.budgets ?? []).find((x) => x.name === input.BudgetName);
      if (!b) {
        send(res, 400, 'application/x-amz-json-1.1', JSON.stringify({ __type: 'NotFoundException', Message: `Unable to get budget: ${input.BudgetName} - the budget doesn't exist.` }));
      } else {
        send(
          res,
          200,
          'application/x-amz-json-1.1',
          JSON.stringify({
            Budget: {
              BudgetName: b.name,
              BudgetType: 'COST',
              TimeUnit: 'MONTHLY',
              BudgetLimit: { Amount: b.limit.toFixed(1), Unit: 'USD' },
              CalculatedSpend: { ActualSpend: { Amount: (b.forecast / 2).toFixed(1), Unit: 'USD' }, ForecastedSpend: { Amount: b.forecast.toFixed(1), Unit: 'USD' } },
            },
          }),
        );
      }
    } else if (target === 'AWSInsightsIndexService.GetAnomalyMonitors') {
      const input = JSON.parse(body || '{}');
      this.requests.push({ service: 'ce', action: 'GetAnomalyMonitors', params: input, signed });
      const monitors = (this.state.anomalyMonitors ?? []).filter((m) => (input.MonitorArnList ?? []).includes(m));
      send(res, 200, 'application/x-amz-json-1.1', JSON.stringify({ AnomalyMonitors: monitors.map((m) => ({ MonitorArn: m, MonitorName: 'prod', MonitorType: 'DIMENSIONAL' })) }));
    } else if (target === 'GraniteServiceVersion20100801.GetMetricData') {
      const input = JSON.parse(body || '{}');
      this.requests.push({ service: 'cloudwatch', action: 'GetMetricData', params: input, signed });
      getMetricData(this.state, input, res);
    } else if (target.startsWith('GraniteServiceVersion20100801.')) {
      const input = JSON.parse(body || '{}');
      this.requests.push({ service: 'cloudwatch', action: target.split('.')[1], params: input, signed });
      cloudWatch(this.state, input, res);
    } else if (target.startsWith('secretsmanager.')) {
      const input = JSON.parse(body || '{}');
      this.requests.push({ service: 'secretsmanager', action: target.split('.')[1], params: input, signed });
      secretsManager(this.state, input, res);
    } else if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const params = new URLSearchParams(body);
      this.requests.push({ service: 'cloudformation', action: params.get('Action') ?? '', params: Object.fromEntries(params), signed });
      cloudFormation(this.state, params, res);
    } else {
      this.requests.push({ service: 'unknown', action: target, params: { body }, signed });
      send(res, 400, 'application/json', JSON.stringify({ __type: 'UnknownOperationException' }));
    }
  }
}
