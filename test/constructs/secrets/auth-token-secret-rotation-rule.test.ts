import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { ruleContextFor } from '../../../lib/aspects/readiness-checks';
import { SecretRotatedWithCmk } from '../../../lib/aspects/rules/secrets/secret-rotated-with-cmk';
import { EncryptedAtRestWithCmk } from '../../../lib/aspects/rules/security/encrypted-at-rest-with-cmk';
import { TlsInTransit } from '../../../lib/aspects/rules/security/tls-in-transit';
import { ResilientRedis } from '../../../lib/constructs/cache/resilient-redis';
import { newTestApp } from '../../helpers/synth';

function cacheStack(): { stack: Stack; cache: ResilientRedis } {
  const stack = new Stack(newTestApp(), 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { stack, cache: new ResilientRedis(stack, 'Cache', { vpc }) };
}

/** Verifies that the gate's rules see the Redis AUTH token and the cache as the security area expects. */
describe('Readiness rules on ResilientRedis', () => {
  test('Readiness-SECRET-ROTATION: the AUTH token secret is rotated (30 days) with the CMK', () => {
    const { cache } = cacheStack();
    const secret = cache.authTokenSecret.node.defaultChild as never;
    expect(SecretRotatedWithCmk.check(secret, ruleContextFor('prod'))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('Readiness-SECRET-ROTATION: without its rotation schedule the AUTH token secret fails', () => {
    const { cache } = cacheStack();
    // A user removing the schedule with an escape hatch: the rule reads the template, so it sees it.
    cache.authTokenSecret.node.tryRemoveChild('RotationSchedule');
    const secret = cache.authTokenSecret.node.defaultChild as never;
    expect(SecretRotatedWithCmk.check(secret, ruleContextFor('prod'))).toEqual(['no AWS::SecretsManager::RotationSchedule rotates the secret, needs one with rate(<= 30 days)']);
  });

  test('Readiness-ENCRYPTION and ENCRYPTION-IN-TRANSIT: the replication group uses its CMK and requires TLS', () => {
    const { cache } = cacheStack();
    expect(EncryptedAtRestWithCmk.check(cache.replicationGroup, ruleContextFor('prod'))).toBe(NagRuleCompliance.COMPLIANT);
    expect(TlsInTransit.check(cache.replicationGroup, ruleContextFor('prod'))).toBe(NagRuleCompliance.COMPLIANT);
  });
});
