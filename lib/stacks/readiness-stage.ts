import { Aspects, Stage, StageProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Stack } from 'aws-cdk-lib';
import { StageConfig } from '../config/stage-config';
import { validateStageConfig } from '../config/validate-config';
import { AlertingStack } from './alerting-stack';
import { BackupStack } from './backup-stack';
import { CostMonitorStack } from './cost-monitor-stack';
import { DataStack } from './data-stack';
import { DrStack, globalClusterIdentifier } from './dr-stack';
import { NetworkStack } from './network-stack';
import { EdgeObservabilityStack, ObservabilityStack } from './observability-stack';
import { ResilienceStack } from './resilience-stack';
import { SecurityStack } from './security-stack';
import { EdgeStack } from './edge-stack';
import { ServiceStack } from './service-stack';
import { IncidentStack, incidentRegions } from './incident-stack';
import { RolloutStack } from './rollout-stack';
import { startIncidentsFromAlarms } from './incident-wiring';
import { EksServiceStack } from './eks-service-stack';
import { DrStandbyStack, standbyCidr } from './dr-standby-stack';
import { addGlobalDatabasePrimary } from '../constructs/backup/global-database';
import { protectStatefulResources } from '../constructs/backup/tags';
import { ProactiveControlGuards } from '../constructs/security/proactive-controls';
import { acknowledgeControlTowerExceptions } from '../constructs/security/control-tower-exceptions';

export interface ReadinessStageProps extends StageProps {
  readonly config: StageConfig;
}

/** One deployment stage: the stacks of every lifecycle, built from one validated config. */
export class ReadinessStage extends Stage {
  public readonly config: StageConfig;
  public readonly network: NetworkStack;
  /** On-call topics (`critical`, `warning`): send alarms here. Depends on config only. */
  public readonly alerting: AlertingStack;
  public readonly data: DataStack;
  /** Audit trail, GuardDuty, Security Hub, IAM Access Analyzers (account/region singletons). */
  public readonly security: SecurityStack;
  /** DR region: the vault that receives backup copies (and the global-database secondary). */
  public readonly dr: DrStack;
  /** The DR region's network and warm-standby cluster, with `compute: 'eks'` and `dr.standbyCluster.enabled`. */
  public readonly drNetwork?: NetworkStack;
  public readonly drStandby?: DrStandbyStack;
  /** Backup vault, plan (copied to the DR region) and Aurora restore test. */
  public readonly backup: BackupStack;
  /** Failover drills (AWS FIS) and the cost budget. */
  public readonly resilience: ResilienceStack;
  /** Cost anomaly detection (us-east-1). */
  public readonly costMonitor: CostMonitorStack;
  /** Web service behind ALB + WAF, queue worker on ECS Fargate (stateless compute); unset when `compute` is `eks`. */
  public readonly service?: ServiceStack;
  /** The same web service and worker on EKS (`Prod/Service` too), when `compute` is `eks`. */
  public readonly eksService?: EksServiceStack;
  /** CloudFront and its WAF (us-east-1), when `edge.cdn` is on. */
  public readonly edge?: EdgeStack;
  /** Tier alarms, SLO burn-rate alerts, the public health canary and the dashboard; tier roll-ups as typed properties. */
  public readonly observability: ObservabilityStack;
  /** The CDN's burn-rate alerts, canary and on-call topics (us-east-1), when `edge.cdn` is on. */
  public readonly edgeObservability?: EdgeObservabilityStack;
  /** Incident Manager contacts, rotations, escalation and response plans, when `incident.tool` is `incident-manager`. */
  public readonly incident?: IncidentStack;
  /** AppConfig launch flags guarded by the service's roll-up alarms, when `rollout` is configured. */
  public readonly rollout?: RolloutStack;

