import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assertValid, is, ValidationRule } from '../../validation/rule-table';
import { AlarmKit, FIVE_MINUTES, ONE_MINUTE } from './alarm-kit';
import { AlarmRoutingProps } from './routing';

/** Thresholds of the service tier alarms (ALB, ECS, SQS, WAF). */
export interface ServiceAlarmThresholds {
  /** ALB 5xx responses as a percentage of requests over 5 minutes. */
  readonly error5xxPercent: number;
  /** Target p99 response time ceiling in milliseconds. */
  readonly p99LatencyMs: number;
  /** ECS service CPU (%) averaged over 15 minutes. */
  readonly cpuPercent: number;
  /** ECS service memory (%) averaged over 15 minutes. */
  readonly memoryPercent: number;
  /** Age of the oldest message in a work queue, in seconds. */
  readonly queueOldestMessageSeconds: number;
  /** WAF blocked requests per 5 minutes that count as a spike. */
  readonly wafBlockedPer5Min: number;
}

const { GREATER_THAN_THRESHOLD: GT, LESS_THAN_THRESHOLD: LT } = cloudwatch.ComparisonOperator;
const { BREACHING, NOT_BREACHING, MISSING } = cloudwatch.TreatMissingData;

/** SRE defaults for a production web service. */
export const DEFAULT_SERVICE_THRESHOLDS: ServiceAlarmThresholds = {
  error5xxPercent: 2,
  p99LatencyMs: 1500,
  cpuPercent: 80,
  memoryPercent: 85,
  queueOldestMessageSeconds: 300,
  wafBlockedPer5Min: 2000,
};

/** Below this many requests a minute the 5xx ratio is noise (one error in three requests is 33%). */
const MIN_REQUESTS_FOR_RATIO = 10;

export interface ServiceAlarmsProps extends AlarmRoutingProps {
  /** Name used in alarm texts and dashboard titles, e.g. `api` or `worker`. */
  readonly tierName: string;
  /**
   * The load balancer in front of the service.
   * @default - no load balancer alarms
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Target groups of the load balancer whose host health is watched.
   * @default - none
   */
  readonly targetGroups?: readonly elbv2.IApplicationTargetGroup[];
  /**
   * The ECS service.
   * @default - no ECS alarms
   */
  readonly service?: ecs.IBaseService;
  /**
   * Running tasks below this page on-call (needs Container Insights on the cluster).
   * @default 1
   */
  readonly minRunningTasks?: number;
  /**
   * Work queues whose oldest message age is watched.
   * @default - none
   */
  readonly queues?: readonly sqs.IQueue[];
  /**
   * Dead-letter queues: any message in one raises a ticket.
   * @default - none
   */
  readonly deadLetterQueues?: readonly sqs.IQueue[];
  /**
   * Name of a regional WAF web ACL in front of the load balancer (its `Name`, the metric dimension).
   * @default - no WAF alarm
   */
  readonly webAclName?: string;
  /**
   * Alarm thresholds.
   * @default DEFAULT_SERVICE_THRESHOLDS
   */
  readonly thresholds?: ServiceAlarmThresholds;
}

const RULES: readonly ValidationRule<ServiceAlarmsProps>[] = [
  { field: 'tierName', value: (p) => p.tierName, check: is.matching(/^[A-Za-z][\w-]{0,30}$/), fix: 'use a short name such as "api" or "worker"' },
  { field: 'minRunningTasks', value: (p) => p.minRunningTasks, check: (v) => v === undefined || is.intBetween(1, 1000)(v), fix: 'use 1 or more tasks' },
  {
    field: 'targetGroups',
    value: (p) => p.targetGroups,
    check: (v, p) => v === undefined || v.length === 0 || p.loadBalancer !== undefined,
    fix: 'give the loadBalancer of the target groups: their metrics carry both dimensions',
  },
  {
    field: 'service',
    value: (p) => [p.loadBalancer, p.service, ...(p.queues ?? []), ...(p.deadLetterQueues ?? []), p.webAclName].filter((x) => x !== undefined).length,
    check: (v) => v > 0,
    fix: 'give at least one of loadBalancer, service, queues, deadLetterQueues or webAclName',
  },
];

