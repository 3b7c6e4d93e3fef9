/**
 * Which backup plans cover a resource, read from the synthesized CloudFormation: selections that
 * match its tags (or name it), their plan's rules, copy destinations and schedules.
 */
import { CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { prop, referencedLogicalId, rendered, resourcesOfType } from '../rule-helpers';

export interface CoveringRule {
  readonly plan: CfnResource;
  readonly selection: CfnResource;
  readonly ruleName: string;
  /** Hours between runs of the rule, from its cron/rate expression (undefined when unreadable). */
  readonly intervalHours?: number;
  readonly continuous: boolean;
  /** Regions the rule copies to (other than the plan's region). */
  readonly copyRegions: readonly string[];
}

/** The stage (or app) a resource belongs to: where its plans, drills and budgets are looked for. */
export function searchScope(node: IConstruct): IConstruct {
  return Stage.of(node) ?? node.node.root;
}

/** Tags of a resource as the template renders them (list or map form). */
export function tagsOf(node: CfnResource): Record<string, string> {
  const tags = rendered(node).Properties.Tags;
  const out: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const t of tags) if (t && typeof t.Key === 'string' && typeof t.Value === 'string') out[t.Key] = t.Value;
  } else if (tags && typeof tags === 'object') {
    for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The region of a stack, or undefined when the stack is environment-agnostic. */
export function regionOf(node: IConstruct): string | undefined {
  const region = Stack.of(node).region;
  return Token.isUnresolved(region) ? undefined : region;
}

const TAG_KEY = /^aws:ResourceTag\/(.+)$/;

function selectionMatches(selection: CfnResource, node: CfnResource): boolean {
  const body = rendered(selection).Properties.BackupSelection ?? {};
  const tags = tagsOf(node);
  const ownId = Stack.of(node) === Stack.of(selection) ? Stack.of(node).resolve(node.logicalId) : undefined;
  const resources: unknown[] = Array.isArray(body.Resources) ? body.Resources : [];
  const named = resources.some((r) => JSON.stringify(r).includes(`"${ownId}"`) && ownId !== undefined);
  const wildcard = resources.some((r) => r === '*' || r === 'arn:aws:rds:*:*:cluster:*');
  const listOfTags: any[] = Array.isArray(body.ListOfTags) ? body.ListOfTags : [];
  const byTag = listOfTags.some((t) => t?.ConditionType === 'STRINGEQUALS' && tags[t.ConditionKey] === t.ConditionValue);
  const conditions: any[] = Array.isArray(body.Conditions?.StringEquals) ? body.Conditions.StringEquals : [];
  const conditionsHold = conditions.every((c) => {
    const key = TAG_KEY.exec(String(c?.ConditionKey ?? ''));
    return key !== null && tags[key[1]] === c.ConditionValue;
  });
  if (!conditionsHold) return false;
  return named || byTag || (wildcard && (conditions.length > 0 || listOfTags.length === 0));
}

/** Hours between runs of a schedule expression; undefined when it cannot be read. */
export function intervalHoursOf(expression: unknown): number | undefined {
  if (typeof expression !== 'string') return undefined;
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate) return Number(rate[1]) * (rate[2].startsWith('minute') ? 1 / 60 : rate[2].startsWith('hour') ? 1 : 24);
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const [, , hour, dom, , dow] = cron;
  if (dom !== '*' && dom !== '?') return 24 * 30;
  if (dow !== '*' && dow !== '?') return 24 * 7 / dow.split(',').length;
  if (hour === '*') return 1;
  const step = /^(\d+|\*)\/(\d+)$/.exec(hour);
  if (step) return Number(step[2]);
  if (/^\d+(,\d+)*$/.test(hour)) return 24 / hour.split(',').length;
  return undefined;
}

function copyRegionsOf(rule: any, planRegion: string | undefined): string[] {
  const actions: any[] = Array.isArray(rule?.CopyActions) ? rule.CopyActions : [];
  const regions: string[] = [];
  for (const action of actions) {
    const m = /:backup:([a-z]{2}(?:-gov)?-[a-z]+-\d):/.exec(JSON.stringify(action?.DestinationBackupVaultArn ?? ''));
    if (m && planRegion !== undefined && m[1] !== planRegion) regions.push(m[1]);
  }
  return regions;
}

/** Every backup plan rule that covers `node` through a selection in its stage. */
export function coveringRules(node: CfnResource): CoveringRule[] {
  const scope = searchScope(node);
  const out: CoveringRule[] = [];
  for (const selection of resourcesOfType(scope, 'AWS::Backup::BackupSelection')) {
    if (regionOf(selection) !== regionOf(node) || regionOf(node) === undefined) continue;
    if (!selectionMatches(selection, node)) continue;
    const planId = referencedLogicalId(selection, prop(selection, 'BackupPlanId'));
    const plan = resourcesOfType(Stack.of(selection), 'AWS::Backup::BackupPlan').find((p) => Stack.of(p).resolve(p.logicalId) === planId);
    if (!plan) continue;
    const rules: any[] = rendered(plan).Properties.BackupPlan?.BackupPlanRule ?? [];
    for (const rule of rules) {
      out.push({
        plan,
        selection,
        ruleName: String(rule?.RuleName ?? '(unnamed)'),
        intervalHours: intervalHoursOf(rule?.ScheduleExpression),
        continuous: rule?.EnableContinuousBackup === true,
        copyRegions: copyRegionsOf(rule, regionOf(plan)),
      });
    }
  }
  return out;
}
