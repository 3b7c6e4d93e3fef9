import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { AuditTrailEnabled as rule } from '../../../../lib/aspects/rules/security/audit-trail-enabled';
import { enforceReadiness, evaluateReadiness } from '../../../../lib/readiness/gate';
import { NO_BUNDLING } from '../../../helpers/synth';

function userApp(withTrail: 'good' | 'weak' | 'none'): { app: App; stack: Stack } {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'UserStack');
  new s3.Bucket(stack, 'Assets', { removalPolicy: RemovalPolicy.RETAIN });
  if (withTrail === 'good') {
    new cloudtrail.Trail(stack, 'Trail', {
      isMultiRegionTrail: true,
      enableFileValidation: true,
      encryptionKey: new kms.Key(stack, 'TrailKey', { enableKeyRotation: true }),
    });
  }
  if (withTrail === 'weak') {
    // Single-region, no validation, no KMS: a trail, but not an audit trail.
    new cloudtrail.CfnTrail(stack, 'Trail', { isLogging: true, s3BucketName: 'some-bucket', isMultiRegionTrail: false });
  }
  return { app, stack };
}

describe('Readiness-AUDIT-TRAIL', () => {
  test('a multi-region, validated, KMS-encrypted trail is compliant, with the trail as evidence', () => {
    const { app } = userApp('good');
    const result = rule.check(app, ruleContextFor('prod'));
    expect(result.compliant).toBe(true);
    expect(result.evidence.map((e) => e.resourceType)).toEqual(['AWS::CloudTrail::Trail']);
  });

  test('a trail without multi-region, validation and KMS is non-compliant and says what is missing', () => {
    const { app } = userApp('weak');
    const result = rule.check(app, ruleContextFor('prod'));
    expect(result.compliant).toBe(false);
    expect(result.findings.join(' ')).toMatch(/IsMultiRegionTrail is not true, EnableLogFileValidation is not true, KMSKeyId is missing/);
  });

  test('an override that turns validation off is seen (escape hatch)', () => {
    const { app, stack } = userApp('good');
    (stack.node.findChild('Trail').node.defaultChild as cloudtrail.CfnTrail).addPropertyOverride('EnableLogFileValidation', false);
    expect(rule.check(app, ruleContextFor('prod')).compliant).toBe(false);
  });

  test('no trail at all is non-compliant', () => {
    const { app } = userApp('none');
    expect(rule.check(app, ruleContextFor('prod')).findings).toEqual(['There is no AWS::CloudTrail::Trail.']);
  });

  test('the gate reports it as an error in prod and a warning in staging', () => {
    const prod = evaluateReadiness(userApp('none').app, { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(prod.scopeRules.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-AUDIT-TRAIL', severity: 'error' })]);
    const staging = evaluateReadiness(userApp('none').app, { stage: 'staging', rules: [rule], awsSolutions: false, writeReport: false });
    expect(staging.scopeRules.violations).toEqual([expect.objectContaining({ ruleName: 'Readiness-AUDIT-TRAIL', severity: 'warning' })]);
    const good = evaluateReadiness(userApp('good').app, { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(good.scopeRules.violations).toEqual([]);
  });

  test("a user's app without a trail fails the prod gate with Readiness-AUDIT-TRAIL", () => {
    const { app } = userApp('none');
    enforceReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false });
    expect(() => app.synth()).toThrow(/Readiness-AUDIT-TRAIL|Validation failed/);
  });
  test('no trail, but an organization trail declared with its provider and evidence: conditional, in the report too', () => {
    const provided = { mode: 'provided', providedBy: 'AWS Control Tower organization trail', evidenceUrl: 'https://landing-zone.example.com/trail' };
    const { app } = userApp('none');
    const result = rule.check(app, ruleContextFor('prod', undefined, { securityBaseline: provided }));
    expect(result.compliant).toBe(true);
    expect(result.conditional).toMatch(/AWS Control Tower organization trail; evidence https:\/\/landing-zone\.example\.com\/trail\), to be proven live/);
    const run = evaluateReadiness(app, { stage: 'prod', rules: [rule], awsSolutions: false, writeReport: false, settings: { securityBaseline: provided } });
    expect(run.scopeRules.violations).toEqual([]);
    expect(run.report.controls.find((c) => c.id === 'AUDIT-TRAIL')?.status).toBe('conditional');
    // A declaration without an evidence URL proves nothing.
    expect(rule.check(app, ruleContextFor('prod', undefined, { securityBaseline: { ...provided, evidenceUrl: 'see wiki' } })).compliant).toBe(false);
  });
});