/**
 * Alarms on a service tier: load balancer (5xx ratio, p99 latency, unhealthy hosts, rejected
 * connections), ECS service (CPU, memory, running tasks), queues (oldest message, dead letters) and
 * WAF (blocked spike), each with a runbook and an SNS action, rolled up into `health`.
 */
export class ServiceAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[];
  /** In ALARM while any critical alarm of the tier is: a stop condition for failover drills. */
  public readonly health: cloudwatch.CompositeAlarm;
  public readonly widgets: cloudwatch.IWidget[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    assertValid(`ServiceAlarms "${this.node.path}"`, props, RULES);
    const t = props.thresholds ?? DEFAULT_SERVICE_THRESHOLDS;
    const tier = props.tierName;
    const kit = new AlarmKit(this, { critical: props.criticalTopic, warning: props.warningTopic, dashboardName: props.dashboardName });

    if (props.loadBalancer) {
      const alb = props.loadBalancer;
      const lb = (metricName: string, statistic: string, period = ONE_MINUTE) => alb.metrics.custom(metricName, { statistic, period });
      const requests = lb('RequestCount', 'Sum');
      const errorRate = new cloudwatch.MathExpression({
        expression: `IF(req >= ${MIN_REQUESTS_FOR_RATIO}, 100 * (FILL(t5, 0) + FILL(e5, 0)) / req, 0)`,
        usingMetrics: { req: requests, t5: lb('HTTPCode_Target_5XX_Count', 'Sum'), e5: lb('HTTPCode_ELB_5XX_Count', 'Sum') },
        period: ONE_MINUTE,
        label: `${tier} 5xx %`,
      });
      kit.alarm('Http5xxRate', {
        metric: errorRate,
        threshold: t.error5xxPercent,
        comparisonOperator: GT,
        evaluationPeriods: 5,
        datapointsToAlarm: 4,
        // No traffic is no error; the health canary catches an endpoint that is down.
        treatMissingData: NOT_BREACHING,
        severity: 'critical',
        runbook: {
          meaning: `${tier}: more than ${t.error5xxPercent}% of requests answer 5xx (target or load balancer) for 4 of 5 min.`,
          checks: ['ECS deployments in progress (roll back if the errors started with it)', 'the service log group for the first stack trace', 'database and cache alarms (a dependency down shows here first)'],
        },
      });
      const p99 = lb('TargetResponseTime', 'p99');
      kit.alarm('P99Latency', {
        metric: p99,
        threshold: t.p99LatencyMs / 1000,
        comparisonOperator: GT,
        evaluationPeriods: 5,
        datapointsToAlarm: 4,
        treatMissingData: NOT_BREACHING,
        severity: 'critical',
        runbook: {
          meaning: `${tier}: p99 target response time above ${t.p99LatencyMs} ms for 4 of 5 min: the slowest 1% of users wait too long.`,
          checks: ['database CPU and proxy saturation', 'ECS CPU (tasks at their limit, autoscaling at max?)', 'a slow downstream call in the traces or logs'],
        },
      });
      kit.alarm('RejectedConnections', {
        metric: lb('RejectedConnectionCount', 'Sum', FIVE_MINUTES),
        threshold: 0,
        comparisonOperator: GT,
        evaluationPeriods: 1,
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: `${tier}: the load balancer rejected connections because it reached its connection limit.`,
          checks: ['ActiveConnectionCount and NewConnectionCount trends', 'a client opening connections without keep-alive', 'WAF blocked requests (an attack?)'],
        },
      });
      for (const [i, tg] of (props.targetGroups ?? []).entries()) {
        // Target group metrics carry the LoadBalancer and TargetGroup dimensions.
        const tgm = (metricName: string, statistic: string) => tg.metrics.custom(metricName, { statistic, period: ONE_MINUTE });
        const suffix = i === 0 ? '' : `${i + 1}`;
        kit.alarm(`UnhealthyHosts${suffix}`, {
          metric: tgm('UnHealthyHostCount', 'Maximum'),
          threshold: 0,
          comparisonOperator: GT,
          evaluationPeriods: 5,
          treatMissingData: NOT_BREACHING,
          severity: 'warning',
          runbook: {
            meaning: `${tier}: a target has failed its load balancer health check for 5 min; capacity is reduced.`,
            checks: ['the deep health endpoint response of the failing task (which dependency?)', 'stopped-task reasons in the ECS console', 'task memory (OOM kills)'],
          },
        });
        kit.alarm(`NoHealthyHosts${suffix}`, {
          metric: tgm('HealthyHostCount', 'Minimum'),
          threshold: 1,
          comparisonOperator: LT,
          evaluationPeriods: 2,
          // The load balancer reports host counts every minute; silence means the target group is gone.
          treatMissingData: BREACHING,
          severity: 'critical',
          runbook: {
            meaning: `${tier}: no healthy target behind the load balancer: every request fails with 503.`,
            checks: ['the ECS service events (tasks failing to start or to pass health checks)', 'the last deployment (roll back)', 'database and cache health (deep health check failing?)'],
          },
        });
      }
      this.widgets.push(
        new cloudwatch.GraphWidget({ title: `${tier}: requests (traffic)`, left: [requests], width: 6 }),
        new cloudwatch.GraphWidget({ title: `${tier}: 5xx % (errors)`, left: [errorRate], leftAnnotations: [{ value: t.error5xxPercent, label: 'alarm' }], width: 6 }),
        new cloudwatch.GraphWidget({
          title: `${tier}: latency p50/p99 (latency)`,
          left: [lb('TargetResponseTime', 'p50'), p99],
          leftAnnotations: [{ value: t.p99LatencyMs / 1000, label: 'p99 alarm' }],
          width: 6,
        }),
      );
    }

    if (props.service) {
      const dims = { ClusterName: props.service.cluster.clusterName, ServiceName: props.service.serviceName };
      const ecsm = (metricName: string, statistic: string, namespace = 'AWS/ECS', period = FIVE_MINUTES) =>
        new cloudwatch.Metric({ namespace, metricName, statistic, period, dimensionsMap: dims });
      const cpu = ecsm('CPUUtilization', 'Average');
      const memory = ecsm('MemoryUtilization', 'Average');
      kit.alarm('ServiceCpu', {
        metric: cpu,
        threshold: t.cpuPercent,
        comparisonOperator: GT,
        evaluationPeriods: 3,
        treatMissingData: MISSING,
        severity: 'warning',
        runbook: {
          meaning: `${tier}: average service CPU above ${t.cpuPercent}% for 15 min: autoscaling is at its maximum or too slow.`,
          checks: ['desired vs maximum task count', 'a traffic spike in RequestCount (or queue depth)', 'a hot code path after the last deploy'],
        },
      });
      kit.alarm('ServiceMemory', {
        metric: memory,
        threshold: t.memoryPercent,
        comparisonOperator: GT,
        evaluationPeriods: 3,
        treatMissingData: MISSING,
        severity: 'warning',
        runbook: {
          meaning: `${tier}: average service memory above ${t.memoryPercent}% for 15 min: tasks risk OOM kills.`,
          checks: ['memory growth per task since the last deploy (leak?)', 'stopped tasks with OutOfMemoryError', 'the task memory size against the workload'],
        },
      });
      const minTasks = props.minRunningTasks ?? 1;
      const running = ecsm('RunningTaskCount', 'Minimum', 'ECS/ContainerInsights', ONE_MINUTE);
      kit.alarm('RunningTasks', {
        metric: running,
        threshold: minTasks,
        comparisonOperator: LT,
        evaluationPeriods: 3,
        // Container Insights reports every minute; silence means the service (or its insights) is gone.
        treatMissingData: BREACHING,
        severity: 'critical',
        runbook: {
          meaning: `${tier}: fewer than ${minTasks} running tasks for 3 min (or no data): capacity is below the floor that survives an AZ loss.`,
          checks: ['ECS service events (placement failures, image pull errors)', 'stopped-task reasons (health checks, OOM)', 'Fargate capacity or quota messages in the events'],
        },
      });
      this.widgets.push(new cloudwatch.GraphWidget({ title: `${tier}: CPU/memory and tasks (saturation)`, left: [cpu, memory], right: [running], width: 6 }));
    }

    const queueWidgets: cloudwatch.IMetric[] = [];
    for (const [i, queue] of (props.queues ?? []).entries()) {
      const age = queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' });
      queueWidgets.push(age);
      kit.alarm(`QueueOldestMessage${i === 0 ? '' : i + 1}`, {
        metric: age,
        threshold: t.queueOldestMessageSeconds,
        comparisonOperator: GT,
        evaluationPeriods: 5,
        // SQS stops reporting idle queues; an idle queue is not a backlog.
        treatMissingData: NOT_BREACHING,
        severity: 'critical',
        runbook: {
          meaning: `${tier}: the oldest message has waited more than ${t.queueOldestMessageSeconds} s: work is piling up and users wait for results.`,
          checks: ['worker running tasks and scaling (at max?)', 'worker logs for a poison message retried in a loop', 'a downstream dependency (database, provider API) slowing each job'],
        },
      });
    }
    for (const [i, dlq] of (props.deadLetterQueues ?? []).entries()) {
      const visible = dlq.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' });
      queueWidgets.push(visible);
      kit.alarm(`DeadLetters${i === 0 ? '' : i + 1}`, {
        metric: visible,
        threshold: 0,
        comparisonOperator: GT,
        evaluationPeriods: 1,
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: `${tier}: a message landed in a dead-letter queue: a job failed every retry and its work is not done.`,
          checks: ['the message body and attributes (receive without deleting)', 'worker logs around its first receive', 'redrive to the source queue once fixed'],
        },
      });
    }
    if (queueWidgets.length > 0) this.widgets.push(new cloudwatch.GraphWidget({ title: `${tier}: queue age and dead letters`, left: queueWidgets, width: 6 }));

    if (props.webAclName) {
      const blocked = new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        statistic: 'Sum',
        period: FIVE_MINUTES,
        dimensionsMap: { WebACL: props.webAclName, Region: Stack.of(this).region, Rule: 'ALL' },
      });
      kit.alarm('WafBlockedSpike', {
        metric: blocked,
        threshold: t.wafBlockedPer5Min,
        comparisonOperator: GT,
        evaluationPeriods: 1,
        treatMissingData: NOT_BREACHING,
        severity: 'warning',
        runbook: {
          meaning: `${tier}: WAF blocked more than ${t.wafBlockedPer5Min} requests in 5 min: an attack, or a rule blocking real users.`,
          checks: ['the WAF log group: which rule and which source IPs', 'whether blocked requests come from real users (false positive after a rule change)', 'the rate-based rule limit against normal peak traffic'],
        },
      });
      this.widgets.push(new cloudwatch.GraphWidget({ title: `${tier}: WAF blocked requests`, left: [blocked], width: 6 }));
    }

    this.alarms = kit.alarms;
    this.health = kit.rollUp('Health', tier, {
      meaning: `Roll-up of the critical ${tier} alarms; a stop condition for failover drills.`,
      checks: ['which child alarm is in ALARM', 'ECS service events and the last deployment', `the ${tier} panels of the dashboard`],
    });
  }
}
