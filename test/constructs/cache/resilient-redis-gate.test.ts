import { ReadinessChecks } from '../../../lib/aspects/readiness-checks';
import { StagedAwsSolutionsChecks } from '../../../lib/aspects/aws-solutions';
import { RuleResult } from '../../../lib/aspects/results';
import { PROD } from '../../../lib/config/stages';
import { buildStage } from '../../helpers/synth';

/** The cache's own resources; the AUTH token rotation subtree is proven by its own tests. */
const CACHE = 'Prod/Data/Cache/';
const ROTATION = 'Prod/Data/Cache/AuthTokenRotation/';
const AEC_RULES = ['AwsSolutions-AEC1', 'AwsSolutions-AEC3', 'AwsSolutions-AEC4', 'AwsSolutions-AEC5', 'AwsSolutions-AEC6'];

describe('the prod cache passes the readiness gate it answers to', () => {
  let readiness: readonly RuleResult[];
  let awsSolutions: readonly RuleResult[];
  const mine = (results: readonly RuleResult[]) =>
    results.filter((r) => r.construct.node.path.startsWith(CACHE) && !r.construct.node.path.startsWith(ROTATION));

  beforeAll(() => {
    const { app, stage } = buildStage(PROD);
    // Cross-stack references (the alarm topic) are resolved by synthesis, as in the real gate.
    app.synth();
    const pack = new ReadinessChecks(undefined, { stage: 'prod', config: PROD });
    pack.validateScope(stage);
    readiness = mine(pack.results);
    const aws = new StagedAwsSolutionsChecks(undefined, { stage: 'prod', evidenceRules: new Set(AEC_RULES) });
    aws.validateScope(stage);
    awsSolutions = mine(aws.results);
  });

  test.each(['Readiness-CACHE-HA', 'Readiness-DATA-RETENTION', 'Readiness-SECRET-ROTATION', 'Readiness-ENCRYPTION', 'Readiness-ENCRYPTION-IN-TRANSIT', 'Readiness-ALARMS', 'Readiness-CHAOS'])(
    '%s: evaluated on the cache and compliant',
    (ruleId) => {
      const results = readiness.filter((r) => r.ruleId === ruleId);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect([r.construct.node.path, r.compliance]).toEqual([r.construct.node.path, 'compliant']);
    },
  );

  test('Readiness-CACHE-HA looks at the replication group itself', () => {
    const ha = readiness.filter((r) => r.ruleId === 'Readiness-CACHE-HA');
    expect(ha.map((r) => r.construct.node.path)).toEqual(['Prod/Data/Cache/Resource']);
  });

  test('no readiness or AwsSolutions finding on the cache resources, acknowledged or not', () => {
    const findings = [...readiness, ...awsSolutions].filter((r) => r.compliance !== 'compliant' && r.compliance !== 'not-applicable');
    expect(findings.map((r) => `${r.findingId} ${r.construct.node.path}`)).toEqual([]);
  });

  test.each(AEC_RULES)('%s (ElastiCache) is compliant on the replication group', (ruleId) => {
    const results = awsSolutions.filter((r) => r.ruleId === ruleId && r.construct.node.path === 'Prod/Data/Cache/Resource');
    expect(results.map((r) => r.compliance)).toEqual(['compliant']);
  });
});
