import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** `critical` pages on-call now; `warning` opens a ticket. */
export type AlarmSeverity = 'critical' | 'warning';

/** A short runbook carried in the alarm description, so the page itself says what to do. */
export interface Runbook {
  /** What the alarm means for customers, in one sentence. */
  readonly meaning: string;
  /** The first three things to check, most likely cause first. */
  readonly checks: readonly [string, string, string];
}

/** Where alarms send their notifications and which dashboard their runbooks point to. */
export interface AlarmRouting {
  /** Topic that pages on-call. */
  readonly critical: sns.ITopic;
  /** Topic that opens tickets. */
  readonly warning: sns.ITopic;
  /** Name of the stage dashboard the runbooks send people to. */
  readonly dashboardName: string;
}

export interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** Periods looked at. */
  readonly evaluationPeriods: number;
  /** Breaching periods among them that raise the alarm. @default - all of `evaluationPeriods` */
  readonly datapointsToAlarm?: number;
  /** Chosen per alarm: silence from a database is not health, silence from an idle queue is. */
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly severity: AlarmSeverity;
  readonly runbook: Runbook;
}

/** CloudWatch rejects descriptions longer than this. */
export const MAX_ALARM_DESCRIPTION = 1024;

/** Formats the runbook: meaning, the first three checks, and the dashboard to open. */
export function runbookText(severity: AlarmSeverity, runbook: Runbook, dashboardName: string, region: string): string {
  const dashboard = `https://console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboardName}`;
  return [
    `[${severity.toUpperCase()}] ${runbook.meaning}`,
    `Check: 1) ${runbook.checks[0]} 2) ${runbook.checks[1]} 3) ${runbook.checks[2]}`,
    `Dashboard: ${dashboard}`,
  ].join('\n');
}

/**
 * Creates alarms with a runbook description and an SNS action on the topic of their severity, and
 * keeps them for the tier's roll-up composite alarm.
 */
export class AlarmKit {
  /** Every alarm created through this kit. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The critical ones: what the tier roll-up watches. */
  public readonly criticalAlarms: cloudwatch.Alarm[] = [];

  constructor(
    private readonly scope: Construct,
    private readonly routing: AlarmRouting,
  ) {}

  public topicFor(severity: AlarmSeverity): sns.ITopic {
    return severity === 'critical' ? this.routing.critical : this.routing.warning;
  }

  public description(severity: AlarmSeverity, runbook: Runbook): string {
    const text = runbookText(severity, runbook, this.routing.dashboardName, Stack.of(this.scope).region);
    // Tokens (dashboard name, region) resolve to short strings; check the literal part only.
    if (!Token.isUnresolved(text) && text.length > MAX_ALARM_DESCRIPTION) {
      throw new Error(`Alarm runbook is ${text.length} characters; CloudWatch allows ${MAX_ALARM_DESCRIPTION}: shorten it`);
    }
    return text;
  }

  public alarm(id: string, spec: AlarmSpec): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this.scope, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
      treatMissingData: spec.treatMissingData,
      alarmDescription: this.description(spec.severity, spec.runbook),
    });
    const action = new actions.SnsAction(this.topicFor(spec.severity));
    alarm.addAlarmAction(action);
    // Pages resolve themselves in the pager when the alarm clears.
    if (spec.severity === 'critical') alarm.addOkAction(action);
    this.alarms.push(alarm);
    if (spec.severity === 'critical') this.criticalAlarms.push(alarm);
    return alarm;
  }

  /**
   * The tier's roll-up: in ALARM while any of its critical alarms is. Used as a failover-drill stop
   * condition, so warnings that a drill causes on purpose (replica lag) do not stop it. It notifies
   * the warning topic only: the alarms under it already page.
   */
  public rollUp(id: string, tier: string, runbook: Runbook): cloudwatch.CompositeAlarm {
    // A tier with warnings only (e.g. WAF) rolls up those.
    const watched = this.criticalAlarms.length > 0 ? this.criticalAlarms : this.alarms;
    if (watched.length === 0) throw new Error(`${tier}: no alarms to roll up`);
    const composite = new cloudwatch.CompositeAlarm(this.scope, id, {
      alarmRule: cloudwatch.AlarmRule.anyOf(...watched.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
      alarmDescription: this.description('warning', runbook),
    });
    composite.addAlarmAction(new actions.SnsAction(this.routing.warning));
    return composite;
  }
}

/** One-minute and five-minute periods used throughout. */
export const ONE_MINUTE = Duration.minutes(1);
export const FIVE_MINUTES = Duration.minutes(5);
