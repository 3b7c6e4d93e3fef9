import { Duration, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

export interface CustomerRolloutProps {
  /** Name of the AppConfig application, e.g. `shop`. */
  readonly applicationName: string;
  /** Name of this stage's environment, e.g. `prod`. */
  readonly environmentName: string;
  /**
   * Alarms AppConfig watches during a deployment and the bake: one in ALARM rolls the flags back (1-5).
   * Pass the service's critical alarms or its tier roll-up.
   */
  readonly monitors: readonly cloudwatch.IAlarm[];
  /**
   * `linear`: `growthPercent` more clients every step; `canary`: `growthPercent` first, then growing exponentially.
   * @default linear
   */
  readonly strategy?: 'linear' | 'canary';
  /** Time to reach every client (0-24 h). */
  readonly deploymentDuration: Duration;
  /** Percent of clients per step (linear) or in the canary (1-100). */
  readonly growthPercent: number;
  /** Time AppConfig keeps watching the monitors after 100% (0-24 h). */
  readonly finalBake: Duration;
  /** Launch flags and their initial state. */
  readonly flags: Readonly<Record<string, boolean>>;
}

const minutesIn = (d: unknown, hi: number) => d instanceof Duration && Number.isInteger(d.toMinutes({ integral: false })) && d.toMinutes() >= 0 && d.toMinutes() <= hi;

const RULES: readonly ValidationRule<CustomerRolloutProps>[] = [
  { field: 'applicationName', value: (p) => p.applicationName, check: (v) => typeof v === 'string' && v.length >= 1 && v.length <= 64, fix: 'use a name of 1-64 characters' },
  { field: 'environmentName', value: (p) => p.environmentName, check: (v) => typeof v === 'string' && v.length >= 1 && v.length <= 64, fix: 'use a name of 1-64 characters' },
  { field: 'monitors', value: (p) => p.monitors.length, check: (v) => v >= 1 && v <= 5, fix: 'pass 1 to 5 alarms (AppConfig rolls back when one of them fires)' },
  { field: 'strategy', value: (p) => p.strategy, check: (v) => v === undefined || v === 'linear' || v === 'canary', fix: 'use linear or canary' },
  { field: 'deploymentDuration', value: (p) => p.deploymentDuration, check: (v) => minutesIn(v, 1440), fix: 'use whole minutes from 0 to 1440' },
  { field: 'growthPercent', value: (p) => p.growthPercent, check: (v) => typeof v === 'number' && v >= 1 && v <= 100, fix: 'use 1 to 100 percent' },
  { field: 'finalBake', value: (p) => p.finalBake, check: (v) => minutesIn(v, 1440), fix: 'use whole minutes from 0 to 1440' },
  { field: 'flags', value: (p) => Object.keys(p.flags), check: (v: string[]) => v.length > 0 && v.every((k) => /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(k)), fix: 'name at least one flag; keys start with a letter, then letters, digits, _ or - (at most 64)' },
];

/**
 * Customer rollout with AWS AppConfig: an application, this stage's environment whose monitors are
 * the given alarms (an alarm during a rollout or its bake rolls the change back: the rollout pause
 * criteria), a linear or canary deployment strategy, and a feature-flag profile with the launch flags.
 * Services read the flags through the AppConfig agent (sidecar) or the AppConfigData API.
 */
export class CustomerRollout extends Construct {
  public readonly application: appconfig.CfnApplication;
  public readonly environment: appconfig.CfnEnvironment;
  public readonly strategy: appconfig.CfnDeploymentStrategy;
  public readonly flagsProfile: appconfig.CfnConfigurationProfile;
  /** The role AppConfig assumes to read the monitors' state. */
  public readonly monitorRole: iam.Role;

  constructor(scope: Construct, id: string, props: CustomerRolloutProps) {
    super(scope, id);
    assertValid(`CustomerRollout "${this.node.path}"`, props, RULES);
    const stack = Stack.of(this);

    this.application = new appconfig.CfnApplication(this, 'Application', { name: props.applicationName, description: 'Launch flags, rolled out under alarm guard' });
    const monitorPolicy = new iam.ManagedPolicy(this, 'MonitorPolicy', {
      description: 'Read the state of the rollout monitors',
      statements: [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: props.monitors.map((a) => a.alarmArn) })],
    });
    this.monitorRole = new iam.Role(this, 'MonitorRole', {
      assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'Lets AppConfig read the state of the rollout monitors',
      managedPolicies: [monitorPolicy],
    });
    this.environment = new appconfig.CfnEnvironment(this, 'Environment', {
      applicationId: this.application.ref,
      name: props.environmentName,
      description: 'Rolled back automatically while a monitor is in ALARM',
      monitors: props.monitors.map((a) => ({ alarmArn: a.alarmArn, alarmRoleArn: this.monitorRole.roleArn })),
    });
    const canary = props.strategy === 'canary';
    this.strategy = new appconfig.CfnDeploymentStrategy(this, 'Strategy', {
      name: `${props.applicationName}-${props.environmentName}-${canary ? 'canary' : 'linear'}`,
      deploymentDurationInMinutes: props.deploymentDuration.toMinutes(),
      growthFactor: props.growthPercent,
      growthType: canary ? 'EXPONENTIAL' : 'LINEAR',
      finalBakeTimeInMinutes: props.finalBake.toMinutes(),
      replicateTo: 'NONE',
    });
    this.flagsProfile = new appconfig.CfnConfigurationProfile(this, 'LaunchFlags', {
      applicationId: this.application.ref,
      name: 'launch-flags',
      locationUri: 'hosted',
      type: 'AWS.AppConfig.FeatureFlags',
    });
    const names = Object.keys(props.flags);
    new appconfig.CfnHostedConfigurationVersion(this, 'LaunchFlagsVersion', {
      applicationId: this.application.ref,
      configurationProfileId: this.flagsProfile.ref,
      contentType: 'application/json',
      content: JSON.stringify({
        version: '1',
        flags: Object.fromEntries(names.map((n) => [n, { name: n }])),
        values: Object.fromEntries(names.map((n) => [n, { enabled: props.flags[n] }])),
      }),
    });
  }
}
