import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { albAvailabilitySli, albLatencySli, BurnRateAlarms, cloudFrontAvailabilitySli } from '../constructs/observability/burn-rate-alarms';
import { OnCallTopics } from '../constructs/observability/on-call-topics';
import { CacheAlarms } from '../constructs/observability/cache-alarms';
import { DatabaseAlarms } from '../constructs/observability/database-alarms';
import { HealthCanary } from '../constructs/observability/health-canary';
import { ServiceAlarms } from '../constructs/observability/service-alarms';
import { onCallTopicsFromConfig } from './on-call-topics-from-config';

export interface ObservabilityStackProps extends StackProps {
  readonly config: StageConfig;
  /** Topic that pages on-call (`stage.alerting.critical`). */
  readonly criticalTopic: sns.ITopic;
  /** Topic that opens tickets (`stage.alerting.warning`). */
  readonly warningTopic: sns.ITopic;
  /**
   * The Aurora cluster.
   * @default - no database alarms
   */
  readonly databaseCluster?: rds.IDatabaseCluster;
  /**
   * Instance type of the database instances (for the connection limit).
   * @default - derived from `config.database.instanceType`
   */
  readonly databaseInstanceType?: ec2.InstanceType;
  /**
   * The RDS Proxy in front of the cluster.
   * @default - no proxy alarms
   */
  readonly databaseProxy?: rds.IDatabaseProxy;
  /**
   * The cache replication group.
   * @default - no cache alarms
   */
  readonly cacheReplicationGroup?: elasticache.CfnReplicationGroup;
  /**
   * The public load balancer of the API.
   * @default - no load balancer alarms, no SLO alerts
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Target groups behind the load balancer.
   * @default - none
   */
  readonly targetGroups?: readonly elbv2.IApplicationTargetGroup[];
  /**
   * The API's ECS service.
   * @default - no ECS alarms for the API
   */
  readonly service?: ecs.IBaseService;
  /**
   * The worker's ECS service.
   * @default - no ECS alarms for the worker
   */
  readonly workerService?: ecs.IBaseService;
  /**
   * Work queues.
   * @default - none
   */
  readonly queues?: readonly sqs.IQueue[];
  /**
   * Dead-letter queues.
   * @default - none
   */
  readonly deadLetterQueues?: readonly sqs.IQueue[];
  /**
   * Name of the regional WAF web ACL.
   * @default - no WAF alarm
   */
  readonly webAclName?: string;
  /**
   * Public https:// URL of the deep health endpoint the canary calls.
   * @default - `publicHealthUrl(config)`; no canary when it is undefined
   */
  readonly healthUrl?: string;
  /**
   * DNS name of a distribution in front of the load balancer that the public URL passes through.
   * @default - the URL reaches the load balancer directly
   */
  readonly distributionDomainName?: string;
}

/**
 * The public health URL a canary in the primary region can call, from config: the canary base URL,
 * else the CDN's first domain name, else (no CDN) the load balancer's origin name. Undefined when the
 * only public name is a CloudFront default domain, known in us-east-1 only.
 */
export function publicHealthUrl(config: StageConfig): string | undefined {
  const path = config.observability.canary.healthPath;
  if (config.observability.canary.baseUrl) return `${config.observability.canary.baseUrl.replace(/\/$/, '')}${path}`;
  const edge = config.edge;
  if (edge?.cdn) return edge.domainNames.length > 0 ? `https://${edge.domainNames[0]}${path}` : undefined;
  return edge?.originDomainName ? `https://${edge.originDomainName}${path}` : undefined;
}

/**
 * Alarms, SLO burn-rate alerts, the public health canary and the dashboard of a stage. It depends
 * on the stacks it watches (Data, Service), never the other way round, and on Alerting for topics.
 */
