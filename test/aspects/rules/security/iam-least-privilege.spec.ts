import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { IamLeastPrivilege as rule } from '../../../../lib/aspects/rules/security/iam-least-privilege';
import { enforceReadiness, evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';
import { check, flaggedPaths } from '../rule-test-kit';

/** A user's app with scoped identities and, when `admin` is set, the broad grants the rule must find. */
function userApp(admin: boolean) {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack');
  const bucket = new s3.Bucket(stack, 'Assets');
  const taskRole = new iam.Role(stack, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  bucket.grantRead(taskRole);
  taskRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'));
  // Action "*" on one bucket is broad, but not "everything on everything".
  taskRole.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [bucket.bucketArn] }));
  // A wildcard on "*" that is denied narrows, it does not grant.
  taskRole.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] }));
  const partner = new iam.Role(stack, 'PartnerRole', {
    assumedBy: new iam.AnyPrincipal().withConditions({ StringEquals: { 'sts:ExternalId': 'shop-partner-7f3a' } }),
  });
  const fixtures: Record<string, IConstruct> = { taskRole, partner };
  if (admin) {
    const ops = new iam.Role(stack, 'OpsRole', { assumedBy: new iam.AccountRootPrincipal() });
    ops.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));
    const open = new iam.Role(stack, 'OpenRole', { assumedBy: new iam.AnyPrincipal() });
    const deployer = new iam.User(stack, 'Deployer');
    deployer.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    // The L2 refuses "*:*"; a plain L1 managed policy does not.
    const starStar = new iam.CfnManagedPolicy(stack, 'StarStar', { policyDocument: { Statement: [{ Effect: 'Allow', Action: '*:*', Resource: ['*'] }] } });
    // Plain L1 with the statement as one object, and a resource from a parameter the rule cannot read.
    const l1Policy = new iam.CfnPolicy(stack, 'L1Policy', {
      policyName: 'everything',
      roles: [taskRole.roleName],
      policyDocument: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: new CfnParameter(stack, 'Target').valueAsString } },
    });
    const inline = new iam.CfnRole(stack, 'L1Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      policies: [{ policyName: 'admin', policyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: '*' }] } }],
    });
    // An escape hatch that deletes the document: the template has no PolicyDocument.
    const noDocument = new iam.CfnPolicy(stack, 'NoDocument', { policyName: 'empty', roles: [taskRole.roleName], policyDocument: { Statement: [] } });
    noDocument.addPropertyDeletionOverride('PolicyDocument');
    Object.assign(fixtures, { ops, open, deployer, starStar, l1Policy, inline, noDocument });
  }
  return { app, stack, fixtures };
}

/** A non-compliant answer names the statement or policy that grants too much. */
const NAMED_FINDING = /(Statement\.\d+ allows Action .* on (Resource|NotResource)|Statement\.\d+ trusts any principal|ManagedPolicyArns holds, or could hold, AdministratorAccess|cannot be read)/;

describe('Readiness-IAM-LEAST-PRIVILEGE', () => {
  let f: ReturnType<typeof userApp>['fixtures'];
  let stack: Stack;

  beforeAll(() => {
    ({ fixtures: f, stack } = userApp(true));
  });

  test('scoped grants, AWS managed non-admin policies, denies and a conditioned "*" trust are compliant', () => {
    expect(check(rule, f.taskRole)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.taskRole.node.findChild('DefaultPolicy'))).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(rule, f.partner)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('AdministratorAccess, a "*" trust without condition, and Allow "*" on "*" are non-compliant', () => {
    expect(check(rule, f.ops)).toEqual([expect.stringMatching(NAMED_FINDING)]);
    expect(check(rule, f.open)).toEqual([expect.stringMatching(NAMED_FINDING)]);
    expect(check(rule, f.deployer.node.findChild('DefaultPolicy'))).toEqual([expect.stringMatching(NAMED_FINDING)]);
    expect(check(rule, f.starStar)).toEqual([expect.stringMatching(NAMED_FINDING)]);
    expect(check(rule, f.inline)).toEqual([expect.stringMatching(NAMED_FINDING)]);
  });

  test('a resource the rule cannot resolve, and a missing policy document, are non-compliant', () => {
    expect(check(rule, f.l1Policy)).toEqual([expect.stringMatching(NAMED_FINDING)]);
    expect(check(rule, f.noDocument)).toEqual([expect.stringMatching(NAMED_FINDING)]);
  });

  test('an escape hatch that widens a scoped statement is seen', () => {
    const { fixtures } = userApp(false);
    const policy = fixtures.taskRole.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy;
    expect(check(rule, policy)).toBe(NagRuleCompliance.COMPLIANT);
    policy.addPropertyOverride('PolicyDocument.Statement', [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(check(rule, policy)).toEqual([expect.stringMatching(NAMED_FINDING)]);
  });

  test('the Readiness pack flags exactly the broad identities', () => {
    expect(flaggedPaths(rule, stack).sort()).toEqual([
      'UserStack/Deployer/DefaultPolicy/Resource',
      'UserStack/L1Policy',
      'UserStack/L1Role',
      'UserStack/NoDocument',
      'UserStack/OpenRole/Resource',
      'UserStack/OpsRole/Resource',
      'UserStack/StarStar',
    ]);
  });

  test('the gate reports it as an error in every stage (security), and passes the scoped app', () => {
    for (const stage of ['prod', 'staging', 'dev'] as const) {
      const evaluation = evaluateReadiness(userApp(true).app, { stage, rules: [rule], awsSolutions: false, nist: false, writeReport: false });
      // One violation per flagged resource, each naming what failed there.
      const violations = evaluation.readiness.violations;
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.ruleName === 'Readiness-IAM-LEAST-PRIVILEGE' && v.severity === 'error' && v.violatingResources.length === 1)).toBe(true);
    }
    expect(evaluateReadiness(userApp(false).app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false }).readiness.violations).toEqual([]);
  });

  test("a user's app with an administrator role fails the prod gate with Readiness-IAM-LEAST-PRIVILEGE", () => {
    const { app } = userApp(true);
    enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, nist: false, writeReport: false });
    expect(() => app.synth()).toThrow(/Readiness-IAM-LEAST-PRIVILEGE/);
  });
});
