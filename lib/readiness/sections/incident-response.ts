/**
 * Report section of incident response: which tool is in force, the incident levels and the escalation
 * matrix from the stage config, and the response plans and the alarms that start incidents, read from
 * the templates.
 */
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { INCIDENT_LEVELS } from '../../config/stage-config';
import { jsonOf, prop, stringOf } from '../../aspects/rule-helpers';
import { ReportSection, ReportSectionContext, table } from './section';

export function incidentResponseSection(scope: IConstruct, context: ReportSectionContext): ReportSection | undefined {
  const incident = context.config?.incident;
  const resources = scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
  const plans = resources.filter((r) => r.cfnResourceType === 'AWS::SSMIncidents::ResponsePlan');
  if (!incident && plans.length === 0) return undefined;
  const starters = resources.filter(
    (r) => (r.cfnResourceType === 'AWS::CloudWatch::Alarm' || r.cfnResourceType === 'AWS::CloudWatch::CompositeAlarm') && jsonOf(r.stack.resolve(prop(r, 'AlarmActions')) ?? []).includes(':ssm-incidents::'),
  );
  const tool =
    !incident ? 'not configured (response plans found in the templates)'
    : incident.tool === 'incident-manager' ? 'AWS Systems Manager Incident Manager (the pager path on the critical topic stays as well)'
    : `${incident.tool}: the pager path on the critical topic is the route; no Incident Manager resources`;
  const parts = [`Tool in force: **${tool}**.`];
  if (incident) {
    parts.push(
      '',
      table(['Level', 'Impact', 'Summary', 'Engages', 'Runbook'], INCIDENT_LEVELS.map((l) => [l, incident.levels[l].impact, incident.levels[l].summary, incident.levels[l].engage === 'escalation' ? 'escalation plan' : `commander (${incident.commander})`, incident.levels[l].runbookUrl])),
      '',
      'Escalation matrix:',
      table(
        ['Step', 'Who', 'Engaged after'],
        [
          ['1. primary on-call', incident.primaryRotation.join(' -> '), '0 min'],
          ['2. secondary on-call', incident.secondaryRotation.join(' -> '), `${incident.escalation.primaryMinutes} min`],
          ['3. incident commander', incident.commander, `${incident.escalation.primaryMinutes + incident.escalation.secondaryMinutes} min`],
        ],
      ),
      '',
      `Rotation: ${incident.rotation.shiftDays}-day shifts, hand-off ${incident.rotation.handOffTime} ${incident.rotation.timeZoneId}. ` +
        `Critical alarms start ${incident.routing.criticalAlarms}, tier roll-ups ${incident.routing.tierRollUps}, security findings ${incident.routing.securityFindings}.`,
    );
  }
  if (plans.length > 0) {
    parts.push('', table(['Response plan', 'Name', 'Impact'], plans.map((p) => [p.node.path, stringOf(p, prop(p, 'Name')) ?? '?', (prop(p, 'IncidentTemplate') as any)?.Impact ?? '?'])));
  }
  parts.push('', `Alarms that start an incident: ${starters.length}${starters.length > 0 ? ` (e.g. ${starters.slice(0, 3).map((s) => s.node.path).join(', ')})` : ''}.`);
  return {
    title: 'Incident response',
    markdown: parts.join('\n'),
    data: { tool: incident?.tool ?? 'none', levels: incident?.levels, responsePlans: plans.map((p) => p.node.path), alarmsStartingIncidents: starters.map((s) => s.node.path) },
  };
}