  constructor(scope: Construct, id: string, props: ReadinessStageProps) {
    // Validate before any construct exists, so a bad config builds nothing.
    validateStageConfig(props.config);
    const { config } = props;
    super(scope, id, { ...props, env: { account: config.account, region: config.region } });
    this.config = config;

    this.network = new NetworkStack(this, 'Network', { config });
    this.alerting = new AlertingStack(this, 'Alerting', { config });
    this.security = new SecurityStack(this, 'Security', { config });
    this.data = new DataStack(this, 'Data', { config, vpc: this.network.vpc, alarmTopic: this.alerting.critical });

    // Stateful resources tag themselves for the backup plan, restore test and drills (selection by tag).
    protectStatefulResources(this.data);
    const globalDb = config.dr.mode === 'global-database';
    const engineVersion = globalDb ? addGlobalDatabasePrimary(this.data, globalClusterIdentifier(config)) : undefined;
    this.dr = new DrStack(this, 'Dr', { config, primaryEngineVersion: engineVersion });
    if (engineVersion) this.dr.addStackDependency(this.data, 'the global-database secondary joins the primary cluster');
    this.backup = new BackupStack(this, 'Backup', { config, copyVaultArn: this.dr.vaultArn, notificationTopic: this.alerting.warning });
    this.backup.addStackDependency(this.dr, 'the backup plan copies to the DR vault');
    this.costMonitor = new CostMonitorStack(this, 'CostMonitor', { config });
    const serviceProps = { config, vpc: this.network.vpc, alarmTopic: this.alerting.critical, database: this.data.database, cache: this.data.cache };
    const onEks = (config.compute ?? 'fargate') === 'eks';
    // Same construct ID on either platform: one Service stack per stage, whatever runs it.
    if (onEks) this.eksService = new EksServiceStack(this, 'Service', serviceProps);
    else this.service = new ServiceStack(this, 'Service', serviceProps);
    if (onEks && config.dr.standbyCluster?.enabled) {
      // The DR region's VPC is built like the primary's (flow logs, endpoints), in the DR zones.
      const drNetworkConfig: StageConfig = { ...config, availabilityZones: config.dr.drAvailabilityZones, network: { ...config.network, cidr: standbyCidr(config.network.cidr) } };
      this.drNetwork = new NetworkStack(this, 'DrNetwork', { config: drNetworkConfig, env: { account: config.account, region: config.drRegion } });
      this.drStandby = new DrStandbyStack(this, 'DrStandby', { config, vpc: this.drNetwork.vpc });
    }
    const web = this.service?.web;
    const eksService = this.eksService;
    const firewall = (this.service ?? eksService)!.firewall;
    this.observability = new ObservabilityStack(this, 'Observability', {
      config,
      criticalTopic: this.alerting.critical,
      warningTopic: this.alerting.warning,
      databaseCluster: this.data.database.cluster,
      databaseProxy: this.data.database.proxy,
      cacheReplicationGroup: this.data.cache.replicationGroup,
      loadBalancer: web?.loadBalancer ?? eksService!.loadBalancer,
      targetGroups: [web?.targetGroup ?? eksService!.targetGroup],
      service: web?.service,
      workerService: this.service?.worker.service,
      queues: [this.service?.worker.queue ?? eksService!.queue],
      deadLetterQueues: [this.service?.worker.deadLetterQueue ?? eksService!.deadLetterQueue],
      // The WebACL dimension carries the web ACL's metric name (the WAF guide), not its generated name.
      webAclName: firewall.webAclMetricName,
    });
    if (config.edge.cdn) {
      this.edge = new EdgeStack(this, 'Edge', { config });
      // CloudFront reads the origin secret's us-east-1 replica, which the Service stack creates.
      this.edge.addStackDependency((this.service ?? this.eksService)!, 'CloudFront sends the origin secret that the Service stack creates and replicates');
    }
    if (this.edge) {
      this.edgeObservability = new EdgeObservabilityStack(this, 'EdgeObservability', {
        config,
        env: { account: config.account, region: this.edge.region },
        distribution: this.edge.cdn.distribution,
      });
    }
    this.resilience = new ResilienceStack(this, 'Resilience', {
      config,
      vpc: this.network.vpc,
      warningTopic: this.alerting.warning,
      taskCluster: web?.cluster,
      taskService: web?.service,
      eksZonePods: eksService?.drillTargets,
      databaseStopAlarm: this.observability.databaseHealth,
      cacheStopAlarm: this.observability.cacheHealth,
      serviceStopAlarm: this.observability.serviceHealth,
    });

    if (config.incident?.tool === 'incident-manager') {
      this.incident = new IncidentStack(this, 'Incident', { config, warningTopic: this.alerting.warning });
      // Critical alarms and the tier roll-ups start an incident as well as paging.
      startIncidentsFromAlarms(this, this.incident, config.incident, incidentRegions(config), [this.observability.serviceHealth, this.observability.workerHealth, this.observability.databaseHealth, this.observability.cacheHealth]);
    }
    if (config.rollout) {
      const monitors = [this.observability.serviceHealth, this.observability.workerHealth].filter((a): a is NonNullable<typeof a> => a !== undefined);
      this.rollout = new RolloutStack(this, 'Rollout', { config, monitors });
    }

    // A prod stack deleted by mistake takes production with it (Readiness-DEPLOY-SAFETY-STACKS).
    if (config.stage === 'prod') for (const child of this.node.children) if (Stack.isStack(child)) child.terminationProtection = true;

    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
    // Every key, Lambda permission and Fargate task of the stage, whichever construct made it: grants only
    // for AWS resources (CT.KMS.PR.3), service invocations from this account (CT.LAMBDA.PR.2), and the
    // GuardDuty runtime agent pullable wherever GuardDuty manages it.
    Aspects.of(this).add(
      new ProactiveControlGuards({
        guardDutyFargateAgent: config.security.guardDutyFeatures.includes('RUNTIME_MONITORING'),
      }),
    );
    // The Control Tower proactive controls the stage fails on purpose, acknowledged on each resource with the reason.
    acknowledgeControlTowerExceptions(this);
  }
}
