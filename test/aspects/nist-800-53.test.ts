import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { StagedNistChecks } from '../../lib/aspects/nist-800-53';
import { PROD } from '../../lib/config/stages';
import { ResilientRedis } from '../../lib/constructs/cache/resilient-redis';
import { evaluateReadiness } from '../../lib/readiness/gate';
import { SecurityStack } from '../../lib/stacks/security-stack';
import { NO_BUNDLING } from '../helpers/synth';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const gateOptions = { rules: [], awsSolutions: false, writeReport: false } as const;

function appWithPlainLogGroup(acknowledged = false): App {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack', { env: ENV });
  const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
  if (acknowledged) Validations.of(group).acknowledge({ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'Test fixture: public build logs only' });
  return app;
}

const ruleNames = (r: { violations: readonly { ruleName: string }[] }) => r.violations.map((v) => v.ruleName);

describe('NIST 800-53 rev 5 in the gate', () => {
  test('prod runs the pack: an unencrypted log group is an error named after the NIST rule', () => {
    const ev = evaluateReadiness(appWithPlainLogGroup(), { stage: 'prod', ...gateOptions });
    expect(ev.nist.violations).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleName: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', severity: 'error' })]),
    );
  });

  test('an acknowledgment with a reason clears the finding', () => {
    const ev = evaluateReadiness(appWithPlainLogGroup(true), { stage: 'prod', ...gateOptions });
    expect(ruleNames(ev.nist)).not.toContain('NIST.800.53.R5-CloudWatchLogGroupEncrypted');
  });

  test('other stages do not run it unless asked', () => {
    expect(evaluateReadiness(appWithPlainLogGroup(), { stage: 'staging', ...gateOptions }).nist.violations).toEqual([]);
    expect(ruleNames(evaluateReadiness(appWithPlainLogGroup(), { stage: 'staging', nist: true, ...gateOptions }).nist)).toContain(
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    );
  });
});

describe('the security resources are NIST-clean (fixed or acknowledged)', () => {
  let violations: { ruleName: string; paths: string[] }[];

  beforeAll(() => {
    const app = new App({ context: NO_BUNDLING });
    new SecurityStack(app, 'Security', { env: ENV, config: PROD });
    const data = new Stack(app, 'Data', { env: ENV });
    const vpc = new ec2.Vpc(data, 'Vpc', {
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    new ResilientRedis(data, 'Cache', { vpc, authTokenRotation: Duration.days(30), rotationAlarmTopic: new sns.Topic(data, 'Critical') });
    const report = new StagedNistChecks(undefined, { stage: 'prod' }).validateScope(app);
    violations = report.violations.map((v) => ({ ruleName: v.ruleName, paths: v.violatingResources.map((r) => r.constructPath ?? '') }));
  });

  test('nothing under the Security stack or the AUTH token rotation is flagged', () => {
    const mine = violations.flatMap((v) => v.paths.filter((p) => p.startsWith('Security/') || p.includes('/AuthTokenRotation/')).map((p) => `${v.ruleName} ${p}`));
    expect(mine).toEqual([]);
    // The pack did run: the fixture's own VPC (public subnets routed to the internet gateway) is flagged.
    expect(violations.map((v) => v.ruleName)).toContain('NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW');
  });
});
