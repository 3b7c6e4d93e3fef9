/**
 * AWS Control Tower's proactive controls as a CDK validation plugin: cfn-guard (its binary ships in
 * `@cdklabs/cdk-validator-cfnguard`, nothing is downloaded) with the Control Tower guard rules, run
 * over the templates of the scope the gate is given.
 */
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isAcknowledged } from './acknowledgments';

/** The plugin's name, which is also the namespace of its acknowledgments. */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/**
 * Acknowledges a deliberate Control Tower failure on a resource (or a construct above it), by the guard
 * rule's name (e.g. `s3_bucket_default_encryption_kms_check`), with the reason it stays.
 */
export function acknowledgeControlTower(construct: IConstruct | undefined, guardRule: string, reason: string): void {
  if (construct) Validations.of(construct).acknowledge({ id: `${CONTROL_TOWER_PLUGIN}::${guardRule}`, reason });
}

/**
 * cfn-guard with every bundled Control Tower rule, limited to the templates of `scope` (CDK hands a
 * plugin every template of the root app). CDK drops acknowledged findings itself, but the CLI prints
 * (and fails on) only findings in the stacks it selected, top-level ones by default: findings in stacks
 * nested in a Stage would pass `cdk synth` without a word. So the plugin adds one construct-less
 * `ControlTower-GATE` error, never filtered, when any finding is not acknowledged, and lists them on stderr.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  public readonly name = CONTROL_TOWER_PLUGIN;
  public readonly version: string;
  private readonly guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 64 * 1024 * 1024 });

  constructor(private readonly scope: IConstruct) {
    this.version = this.guard.version ?? 'unknown';
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const stacks = new Map<string, Stack>();
    for (const c of this.scope.node.findAll()) if (Stack.isStack(c)) stacks.set(path.basename(c.templateFile), c);
    const templatePaths = context.templatePaths.filter((p) => stacks.has(path.basename(p)));
    if (templatePaths.length === 0) return { success: true, violations: [] };
    const report = this.guard.validate({ templatePaths } as never) as unknown as PolicyValidationPluginReport;
    const open: string[] = [];
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        const template = path.basename(resource.templatePath ?? '');
        const stack = stacks.get(template);
        const construct = stack?.node
          .findAll()
          .find((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack && stack.resolve(c.logicalId) === resource.resourceLogicalId);
        if (!construct || !isAcknowledged(construct, violation.ruleName)) {
          open.push(`${violation.ruleName}  ${construct?.node.path ?? `${template}:${resource.resourceLogicalId}`}  ${violation.description}`);
        }
      }
    }
    const gate: PolicyViolation[] =
      open.length === 0
        ? []
        : [
            {
              ruleName: 'ControlTower-GATE',
              description: `AWS Control Tower proactive controls (scope ${this.scope.node.path || 'app'}): ${open.length} unacknowledged finding${open.length === 1 ? '' : 's'}: ${open.join('; ')}`,
              fix: `Fix the resource, or acknowledge a deliberate failure on it: Validations.of(c).acknowledge({ id: '${CONTROL_TOWER_PLUGIN}::<guard rule>', reason })`,
              severity: 'error',
              violatingResources: [],
            },
          ];
    if (open.length > 0) process.stderr.write(`\nControl Tower (scope ${this.scope.node.path || 'app'}): ${open.length} unacknowledged finding(s)\n  ${open.join('\n  ')}\n`);
    // CDK drops acknowledged findings afterwards and recomputes success; the gate error is never dropped.
    return { success: report.violations.length === 0, violations: [...report.violations, ...gate] };
  }
}

/** The Control Tower plugin for `scope`. */
export function controlTowerPlugin(scope: IConstruct): IPolicyValidationPlugin {
  return new ControlTowerChecks(scope);
}
