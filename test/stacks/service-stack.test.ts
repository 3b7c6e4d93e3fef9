import { Template, Match } from 'aws-cdk-lib/assertions';
import { PROD } from '../../lib/config/stages';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { buildStage } from '../helpers/synth';

/** Resources of a type whose logical ID starts with a construct-path prefix. */
function ofType(template: Template, type: string, idPrefix: string): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(idPrefix)));
}

describe('prod service tier (Prod/Service, Prod/Edge, Prod/Network)', () => {
  let stage: ReadinessStage;
  let service: Template;
  let edge: Template;
  let network: Template;

  beforeAll(() => {
    stage = buildStage(PROD).stage;
    service = Template.fromStack(stage.service!);
    edge = Template.fromStack(stage.edge!);
    network = Template.fromStack(stage.network);
  });

  describe('ProtectedService (Web)', () => {
    test('an internet-facing ALB drops invalid headers, uses the strictest desync mitigation, logs access and is deletion-protected', () => {
      service.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'deletion_protection.enabled', Value: 'true' },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
        ]),
      });
    });

    test('HTTPS with the imported certificate and a TLS 1.3/1.2 policy; with the CDN on, no HTTP listener and only CloudFront on 443', () => {
      service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        Certificates: [{ CertificateArn: PROD.service.certificateArn }],
      });
      service.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      const albGroup = Object.keys(service.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Internet-facing HTTPS entry' } }))[0];
      const albIngress = Object.values(service.findResources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify({ 'Fn::GetAtt': [albGroup, 'GroupId'] }));
      expect(albIngress).toEqual([
        expect.objectContaining({ FromPort: 443, ToPort: 443, SourcePrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/^CloudFrontOriginsLookup/), 'PrefixLists.0.PrefixListId'] } }),
      ]);
    });

    test('the access-log bucket is private, TLS-only, versioned and retained', () => {
      const buckets = ofType(service, 'AWS::S3::Bucket', 'WebAccessLogs');
      expect(Object.values(buckets)).toEqual([
        expect.objectContaining({
          DeletionPolicy: 'Retain',
          Properties: expect.objectContaining({
            BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
            VersioningConfiguration: { Status: 'Enabled' },
          }),
        }),
      ]);
    });

    test('tasks: 3 to 24 in private subnets, 100%/200% deployments, circuit breaker and alarms that roll back, capacity plan recorded', () => {
      const web = ofType(service, 'AWS::ECS::Service', 'WebService');
      const [resource] = Object.values(web);
      expect(resource.Properties).toMatchObject({
        LaunchType: 'FARGATE',
        DesiredCount: 3,
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
        DeploymentConfiguration: {
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          Alarms: { Enable: true, Rollback: true, AlarmNames: [expect.anything(), expect.anything()] },
        },
      });
      expect(resource.Metadata['Readiness:CapacityPlan']).toEqual({ targetConcurrentUsers: 10000, concurrencyPerTask: 500 });
      service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 3,
        MaxCapacity: 24,
        ResourceId: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [Object.keys(web)[0], 'Name'] })])] }),
      });
    });

    test('autoscaling tracks CPU, memory and ALB requests per target', () => {
      for (const metric of ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget']) {
        service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: metric }) }),
        });
      }
    });

    test('the deployment alarms (5xx rate, unhealthy hosts) notify the critical on-call topic', () => {
      const alarms = ofType(service, 'AWS::CloudWatch::Alarm', 'Web');
      expect(Object.keys(alarms).sort()).toEqual([expect.stringMatching(/^WebError5xxAlarm/), expect.stringMatching(/^WebUnhealthyHostsAlarm/)]);
      for (const alarm of Object.values(alarms)) {
        expect(alarm.Properties.AlarmActions).toEqual([{ 'Fn::ImportValue': expect.stringMatching(/^Prod-Alerting:ExportsOutputRef/) }]);
      }
    });

    test('the target group health-checks /health with explicit thresholds and sticky sessions for WebSockets', () => {
      service.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckPath: '/health',
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 3,
        HealthCheckIntervalSeconds: 15,
        TargetGroupAttributes: Match.arrayWith([
          { Key: 'stickiness.enabled', Value: 'true' },
          { Key: 'stickiness.type', Value: 'lb_cookie' },
        ]),
      });
    });

    test('the container: read-only root, non-root user, health check, secrets from Secrets Manager, encrypted logs, X-Ray sidecar', () => {
      const [taskDef] = Object.values(ofType(service, 'AWS::ECS::TaskDefinition', 'WebTaskDefinition'));
      const app = taskDef.Properties.ContainerDefinitions.find((c: any) => c.Name === 'App');
      expect(app).toMatchObject({
        ReadonlyRootFilesystem: true,
        User: '1000:1000',
        HealthCheck: { Command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/health || exit 1'] },
        LogConfiguration: { LogDriver: 'awslogs' },
      });
      // The database takes IAM tokens (DB_USER, see runtime-wiring.test.ts): only the cache AUTH token is a secret.
      expect(app.Secrets.map((s: any) => s.Name).sort()).toEqual(['REDIS_AUTH']);
      // No secret value or secret-looking name among the plain environment values.
      expect(app.Environment.map((e: any) => e.Name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/PASSWORD|SECRET|TOKEN|AUTH/)]));
      const xray = taskDef.Properties.ContainerDefinitions.find((c: any) => c.Name === 'XRayDaemon');
      expect(xray).toMatchObject({ Essential: false, ReadonlyRootFilesystem: true, User: '1337' });
      const logGroups = ofType(service, 'AWS::Logs::LogGroup', 'WebLogs');
      expect(Object.values(logGroups)[0].Properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] }, RetentionInDays: 365 });
    });

    test('the tasks reach PostgreSQL (through the proxy) and Valkey through rules created in the service stack', () => {
      const ingress = Object.values(service.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
      expect(ingress).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ FromPort: PROD.database.port, GroupId: { 'Fn::ImportValue': expect.stringMatching(/^Prod-Data:/) } }),
          expect.objectContaining({ FromPort: PROD.cache.port, GroupId: { 'Fn::ImportValue': expect.stringMatching(/^Prod-Data:/) } }),
        ]),
      );
    });
  });

  describe('WebFirewall (regional)', () => {
    test('behind CloudFront: content-inspecting managed groups, rate limits per forwarded client address, metrics on every rule', () => {
      const [acl] = Object.values(service.findResources('AWS::WAFv2::WebACL'));
      const rules = acl.Properties.Rules;
      expect(acl.Properties.Scope).toBe('REGIONAL');
      // The reputation lists read the source address, which is CloudFront's here: they live on the CloudFront WebACL.
      expect(rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement).map((r: any) => r.Statement.ManagedRuleGroupStatement.Name)).toEqual([
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesSQLiRuleSet',
      ]);
      const rate = (name: string) => rules.find((r: any) => r.Name === name);
      const forwarded = { AggregateKeyType: 'FORWARDED_IP', ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' } };
      expect(rate('RateLimitPerIp')).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, ...forwarded } } });
      expect(rate('RateLimitSensitivePaths').Statement.RateBasedStatement).toMatchObject({
        Limit: 100,
        ...forwarded,
        ScopeDownStatement: { OrStatement: { Statements: [expect.objectContaining({ ByteMatchStatement: expect.objectContaining({ SearchString: '/login' }) }), expect.anything()] } },
      });
      for (const r of rules) expect(r.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    });

    test('the CloudFront WebACL, which sees the viewer address, limits per source IP and applies the reputation lists', () => {
      const [acl] = Object.values(edge.findResources('AWS::WAFv2::WebACL'));
      const rules = acl.Properties.Rules;
      expect(rules.map((r: any) => r.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean)).toEqual(
        expect.arrayContaining(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList']),
      );
      for (const name of ['RateLimitPerIp', 'RateLimitSensitivePaths']) {
        expect(rules.find((r: any) => r.Name === name).Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP' });
      }
    });

    test('is associated with the load balancer and logs with Authorization and Cookie redacted', () => {
      const albId = Object.keys(service.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0];
      service.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: albId } });
      service.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
      });
      service.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), KmsKeyId: Match.anyValue() });
    });
  });

  describe('QueueWorker', () => {
    test('the queue and its dead-letter queue are encrypted with the customer key; 5 receives before dead-lettering', () => {
      const queues = service.findResources('AWS::SQS::Queue');
      for (const q of Object.values(queues)) expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
      service.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() } });
    });

    test('the worker scales on queue depth and oldest-message age, 2 to 20 tasks, and rolls back on new dead letters', () => {
      service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 20 });
      service.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' });
      service.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: PROD.service.worker.maxMessageAgeSeconds });
      const [worker] = Object.values(ofType(service, 'AWS::ECS::Service', 'WorkerService'));
      expect(worker.Properties.DeploymentConfiguration).toMatchObject({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { Enable: true, Rollback: true, AlarmNames: [{ Ref: expect.stringMatching(/^WorkerDeadLetterAlarm/) }] },
      });
    });
  });

  describe('Network additions', () => {
    test('VPC endpoints: S3 gateway and ECR, ECR Docker, Logs, Secrets Manager, KMS, SQS interfaces with private DNS', () => {
      network.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('\\.s3$')])] }) });
      const interfaces = Object.values(network.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
      expect(interfaces.map((e) => e.Properties.ServiceName.split('.').slice(3).join('.')).sort()).toEqual(['ecr.api', 'ecr.dkr', 'kms', 'logs', 'secretsmanager', 'sqs']);
      for (const e of interfaces) expect(e.Properties.PrivateDnsEnabled).toBe(true);
    });

    test('one NAT gateway per AZ', () => {
      network.resourceCountIs('AWS::EC2::NatGateway', 3);
    });
  });

  describe('Origin header (only requests through this distribution reach the service)', () => {
    test('the listener answers 403 by default and forwards only when X-Origin-Verify matches the secret, by dynamic reference', () => {
      const tg = Object.keys(service.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0];
      service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain', MessageBody: 'Forbidden' } }],
      });
      const secretId = Object.keys(service.findResources('AWS::SecretsManager::Secret', { Properties: { Name: 'readiness/prod/origin-verify' } }))[0];
      expect(secretId).toBeDefined();
      service.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Priority: 1,
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: tg } }],
        Conditions: [
          {
            Field: 'http-header',
            HttpHeaderConfig: {
              HttpHeaderName: 'X-Origin-Verify',
              Values: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:header::}}']] }],
            },
          },
        ],
      });
    });

    test('the secret is generated, customer-key encrypted and replicated to us-east-1; CloudFront sends its replica by reference', () => {
      service.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'readiness/prod/origin-verify',
        GenerateSecretString: Match.objectLike({ GenerateStringKey: 'header', PasswordLength: 48 }),
        KmsKeyId: Match.anyValue(),
        ReplicaRegions: [{ Region: 'us-east-1' }],
      });
      edge.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Origins: [Match.objectLike({ OriginCustomHeaders: [{ HeaderName: 'X-Origin-Verify', HeaderValue: '{{resolve:secretsmanager:readiness/prod/origin-verify:SecretString:header::}}' }] })],
        }),
      });
      expect(stage.edge!.dependencies).toContain(stage.service);
    });
  });

  describe('Control Tower proactive controls (ProactiveControlGuards on the stage)', () => {
    test("both task execution roles may pull GuardDuty's Fargate agent (RUNTIME_MONITORING is on in prod)", () => {
      const pulls = Object.values(service.findResources('AWS::IAM::Policy')).filter((p: any) =>
        JSON.stringify(p.Properties.PolicyDocument).includes(':ecr:eu-west-1:*:repository/aws-guardduty-agent-fargate'),
      );
      expect(pulls.map((p: any) => JSON.stringify(p.Properties.Roles))).toEqual([expect.stringMatching(/WebTaskDefinitionExecutionRole/), expect.stringMatching(/WorkerTaskDefinitionExecutionRole/)]);
    });

    test("the Redis AUTH rotation function's permission names the account Secrets Manager invokes it for (CT.LAMBDA.PR.2)", () => {
      Template.fromStack(stage.data).hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: PROD.account,
        FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuthTokenRotationFunction'), 'Arn'] },
      });
    });

    test('every key of the service and edge stacks denies grants that are not for AWS resources (CT.KMS.PR.3)', () => {
      for (const template of [service, edge]) {
        const keys = Object.values(template.findResources('AWS::KMS::Key'));
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Sid: 'DenyGrantsNotForAwsResources', Effect: 'Deny', Action: 'kms:CreateGrant' }));
        }
      }
    });
  });

  describe('Edge (us-east-1)', () => {
    test('the edge stack is in us-east-1 and every prod stack is termination-protected', () => {
      expect(stage.edge!.region).toBe('us-east-1');
      for (const stack of [stage.edge!, stage.service!, stage.network]) expect(stack.terminationProtection).toBe(true);
    });

    test('a CLOUDFRONT WebACL is attached to the distribution, which is HTTPS-only to viewers and the origin', () => {
      const aclId = Object.keys(edge.findResources('AWS::WAFv2::WebACL', { Properties: { Scope: 'CLOUDFRONT' } }))[0];
      expect(aclId).toBeDefined();
      edge.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          WebACLId: { 'Fn::GetAtt': [aclId, 'Arn'] },
          Aliases: ['marketplace.example.com'],
          ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
          DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
          Origins: [Match.objectLike({ DomainName: PROD.edge.originDomainName, CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }) })],
          CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: '/static/*', ViewerProtocolPolicy: 'redirect-to-https' })]),
          Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        }),
      });
    });
  });
});
