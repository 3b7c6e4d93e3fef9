import { App, CfnCondition, CfnParameter, CfnResource, Fn, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag';
import { explore, MAX_UNDECIDED, TOO_MANY_CONDITIONS } from '../../lib/aspects/conditions';
import { ReadinessChecks, ruleContextFor } from '../../lib/aspects/readiness-checks';
import { combineResourceResults } from '../../lib/aspects/rule';
import { prop, rendered, withRuleCaches } from '../../lib/aspects/rule-helpers';
import { CacheHighlyAvailable } from '../../lib/aspects/rules/cache/cache-highly-available';
import { DatabaseBackedUp } from '../../lib/aspects/rules/database/database-backed-up';
import { DatabaseHighlyAvailable } from '../../lib/aspects/rules/database/database-highly-available';
import { SecretRotatedWithCmk } from '../../lib/aspects/rules/secrets/secret-rotated-with-cmk';
import { AuditTrailEnabled } from '../../lib/aspects/rules/security/audit-trail-enabled';
import { IamLeastPrivilege } from '../../lib/aspects/rules/security/iam-least-privilege';
import { evaluateReadiness } from '../../lib/readiness/gate';
import { NO_BUNDLING } from '../helpers/synth';
import { check, flaggedPaths } from './rules/rule-test-kit';

const NO_VALUE = Fn.ref('AWS::NoValue');
const isFailure = (r: unknown) => r === NagRuleCompliance.NON_COMPLIANT || (Array.isArray(r) && r.length > 0);

/** A stack in a fresh app; `region` fixes AWS::Region (conditions over it become decidable). */
function stackIn(region?: string): Stack {
  return new Stack(new App({ context: NO_BUNDLING }), 'Conditional', region ? { env: { region, account: '111111111111' } } : {});
}

/** A parameter-driven condition: never decidable (the parameter can be overridden at deploy). */
function parameterCondition(stack: Stack, id: string): CfnCondition {
  const p = new CfnParameter(stack, `${id}Param`, { type: 'String', default: 'yes', allowedValues: ['yes', 'no'] });
  return new CfnCondition(stack, id, { expression: Fn.conditionEquals(p.valueAsString, 'yes') });
}

/** An Aurora cluster with a writer and one reader that carries `condition` (or none). */
function aurora(stack: Stack, id: string, condition?: CfnCondition): { cluster: rds.CfnDBCluster; reader: rds.CfnDBInstance } {
  const cluster = new rds.CfnDBCluster(stack, id, { engine: 'aurora-postgresql' });
  const member = (mid: string) => new rds.CfnDBInstance(stack, `${id}${mid}`, { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
  member('Writer');
  const reader = member('Reader');
  if (condition) reader.cfnOptions.condition = condition;
  return { cluster, reader };
}

describe('conditions: a resource that may not be deployed never counts in favour', () => {
  test('a reader with a parameter condition does not make an Aurora cluster highly available', () => {
    const stack = stackIn();
    const { cluster } = aurora(stack, 'Db', parameterCondition(stack, 'WithReader'));
    const twin = aurora(stack, 'Twin').cluster;
    expect(isFailure(check(DatabaseHighlyAvailable, cluster))).toBe(true);
    expect(check(DatabaseHighlyAvailable, twin)).toBe(NagRuleCompliance.COMPLIANT);
    expect(flaggedPaths(DatabaseHighlyAvailable, stack)).toEqual([cluster.node.path]);
  });

  test('a condition the stack env decides is resolved: true keeps the reader, false drops it', () => {
    const stack = stackIn('eu-west-1');
    const inRegion = new CfnCondition(stack, 'InIreland', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1') });
    const elsewhere = new CfnCondition(stack, 'NotInIreland', { expression: Fn.conditionNot(inRegion) });
    const kept = aurora(stack, 'Kept', inRegion).cluster;
    const dropped = aurora(stack, 'Dropped', elsewhere).cluster;
    expect(check(DatabaseHighlyAvailable, kept)).toBe(NagRuleCompliance.COMPLIANT);
    expect(isFailure(check(DatabaseHighlyAvailable, dropped))).toBe(true);
  });

  test('Fn::And / Fn::Or over a parameter stay undecided even when one side is decided', () => {
    const stack = stackIn('eu-west-1');
    const p = parameterCondition(stack, 'Flag');
    const and = new CfnCondition(stack, 'RegionAndFlag', { expression: Fn.conditionAnd(Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1'), p) });
    const or = new CfnCondition(stack, 'RegionOrFlag', { expression: Fn.conditionOr(Fn.conditionEquals(Fn.ref('AWS::Region'), 'eu-west-1'), p) });
    expect(isFailure(check(DatabaseHighlyAvailable, aurora(stack, 'And', and).cluster))).toBe(true);
    // Or(true, anything) is true in every deployment.
    expect(check(DatabaseHighlyAvailable, aurora(stack, 'Or', or).cluster)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a conditional rotation schedule does not make a secret rotated', () => {
    const stack = stackIn();
    const key = new kms.Key(stack, 'Key');
    const rotated = (id: string, condition?: CfnCondition) => {
      const secret = new secretsmanager.CfnSecret(stack, id, { kmsKeyId: key.keyArn, generateSecretString: {} });
      const schedule = new secretsmanager.CfnRotationSchedule(stack, `${id}Rotation`, {
        secretId: secret.ref,
        rotationLambdaArn: 'arn:aws:lambda:eu-west-1:111111111111:function:rotate',
        rotationRules: { scheduleExpression: 'rate(30 days)' },
      });
      if (condition) schedule.cfnOptions.condition = condition;
      return secret;
    };
    const conditional = rotated('Conditional', parameterCondition(stack, 'Rotate'));
    const always = rotated('Always');
    expect(isFailure(check(SecretRotatedWithCmk, conditional))).toBe(true);
    expect(check(SecretRotatedWithCmk, always)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a resource whose own condition is decided false is not applicable; undecided, it must comply', () => {
    const stack = stackIn('eu-west-1');
    const never = new CfnCondition(stack, 'Never', { expression: Fn.conditionEquals(Fn.ref('AWS::Region'), 'us-east-1') });
    const single = new rds.CfnDBInstance(stack, 'Single', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' });
    single.cfnOptions.condition = never;
    expect(check(DatabaseHighlyAvailable, single)).toBe(NagRuleCompliance.NOT_APPLICABLE);
    const maybe = new rds.CfnDBInstance(stack, 'Maybe', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' });
    maybe.cfnOptions.condition = parameterCondition(stack, 'Create');
    expect(isFailure(check(DatabaseHighlyAvailable, maybe))).toBe(true);
  });

  test('a scope rule does not count a conditional trail', () => {
    const stack = stackIn();
    const key = new kms.Key(stack, 'TrailKey');
    const trail = new cloudtrail.CfnTrail(stack, 'Trail', {
      isLogging: true,
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
      kmsKeyId: key.keyArn,
      s3BucketName: 'audit-bucket',
    });
    const context = ruleContextFor('prod');
    expect(AuditTrailEnabled.check(stack, context).compliant).toBe(true);
    trail.cfnOptions.condition = parameterCondition(stack, 'Audit');
    const result = AuditTrailEnabled.check(stack, context);
    expect(result.compliant).toBe(false);
    expect(result.findings.join(' ')).toMatch(/AuditParam = "yes" is false/);
  });
});

describe('the gate', () => {
  test('fails a prod app whose only reader is conditional, naming the world; passes its unconditional twin', () => {
    const build = (conditional: boolean) => {
      const stack = stackIn();
      aurora(stack, 'Orders', conditional ? parameterCondition(stack, 'WithReader') : undefined);
      return stack;
    };
    const options = { stage: 'prod' as const, rules: [DatabaseHighlyAvailable], awsSolutions: false, nist: false, writeReport: false };
    const failing = evaluateReadiness(build(true).node.root, options);
    expect(failing.readiness.violations).toEqual([
      expect.objectContaining({
        ruleName: 'Readiness-DB-HA',
        severity: 'error',
        violatingResources: [
          expect.objectContaining({ constructPath: 'Conditional/Orders', locations: ['the Aurora cluster has 1 AWS::RDS::DBInstance, needs 2 or more (a writer and a reader) (where WithReaderParam = "yes" is false)'] }),
        ],
      }),
    ]);
    expect(failing.results.find((r) => r.ruleId === 'Readiness-DB-HA')?.message).toMatch(/WithReaderParam = "yes" is false/);
    expect(evaluateReadiness(build(false).node.root, options).readiness.violations).toEqual([]);
  });
});

describe('nested stacks', () => {
  test('a trail in a nested stack whose stack resource is conditional does not count', () => {
    const stack = stackIn();
    const nested = new NestedStack(stack, 'Audit');
    const key = new kms.Key(nested, 'TrailKey');
    new cloudtrail.CfnTrail(nested, 'Trail', { isLogging: true, isMultiRegionTrail: true, enableLogFileValidation: true, kmsKeyId: key.keyArn, s3BucketName: 'audit-bucket' });
    const context = ruleContextFor('prod');
    expect(AuditTrailEnabled.check(stack, context).compliant).toBe(true);
    nested.nestedStackResource!.cfnOptions.condition = parameterCondition(stack, 'WithAudit');
    expect(AuditTrailEnabled.check(stack, context)).toMatchObject({ compliant: false, findings: [expect.stringMatching(/WithAuditParam = "yes" is false/)] });
  });
});

describe('Fn::If: compliant only when every branch is', () => {
  test('MultiAZ chosen by a parameter condition is non-compliant; the same value in both branches is compliant', () => {
    const stack = stackIn();
    const cond = parameterCondition(stack, 'Ha');
    const instance = (id: string, multiAz: unknown) => {
      const i = new rds.CfnDBInstance(stack, id, { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' });
      i.addPropertyOverride('MultiAZ', multiAz);
      return i;
    };
    expect(isFailure(check(DatabaseHighlyAvailable, instance('Either', Fn.conditionIf(cond.logicalId, true, false))))).toBe(true);
    expect(check(DatabaseHighlyAvailable, instance('Both', Fn.conditionIf(cond.logicalId, true, 'true')))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('ManagedPolicyArns Fn::If(cond, ReadOnlyAccess, AWS::NoValue) (as CDK EKS renders it) is not admin access', () => {
    const stack = stackIn();
    const cond = new CfnCondition(stack, 'HasPartition', { expression: Fn.conditionEquals(Fn.ref('AWS::Partition'), 'aws') });
    const role = (id: string, policy: string) =>
      new iam.CfnRole(stack, id, {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        managedPolicyArns: [Fn.conditionIf(cond.logicalId, `arn:aws:iam::aws:policy/${policy}`, NO_VALUE).toString()],
      });
    expect(check(IamLeastPrivilege, role('ReadOnly', 'ReadOnlyAccess'))).toBe(NagRuleCompliance.COMPLIANT);
    expect(isFailure(check(IamLeastPrivilege, role('Admin', 'AdministratorAccess')))).toBe(true);
  });

  test("CDK's EKS cluster (kubectl handler role with the HasEcrPublic condition) is not flagged as admin access", () => {
    const stack = stackIn();
    new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_32,
      kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:eu-west-1:111111111111:layer:kubectl:1') },
    });
    expect(JSON.stringify(stack.resolve(stack.node.findAll().map((c) => (CfnResource.isCfnResource(c) ? (c as any)._toCloudFormation() : {}))))).toMatch(/"Fn::If":\["\w*HasEcrPublic/);
    expect(new ReadinessChecks(undefined, { stage: 'prod', rules: [IamLeastPrivilege] }).validateScope(stack).violations).toEqual([]);
  });

  test('a deletion policy that is not Snapshot in one branch fails DB-BACKUP', () => {
    const stack = stackIn();
    const cond = parameterCondition(stack, 'Keep');
    const cluster = new rds.CfnDBCluster(stack, 'Cluster', {
      engine: 'aurora-postgresql',
      backupRetentionPeriod: Fn.conditionIf(cond.logicalId, 14, 1) as any,
      deletionProtection: true,
      storageEncrypted: true,
    });
    cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    const result = check(DatabaseBackedUp, cluster);
    expect(isFailure(result)).toBe(true);
    expect(JSON.stringify(result)).toMatch(/BackupRetentionPeriod/);
    expect(JSON.stringify(result)).toMatch(/KeepParam = \\"yes\\" is false/);
  });
});

describe('AWS::NoValue is absent', () => {
  function cache(stack: Stack, id: string, authToken: unknown): elasticache.CfnReplicationGroup {
    const g = new elasticache.CfnReplicationGroup(stack, id, {
      replicationGroupDescription: id,
      engine: 'valkey',
      cacheNodeType: 'cache.r7g.large',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      snapshotRetentionLimit: 7,
    });
    g.addPropertyOverride('AuthToken', authToken);
    g.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    return g;
  }

  test('an AuthToken overridden to AWS::NoValue is no AUTH token', () => {
    const stack = stackIn();
    expect(isFailure(check(CacheHighlyAvailable, cache(stack, 'NoAuth', NO_VALUE)))).toBe(true);
    expect(check(CacheHighlyAvailable, cache(stack, 'Auth', '{{resolve:secretsmanager:cache-auth:SecretString:token}}'))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('AWS::NoValue is dropped from properties, lists and nested objects', () => {
    const stack = stackIn();
    const r = new CfnResource(stack, 'Thing', {
      type: 'AWS::Test::Thing',
      properties: { Gone: NO_VALUE, List: ['a', NO_VALUE, 'b'], Nested: { Keep: 1, Drop: NO_VALUE } },
    });
    expect(prop(r, 'Gone')).toBeUndefined();
    expect(prop(r, 'List')).toEqual(['a', 'b']);
    expect(prop(r, 'Nested')).toEqual({ Keep: 1 });
    expect('Gone' in rendered(r).Properties).toBe(false);
  });

  test('MultiAZ set to AWS::NoValue is not Multi-AZ', () => {
    const stack = stackIn();
    const i = new rds.CfnDBInstance(stack, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', multiAz: true });
    i.addPropertyOverride('MultiAZ', NO_VALUE);
    expect(isFailure(check(DatabaseHighlyAvailable, i))).toBe(true);
  });
});

describe('worlds: bounded, explored lazily, cached per world', () => {
  test('a rule that reads no condition runs once; each undecided condition it reads doubles the worlds', () => {
    const stack = stackIn();
    const conditions = [0, 1, 2].map((i) => parameterCondition(stack, `C${i}`));
    const r = new CfnResource(stack, 'R', { type: 'AWS::Test::Thing', properties: { A: Fn.conditionIf(conditions[0].logicalId, 1, 2), B: 3 } });
    expect(explore(() => prop(r, 'B')).outcomes).toHaveLength(1);
    expect(explore(() => prop(r, 'A')).outcomes.map((o) => o.value).sort()).toEqual([1, 2]);
  });

  test(`more than ${MAX_UNDECIDED} undecided conditions in one check prove nothing`, () => {
    const stack = stackIn();
    const cluster = new rds.CfnDBCluster(stack, 'Db', { engine: 'aurora-postgresql' });
    for (let i = 0; i <= MAX_UNDECIDED; i++) {
      const reader = new rds.CfnDBInstance(stack, `Member${i}`, { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
      reader.cfnOptions.condition = parameterCondition(stack, `Has${i}`);
    }
    expect(check(DatabaseHighlyAvailable, cluster)).toEqual([TOO_MANY_CONDITIONS]);
  });

  test('per-run caches key on the world: the same resources checked twice in one run give the same answers', () => {
    const stack = stackIn();
    const { cluster } = aurora(stack, 'Db', parameterCondition(stack, 'WithReader'));
    const twin = aurora(stack, 'Twin').cluster;
    const context = ruleContextFor('prod');
    const answers = withRuleCaches(() => [0, 1].map(() => [cluster, twin].map((c) => DatabaseHighlyAvailable.check(c, context))));
    expect(answers[0]).toEqual(answers[1]);
    expect(isFailure(answers[0][0])).toBe(true);
    expect(answers[0][1]).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('combining: non-compliant anywhere is non-compliant; not applicable everywhere is not applicable', () => {
    const w = (value: any, choices: Array<{ label: string; value: boolean }> = []) => ({ world: { choices }, value });
    expect(combineResourceResults({ exceeded: false, outcomes: [w(NagRuleCompliance.COMPLIANT, [{ label: 'x', value: false }]), w(NagRuleCompliance.NOT_APPLICABLE, [{ label: 'x', value: true }])] })).toBe(
      NagRuleCompliance.COMPLIANT,
    );
    expect(combineResourceResults({ exceeded: false, outcomes: [w(NagRuleCompliance.NOT_APPLICABLE), w(NagRuleCompliance.NOT_APPLICABLE)] })).toBe(NagRuleCompliance.NOT_APPLICABLE);
    // Descriptions become one finding that says where each holds; a short finding ID that holds everywhere stays an ID.
    expect(
      combineResourceResults({ exceeded: false, outcomes: [w(['A is 1', 'no-drill'], [{ label: 'x', value: false }]), w(['A is 1', 'B is 2', 'no-drill'], [{ label: 'x', value: true }])] }),
    ).toEqual(['no-drill', 'A is 1; B is 2 (where x is true)']);
    // A finding that holds wherever x is false names only x, not the other choices of those worlds.
    const x = (value: boolean) => ({ label: 'x', value });
    const y = (value: boolean) => ({ label: 'y', value });
    expect(combineResourceResults({ exceeded: false, outcomes: [w(['F is 0'], [x(false), y(false)]), w(['F is 0'], [x(false), y(true)]), w(NagRuleCompliance.COMPLIANT, [x(true)])] })).toEqual([
      'F is 0 (where x is false)',
    ]);
  });
});
