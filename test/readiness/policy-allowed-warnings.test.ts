import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedAtRestWithCmk } from '../../lib/aspects/rules/security/encrypted-at-rest-with-cmk';
import { EncryptedWithCustomerManagedKey } from '../../lib/aspects/rules/security/encrypted-with-customer-managed-key';
import { DatabaseHighlyAvailable } from '../../lib/aspects/rules/database/database-highly-available';
import { evaluateReadiness } from '../../lib/readiness/gate';
import { NO_BUNDLING } from '../helpers/synth';

const RULES = [EncryptedAtRestWithCmk, EncryptedWithCustomerManagedKey];
const NOW = new Date('2026-11-29T00:00:00Z');

/** A user's app: one queue on SQS-managed SSE (an AWS-managed key), one on a customer key. */
function queuesApp(): App {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Queues', { env: { account: '111111111111', region: 'eu-west-1' } });
  new sqs.Queue(stack, 'Managed', { encryption: sqs.QueueEncryption.SQS_MANAGED });
  new sqs.Queue(stack, 'Customer', { encryptionMasterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
  return app;
}

const encryption = (customerManagedKeys: 'required' | 'preferred') => {
  const e = evaluateReadiness(queuesApp(), { stage: 'prod', rules: RULES, customerManagedKeys, awsSolutions: false, nist: false, writeReport: false, now: NOW });
  return e.report.controls.find((c) => c.id === 'ENCRYPTION')!;
};

describe('a warning the user\'s policy allows does not make a control missing', () => {
  test("customerManagedKeys 'preferred': the AWS-managed key is a warning, ENCRYPTION is ready and names it", () => {
    const control = encryption('preferred');
    expect(control.status).toBe('ready');
    expect(control.statusReason).toMatch(/Allowed by policy \(customerManagedKeys 'preferred'\): 1 warning: Readiness-ENCRYPTION-KEY at Queues\/Managed\/Resource\./);
    expect(control.findings).toEqual([
      { ruleId: 'Readiness-ENCRYPTION-KEY', constructPath: 'Queues/Managed/Resource', level: 'warning', message: expect.stringMatching(/^\(allowed by customerManagedKeys 'preferred'\) .*AWS-managed/) },
    ]);
  });

  test("customerManagedKeys 'required': the same queue is an error and ENCRYPTION is missing", () => {
    const control = encryption('required');
    expect(control.status).toBe('missing');
    expect(control.statusReason).toMatch(/1 finding: Readiness-ENCRYPTION-KEY at Queues\/Managed\/Resource/);
  });

  test('a warning only because the stage is dev (no policy) still counts: the control is missing', () => {
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Db', { env: { account: '111111111111', region: 'eu-west-1' } });
    new rds.CfnDBCluster(stack, 'Single', { engine: 'aurora-postgresql', storageEncrypted: true });
    const e = evaluateReadiness(app, { stage: 'dev', rules: [DatabaseHighlyAvailable], awsSolutions: false, nist: false, writeReport: false, now: NOW });
    const results = e.results.filter((r) => r.ruleId === 'Readiness-DB-HA' && r.compliance === 'non-compliant');
    expect(results.map((r) => [r.level, r.allowedBy])).toEqual([['warning', undefined]]);
    expect(e.report.controls.find((c) => c.id === 'DB-HA')!.status).toBe('missing');
  });
});