export class ObservabilityStack extends Stack {
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard's name (a literal, usable from other regions). */
  public readonly dashboardName: string;
  /** Roll-ups of each tier's critical alarms (FIS stop conditions). Undefined when the tier is not watched. */
  public readonly databaseHealth?: cloudwatch.IAlarm;
  public readonly cacheHealth?: cloudwatch.IAlarm;
  public readonly serviceHealth?: cloudwatch.IAlarm;
  public readonly workerHealth?: cloudwatch.IAlarm;
  public readonly availabilitySlo?: BurnRateAlarms;
  public readonly latencySlo?: BurnRateAlarms;
  public readonly canary?: HealthCanary;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const obs = props.config.observability;
    // A deliberate physical name: runbooks link to it, and the dashboard lists the alarms, so a
    // generated name would be a Ref cycle. A dashboard holds no data; replacing it loses nothing.
    this.dashboardName = dashboardNameOf(this);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: this.dashboardName, defaultInterval: Duration.hours(3) });
    const routing = { criticalTopic: props.criticalTopic, warningTopic: props.warningTopic, dashboardName: this.dashboardName };
    const rows: cloudwatch.IWidget[][] = [];
    const sloWidgets: cloudwatch.IWidget[] = [];

    if (props.loadBalancer) {
      const endpointName = `${props.config.stage} public API`;
      this.availabilitySlo = new BurnRateAlarms(this, 'AvailabilitySlo', {
        ...routing,
        sli: albAvailabilitySli(props.loadBalancer),
        objectivePercent: obs.slo.availabilityPercent,
        endpointName,
      });
      this.latencySlo = new BurnRateAlarms(this, 'LatencySlo', {
        ...routing,
        sli: albLatencySli(props.loadBalancer, Duration.millis(obs.slo.latencyThresholdMs)),
        objectivePercent: obs.slo.latencyPercent,
        endpointName,
      });
      sloWidgets.push(...this.availabilitySlo.widgets, ...this.latencySlo.widgets);
    }

    const healthUrl = props.healthUrl ?? publicHealthUrl(props.config);
    if (healthUrl) {
      this.canary = new HealthCanary(this, 'HealthCanary', {
        ...routing,
        url: healthUrl,
        watchedEndpoints: [props.distributionDomainName, props.loadBalancer?.loadBalancerDnsName].filter((d): d is string => d !== undefined),
        interval: Duration.minutes(obs.canary.intervalMinutes),
      });
      sloWidgets.push(...this.canary.widgets);
    }
    if (sloWidgets.length > 0) rows.push([new cloudwatch.TextWidget({ markdown: '## SLOs and the public health check', width: 24, height: 1 })], sloWidgets);

    if (props.loadBalancer || props.service || props.webAclName) {
      const api = new ServiceAlarms(this, 'ApiAlarms', {
        ...routing,
        tierName: 'api',
        loadBalancer: props.loadBalancer,
        targetGroups: props.targetGroups,
        service: props.service,
        minRunningTasks: props.config.service?.minTasks,
        webAclName: props.webAclName,
        thresholds: obs.service,
      });
      this.serviceHealth = api.health;
      rows.push([new cloudwatch.TextWidget({ markdown: '## API: traffic, errors, latency, saturation', width: 24, height: 1 })], api.widgets);
    }
    if (props.workerService || (props.queues ?? []).length > 0 || (props.deadLetterQueues ?? []).length > 0) {
      const worker = new ServiceAlarms(this, 'WorkerAlarms', {
        ...routing,
        tierName: 'worker',
        service: props.workerService,
        minRunningTasks: props.config.service?.worker?.minTasks,
        queues: props.queues,
        deadLetterQueues: props.deadLetterQueues,
        thresholds: obs.service,
      });
      this.workerHealth = worker.health;
      rows.push([new cloudwatch.TextWidget({ markdown: '## Worker: queue age, dead letters, saturation', width: 24, height: 1 })], worker.widgets);
    }
    if (props.databaseCluster) {
      const db = new DatabaseAlarms(this, 'DatabaseAlarms', {
        ...routing,
        cluster: props.databaseCluster,
        instanceType: props.databaseInstanceType ?? new ec2.InstanceType(props.config.database.instanceType),
        proxy: props.databaseProxy,
        thresholds: obs.database,
      });
      this.databaseHealth = db.health;
      rows.push([new cloudwatch.TextWidget({ markdown: '## Database (Aurora PostgreSQL, RDS Proxy)', width: 24, height: 1 })], db.widgets);
    }
    if (props.cacheReplicationGroup) {
      const cache = new CacheAlarms(this, 'CacheAlarms', {
        ...routing,
        replicationGroup: props.cacheReplicationGroup,
        shards: props.config.cache.shards,
        replicasPerShard: props.config.cache.replicasPerShard,
        clusterMode: props.config.cache.clusterMode,
        thresholds: obs.cache,
      });
      this.cacheHealth = cache.health;
      rows.push([new cloudwatch.TextWidget({ markdown: '## Cache (Valkey / Redis OSS)', width: 24, height: 1 })], cache.widgets);
    }

    const roll = [this.serviceHealth, this.workerHealth, this.databaseHealth, this.cacheHealth].filter((a): a is cloudwatch.IAlarm => a !== undefined);
    if (roll.length > 0) rows.unshift([new cloudwatch.AlarmStatusWidget({ title: 'Tier health (roll-ups)', alarms: roll, width: 24, height: 3 })]);
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}

function dashboardNameOf(stack: Stack): string {
  return stack.stackName.replace(/[^A-Za-z0-9_-]/g, '-');
}

export interface EdgeObservabilityStackProps extends StackProps {
  readonly config: StageConfig;
  /** The CloudFront distribution in front of the API. */
  readonly distribution: cloudfront.IDistribution;
}

/**
 * The us-east-1 half of observability, for a CloudFront distribution: its metrics exist only there,
 * and an alarm can only notify a topic of its own region, so this stack has its own on-call topics
 * (same subscriptions as Alerting; replicate the pager secret to us-east-1), the distribution's
 * burn-rate alerts, a canary on the public URL through CloudFront, and a dashboard.
 */
export class EdgeObservabilityStack extends Stack {
  public readonly topics: OnCallTopics;
  public readonly availabilitySlo: BurnRateAlarms;
  public readonly canary: HealthCanary;
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: EdgeObservabilityStackProps) {
    super(scope, id, props);
    const obs = props.config.observability;
    this.topics = onCallTopicsFromConfig(this, obs);
    const dashboardName = dashboardNameOf(this);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName, defaultInterval: Duration.hours(3) });
    const routing = { criticalTopic: this.topics.critical, warningTopic: this.topics.warning, dashboardName };
    const endpointName = `${props.config.stage} CDN`;
    this.availabilitySlo = new BurnRateAlarms(this, 'AvailabilitySlo', {
      ...routing,
      sli: cloudFrontAvailabilitySli(props.distribution),
      objectivePercent: obs.slo.availabilityPercent,
      endpointName,
    });
    const path = obs.canary.healthPath;
    const base = obs.canary.baseUrl?.replace(/\/$/, '') ?? (props.config.edge.domainNames.length > 0 ? `https://${props.config.edge.domainNames[0]}` : `https://${props.distribution.distributionDomainName}`);
    this.canary = new HealthCanary(this, 'HealthCanary', {
      ...routing,
      url: `${base}${path}`,
      watchedEndpoints: [props.distribution.distributionDomainName],
      interval: Duration.minutes(obs.canary.intervalMinutes),
    });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${endpointName}: SLO and the health check through CloudFront`, width: 24, height: 1 }));
    this.dashboard.addWidgets(...this.availabilitySlo.widgets, ...this.canary.widgets);
  }
}
