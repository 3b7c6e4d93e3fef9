import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * A loopback server that answers the three APIs the verify command calls, in the wire protocols the
 * installed SDK clients speak: CloudFormation awsQuery (form-encoded request, XML response),
 * CloudWatch awsJson1_0 (awsQueryCompatible), Secrets Manager awsJson1_1.
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
}

export interface RecordedRequest {
  readonly service: 'cloudformation' | 'cloudwatch' | 'secretsmanager' | 'unknown';
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
      MetricAlarms: matches.map((a) => ({
        AlarmName: a.name,
        AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${a.name}`,
        ActionsEnabled: a.actionsEnabled ?? true,
        AlarmActions: a.actions,
        OKActions: [],
        InsufficientDataActions: [],
        StateValue: a.state,
        StateReason: a.reason,
        StateUpdatedTimestamp: epoch(new Date('2026-11-21T09:00:00Z')),
        MetricName: '5XXError',
        Namespace: 'AWS/ApplicationELB',
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
    const signed = /^AWS4-HMAC-SHA256 Credential=AKIDFAKE/.test(String(req.headers.authorization ?? ''));
    if (target.startsWith('GraniteServiceVersion20100801.')) {
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
