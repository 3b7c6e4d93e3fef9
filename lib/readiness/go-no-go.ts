/**
 * The launch control room's go/no-go table (`cdk synth -c gate=launch`): every Critical and High control
 * with its status, owner and whether it blocks the launch, then the rollback triggers (deployment alarms
 * that roll a deployment back) and the pause criteria (alarms that AppConfig rolls a flag rollout back
 * on), both read from the templates.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { prop, stringOf } from '../aspects/rule-helpers';
import { elementsOf, referencedResource } from '../aspects/rules/intrinsics';
import { ReportSection, table } from './sections/section';
import { ReadinessReport } from './types';

export interface GoNoGo {
  readonly decision: 'GO' | 'NO-GO';
  readonly rows: readonly { id: string; title: string; severity: string; status: string; owner: string; blocking: boolean }[];
  /** `<resource path>: <alarm>` per deployment alarm. */
  readonly rollbackTriggers: readonly string[];
  /** `<environment path>: <alarm>` per AppConfig monitor. */
  readonly pauseCriteria: readonly string[];
}

/** An alarm reference as a reader finds it: the alarm's construct path, or the literal name/ARN. */
function alarmLabel(owner: CfnResource, value: unknown): string {
  const target = referencedResource(owner, value);
  if (target) return target.node.path;
  return stringOf(owner, value) ?? JSON.stringify(Stack.of(owner).resolve(value));
}

function cfnResources(scope: IConstruct, type: string): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type);
}

export function goNoGo(scope: IConstruct, report: ReadinessReport): GoNoGo {
  const blocking = new Set(report.gate?.blocking ?? []);
  const rows = report.controls
    .filter((c) => c.severity === 'Critical' || c.severity === 'High')
    .map((c) => ({ id: c.id, title: c.title, severity: c.severity, status: c.status, owner: c.owner, blocking: blocking.has(c.id) }));
  const rollbackTriggers: string[] = [];
  for (const service of cfnResources(scope, 'AWS::ECS::Service')) {
    const alarms = (prop(service, 'DeploymentConfiguration') as any)?.Alarms;
    if (stringOf(service, alarms?.Rollback) !== 'true') continue;
    for (const name of elementsOf(service, alarms?.AlarmNames) ?? []) rollbackTriggers.push(`${service.node.path}: ${alarmLabel(service, name)}`);
  }
  for (const group of cfnResources(scope, 'AWS::CodeDeploy::DeploymentGroup')) {
    const alarms = (prop(group, 'AlarmConfiguration') as any)?.Alarms;
    for (const a of Array.isArray(alarms) ? alarms : []) rollbackTriggers.push(`${group.node.path}: ${alarmLabel(group, a?.Name)}`);
  }
  const pauseCriteria: string[] = [];
  for (const env of cfnResources(scope, 'AWS::AppConfig::Environment')) {
    for (const m of elementsOf(env, prop(env, 'Monitors')) ?? []) pauseCriteria.push(`${env.node.path}: ${alarmLabel(env, (m as any)?.AlarmArn)}`);
  }
  const decision = blocking.size === 0 && report.gate?.passed !== false ? 'GO' : 'NO-GO';
  return { decision, rows, rollbackTriggers, pauseCriteria };
}

function list(items: readonly string[], none: string): string {
  return items.length > 0 ? items.map((i) => `- ${i}`).join('\n') : `- ${none}`;
}

/** The go/no-go as a report section (Markdown and data). */
export function goNoGoSection(scope: IConstruct, report: ReadinessReport): ReportSection {
  const g = goNoGo(scope, report);
  const markdown = [
    `Decision: **${g.decision}**${g.decision === 'NO-GO' ? ` (blocking: ${[...new Set(report.gate?.blocking ?? [])].join(', ') || 'gate errors'})` : ''}.`,
    '',
    table(['Control', 'Severity', 'Status', 'Owner', 'Blocking'], g.rows.map((r) => [`${r.id}: ${r.title}`, r.severity, r.status, r.owner, r.blocking ? '**yes**' : 'no'])),
    '',
    'Rollback triggers (deployment alarms that roll a deployment back):',
    list(g.rollbackTriggers, 'none in the templates'),
    '',
    'Pause criteria (alarms AppConfig rolls a flag rollout back on):',
    list(g.pauseCriteria, 'none in the templates'),
  ].join('\n');
  return { title: 'Launch go/no-go', markdown, data: g };
}

/** The go/no-go for a terminal. */
export function renderGoNoGoText(stage: string, g: GoNoGo): string {
  const width = Math.max(...g.rows.map((r) => r.id.length), 7);
  const lines = g.rows.map((r) => `  ${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.status.padEnd(14)}  ${r.blocking ? 'BLOCKING' : '-       '}  ${r.owner}`);
  return (
    `\nLaunch go/no-go (${stage}): ${g.decision}\n` +
    `  ${'Control'.padEnd(width)}  Severity  Status          Blocking  Owner\n${lines.join('\n')}\n` +
    `Rollback triggers:\n${list(g.rollbackTriggers, 'none in the templates').replace(/^- /gm, '  - ')}\n` +
    `Pause criteria:\n${list(g.pauseCriteria, 'none in the templates').replace(/^- /gm, '  - ')}\n`
  );
}
