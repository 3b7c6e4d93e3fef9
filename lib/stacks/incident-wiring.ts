import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { IncidentConfig } from '../config/stage-config';
import { IncidentStack } from './incident-stack';

/** True when the alarm's description marks it critical (`[CRITICAL] ...`, as AlarmKit writes it). */
export function isCriticalAlarm(alarm: cloudwatch.AlarmBase): boolean {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm | cloudwatch.CfnCompositeAlarm | undefined;
  const description = cfn?.alarmDescription;
  return typeof description === 'string' && description.startsWith('[CRITICAL]');
}

/**
 * Adds a "start incident" action to every critical alarm of `scope` (routing.criticalAlarms) and to the
 * tier roll-ups (routing.tierRollUps), beside their SNS actions. Alarms in a region the replication set
 * does not cover keep paging only. The alarm's stack deploys after the response plans.
 */
export function startIncidentsFromAlarms(
  scope: IConstruct,
  incident: IncidentStack,
  config: IncidentConfig,
  regions: readonly string[],
  rollUps: readonly (cloudwatch.IAlarm | undefined)[],
): void {
  const covered = new Set(regions);
  const rollUpSet = new Set(rollUps.filter((a) => a !== undefined));
  const wire = (alarm: cloudwatch.AlarmBase, level: typeof config.routing.criticalAlarms) => {
    const stack = Stack.of(alarm);
    if (!covered.has(stack.region)) return;
    alarm.addAlarmAction(incident.incidents.alarmAction(level));
    if (stack !== incident) stack.addStackDependency(incident, 'alarms start incidents with its response plans');
  };
  for (const c of scope.node.findAll()) {
    if (!(c instanceof cloudwatch.AlarmBase)) continue;
    if (rollUpSet.has(c)) wire(c, config.routing.tierRollUps);
    else if (isCriticalAlarm(c)) wire(c, config.routing.criticalAlarms);
  }
}
