import { ownAcknowledgments } from '../../lib/aspects/acknowledgments';
import { CONTROLS } from '../../lib/readiness/catalogue';
import { checkAcknowledgments, collectWaivers, controlRuleIds } from '../../lib/readiness/waivers';
import { buildStage } from '../helpers/synth';

/**
 * The shipped prod stage silences no rule of a control without waive(): its AwsSolutions and NIST
 * acknowledgments are of rules no control is decided by (inline policies, Lambda concurrency, the
 * Aurora instances' RDSInBackupPlan, the cache's 15-day NIST snapshot opinion, ...).
 */
describe('the shipped prod stage: acknowledgments', () => {
  test('no acknowledgment of a control\'s rule without waive()', () => {
    const { stage } = buildStage();
    expect(checkAcknowledgments(stage, CONTROLS, 'prod')).toEqual({ records: [], violations: [] });
    const controlRules = controlRuleIds(CONTROLS);
    // What waive() records is a waiver (owner, expiry, reason), not a plain acknowledgment.
    const waived = new Set(collectWaivers(stage).flatMap((w) => w.ruleIds.map((id) => `${w.construct.node.path} ${id}`)));
    const acknowledged = new Set(
      stage.node
        .findAll()
        .flatMap((c) => [...ownAcknowledgments(c).keys()].map((id) => id.replace(/\[.*\]$/, '')).filter((id) => !waived.has(`${c.node.path} ${id}`))),
    );
    expect([...acknowledged].filter((id) => controlRules.has(id))).toEqual([]);
    // The ones that stay acknowledgments, and why they are no control's rule, are listed above.
    expect([...acknowledged]).toEqual(expect.arrayContaining(['NIST.800.53.R5-RDSInBackupPlan', 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup']));
  }, 120_000);
});
