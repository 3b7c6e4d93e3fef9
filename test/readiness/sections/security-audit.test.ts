import { App } from 'aws-cdk-lib';
import { PROD } from '../../../lib/config/stages';
import { securityAudit } from '../../../lib/readiness/sections/security-audit';
import { SecurityStack } from '../../../lib/stacks/security-stack';

describe('report section: audit trail and access review', () => {
  test('lists retention, lock mode, archive, event categories, analyzers and GuardDuty protections', () => {
    const app = new App();
    new SecurityStack(app, 'Security', { env: { account: '111111111111', region: 'eu-west-1' }, config: PROD });
    const section = securityAudit(app, { stage: 'prod', config: PROD, results: [] })!;
    expect(section.title).toBe('Security: audit trail and access review');
    expect(section.markdown).toContain('| Security/AuditTrail | 365 days (Object Lock COMPLIANCE) | after 90 days (Glacier) |');
    expect(section.markdown).toMatch(/Management events \(read and write\) in every region/);
    expect(section.markdown).toMatch(/\| Security\/AccessAnalyzers\/External \| external access/);
    expect(section.markdown).toMatch(/\| Security\/AccessAnalyzers\/Unused \| unused access \(roles, keys, permissions unused for 90 days\) \|/);
    expect(section.markdown).toMatch(/S3_DATA_EVENTS, RDS_LOGIN_EVENTS, RUNTIME_MONITORING, EBS_MALWARE_PROTECTION/);
  });

  test('nothing to say without security resources', () => {
    expect(securityAudit(new App(), { stage: 'prod', results: [] })).toBeUndefined();
  });
});
