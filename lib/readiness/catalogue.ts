/**
 * The control catalogue: every control of the readiness seeds and every gap of the gap analysis,
 * with the seeds' owners and risks. A control's rules are the registered Readiness rules with its
 * `controlId` (plus explicit extra rule IDs, such as AwsSolutions ones); its tests are those rules'
 * test files. A synth control without a registered rule is reported `missing` ("not yet enforced").
 */
import { ReadinessRule, ruleIdOf } from '../aspects/rule';
import { READINESS_RULES } from '../aspects/rules';
import { ReadinessControl } from './types';

/** A catalogue entry before its rules and tests are derived from the registered rules. */
export interface ControlDefinition extends Omit<ReadinessControl, 'rules' | 'tests'> {
  /**
   * Rule IDs outside the Readiness pack whose results also decide the control (e.g. `AwsSolutions-RDS3`,
   * `NIST.800.53.R5-RDSMultiAZSupport`). Waiving the control waives them; acknowledging one of them
   * without `waive()` is an error in prod.
   */
  readonly extraRules?: readonly string[];
}

// Owners: the seeds' wording where a seed control exists; otherwise the gap analysis' teams
// (Engineering, DevOps, Security, Legal, Support).
const gap = (g: string, current: string) => `${g} (current state: ${current}).`;

/** Databases: RDS and Aurora, and the engines no Readiness rule reads yet (DocumentDB, Neptune). */
const DATABASE_TYPES = ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::DocDB::DBCluster', 'AWS::DocDBElastic::Cluster', 'AWS::Neptune::DBCluster'];
/**
 * Redis-compatible caches: ElastiCache replication groups and serverless caches, and MemoryDB. (A
 * Redis `AWS::ElastiCache::CacheCluster` is read by Readiness-CACHE-HA; a Memcached one is not a Redis.)
 */
const CACHE_TYPES = ['AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::ServerlessCache', 'AWS::MemoryDB::Cluster'];
/** Public entry points Readiness-WAF cannot read: HTTP/WebSocket APIs (no WAF association) and Lambda function URLs. */
const UNREAD_ENTRY_TYPES = ['AWS::ApiGatewayV2::Api', 'AWS::Lambda::Url'];
/** Databases whose backups no Readiness-BACKUP-DR check reads yet. */
const UNREAD_BACKUP_TYPES = ['AWS::DocDB::DBCluster', 'AWS::DocDBElastic::Cluster', 'AWS::Neptune::DBCluster'];

export const CONTROL_DEFINITIONS: readonly ControlDefinition[] = [
  // 1. Infrastructure
  { id: 'COMPUTE-PLATFORM', title: 'Production compute platform (multi-AZ, autoscaled clusters)', severity: 'Critical', area: 'Infrastructure', owner: 'DevOps', risk: gap('No production clusters deployed', 'Development on local/staging only'), verification: 'synth', sources: ['1.1'] },
  { id: 'DB-HA', title: 'Database high availability with automated failover', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No replication or failover', 'Single PostgreSQL instance'), verification: 'synth', sources: ['1.2'], extraRules: ['AwsSolutions-RDS3', 'NIST.800.53.R5-RDSMultiAZSupport'], aboutTypes: DATABASE_TYPES },
  { id: 'DB-BACKUP', title: 'Automated database backups with point-in-time recovery and deletion protection', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No automated backup or DR strategy', 'Manual backups only'), verification: 'synth', sources: ['1.5', '1.2'], extraRules: ['AwsSolutions-RDS10', 'AwsSolutions-RDS2', 'NIST.800.53.R5-RDSInstanceBackupEnabled', 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled'], aboutTypes: DATABASE_TYPES },
  { id: 'DB-POOLING', title: 'Database connection pooling (RDS Proxy with TLS)', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No replication or failover; connection pooling with PgBouncer not set up', 'Single PostgreSQL instance'), verification: 'synth', sources: ['1.2'] },
  { id: 'CACHE-HA', title: 'Redis cluster: failover, persistence, encryption', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No clustering or persistence', 'Single Redis instance'), verification: 'synth', sources: ['1.3'], extraRules: ['AwsSolutions-AEC3', 'AwsSolutions-AEC4', 'AwsSolutions-AEC6'], aboutTypes: CACHE_TYPES },
  { id: 'CDN', title: 'CDN with cache rules and edge protection', severity: 'Medium', area: 'Infrastructure', owner: 'DevOps', risk: gap('Incomplete CDN configuration', 'Basic Cloudflare setup'), verification: 'synth', sources: ['1.4'] },
  { id: 'BACKUP-DR', title: 'Automated backups copied to a second region, with a DR plan', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No automated backup or DR strategy', 'Manual backups only'), verification: 'synth', sources: ['1.5'], aboutTypes: UNREAD_BACKUP_TYPES },
  { id: 'RTO-RPO', title: 'Recovery time and recovery point objectives met by the design', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No automated backup or DR strategy; recovery procedures untested', 'Manual backups only'), verification: 'synth', sources: ['1.5'] },
  { id: 'RUNTIME-WIRING', title: 'Runtime wiring: every dependency a workload needs at start-up is reachable and usable (secrets and their keys, database authentication, alarm delivery, metrics that exist)', severity: 'Critical', area: 'Infrastructure', owner: 'DevOps', risk: 'A stack that passes every per-resource check may still fail once deployed: tasks cannot decrypt their secrets, no client can log in to the database, alarms watch metrics AWS never publishes or cannot reach their topic.', verification: 'synth', sources: ['1.1', '1.2', '4.2'] },
  { id: 'DATA-RETENTION', title: 'Stateful resources and logs are retained (no data loss on stack changes)', severity: 'High', area: 'Infrastructure', owner: 'DevOps', risk: gap('No data retention policies; a stack deletion removes databases, buckets, keys and logs', 'Basic data handling'), verification: 'synth', sources: ['1.5', '5.3'] },

  // 2. Security
  { id: 'CONTRACT-AUDIT', title: 'Smart contract audit by a third party', severity: 'Critical', area: 'Security', owner: 'Security', risk: gap('No third-party audit completed', 'Internal testing only'), verification: 'attested', sources: ['2.1'] },
  { id: 'SECURITY-HARDENING', title: 'Security hardening (API security, rate limiting, privileged actions)', severity: 'Critical', area: 'Security', owner: 'Security', risk: 'Privileged actions, provider credentials, billing controls, and publishing actions may lack enterprise-grade security requirements. Gap 2.2: Missing rate limiting, API keys, threat detection.', verification: 'synth', sources: ['2.2', '/security/hardening'] },
  { id: 'WAF', title: 'Web application firewall with rate limiting and managed rules', severity: 'Critical', area: 'Security', owner: 'Security', risk: gap('Missing rate limiting, API keys, threat detection', 'Basic authentication only'), verification: 'synth', sources: ['2.2', '1.4'] , aboutTypes: UNREAD_ENTRY_TYPES },
  { id: 'SECRET-ROTATION', title: 'Secrets in a secrets manager, rotated, with customer-managed keys', severity: 'High', area: 'Security', owner: 'Security', risk: gap('No centralized secrets management', 'Environment variables'), verification: 'synth', sources: ['2.3'], extraRules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerUsingKMSKey'], liveCheck: 'secret-rotation' },
  { id: 'MULTISIG-WALLETS', title: 'Multi-signature wallets for treasury and operations', severity: 'Critical', area: 'Security', owner: 'Security', risk: gap('No multi-sig implementation', 'Single-owner test wallets'), verification: 'attested', sources: ['2.4'] },
  { id: 'SECURITY-MONITORING', title: 'Real-time security monitoring and alerting', severity: 'High', area: 'Security', owner: 'Security', risk: gap('No SIEM or security alerting', 'Basic logging only'), verification: 'synth', sources: ['2.5'] },
  { id: 'AUDIT-TRAIL', title: 'Audit logs', severity: 'High', area: 'Security', owner: 'Security / Compliance', risk: 'Enterprise customers may lack evidence of who performed sensitive actions and whether actions succeeded, failed, or were blocked.', verification: 'synth', sources: ['/security/audit-logs', '2.3'] },
  { id: 'ENCRYPTION', title: 'Encryption at rest and in transit with customer-managed keys', severity: 'High', area: 'Security', owner: 'Security', risk: gap('No privacy controls implemented; data at rest and in transit unprotected', 'Basic data handling'), verification: 'synth', sources: ['5.3', '2.3'] },
  { id: 'ACCESS-REVIEW', title: 'Access review', severity: 'High', area: 'Security', owner: 'Security / Customer Success', risk: 'Enterprise tenants may retain stale, excessive, or unreviewed access.', verification: 'attested', sources: ['/security/access-review', '2.3'] },
  { id: 'ADMIN-CONTROLS', title: 'Admin security controls', severity: 'High', area: 'Security', owner: 'Security / Admin', risk: 'Owners and admins may accumulate excessive privileges or perform sensitive actions without review.', verification: 'attested', sources: ['/security/admin-controls'] },
  { id: 'TENANT-ISOLATION', title: 'Tenant isolation', severity: 'High', area: 'Security', owner: 'Security / Platform', risk: 'Enterprise customers may face cross-tenant access risk or unclear organization boundary enforcement.', verification: 'attested', sources: ['/security/tenant-isolation'] },

  // 3. Performance & Scalability
  { id: 'LOAD-TESTING', title: 'Load testing proves 10k concurrent users', severity: 'High', area: 'Performance & Scalability', owner: 'Engineering', risk: gap('Unknown performance characteristics', 'No load testing performed'), verification: 'attested', sources: ['3.1'] },
  { id: 'QUERY-OPTIMIZATION', title: 'Database query optimization (sub-100ms)', severity: 'Medium', area: 'Performance & Scalability', owner: 'Engineering', risk: gap('Missing indexes and query optimization', 'Unoptimized queries'), verification: 'attested', sources: ['3.2'] },
  { id: 'AUTOSCALING', title: 'Horizontal auto-scaling on metrics', severity: 'High', area: 'Performance & Scalability', owner: 'DevOps', risk: gap('No auto-scaling configured', 'Manual scaling only'), verification: 'synth', sources: ['3.3'] },
  { id: 'WEBSOCKET-SCALING', title: 'WebSocket scaling (Redis adapter, sticky sessions)', severity: 'Medium', area: 'Performance & Scalability', owner: 'Engineering', risk: gap('No WebSocket clustering', 'Single Socket.io instance'), verification: 'attested', sources: ['3.4'] },
  { id: 'ASYNC-QUEUE', title: 'Asynchronous processing with a queue, retries and a dead-letter queue', severity: 'Low', area: 'Performance & Scalability', owner: 'Engineering', risk: gap('Blocking image operations', 'Synchronous processing'), verification: 'synth', sources: ['3.5'] },

  // 4. Reliability & Monitoring
  { id: 'OBSERVABILITY', title: 'Comprehensive monitoring: metrics, logs, traces, dashboards', severity: 'Critical', area: 'Reliability & Monitoring', owner: 'Operations', risk: gap('Missing metrics, logs, traces', 'Basic health checks only'), verification: 'synth', sources: ['4.1'] },
  { id: 'ALARMS', title: 'Alerting with routing and escalation', severity: 'High', area: 'Reliability & Monitoring', owner: 'Operations', risk: gap('No alerts configured', 'No alerting system'), verification: 'synth', sources: ['4.2'], liveCheck: 'alarms' },
  { id: 'SLO', title: 'SLA definition and SLO monitoring (99.9%)', severity: 'High', area: 'Reliability & Monitoring', owner: 'Operations', risk: gap('No SLA tracking or monitoring', 'No defined SLAs'), verification: 'synth', sources: ['4.3'] },
  { id: 'CIRCUIT-BREAKER', title: 'Circuit breakers, retries and timeouts in services', severity: 'Medium', area: 'Reliability & Monitoring', owner: 'Engineering', risk: gap('Service failures cascade', 'No circuit breakers'), verification: 'attested', sources: ['4.4'] },
  { id: 'HEALTH-CHECK', title: 'Deep health checks with dependency checks', severity: 'Medium', area: 'Reliability & Monitoring', owner: 'Engineering', risk: gap('Shallow health validation', 'Basic liveness probes'), verification: 'synth', sources: ['4.5'] },

  // 5. Compliance & Legal
  { id: 'LEGAL-PAGES', title: 'Legal pages: Terms of Service, Privacy Policy, DPA, refund, billing, cookie and provider pages', severity: 'Critical', area: 'Compliance & Legal', owner: 'Operations / Legal', risk: 'Customers lack clear contractual, privacy, billing, refund, provider, and data processing expectations.', verification: 'attested', sources: ['5.1'] },
  { id: 'KYC-AML', title: 'KYC/AML for high-value transactions', severity: 'High', area: 'Compliance & Legal', owner: 'Legal', risk: gap('No KYC/AML procedures', 'No identity verification'), verification: 'attested', sources: ['5.2'] },
  { id: 'DATA-PROTECTION', title: 'GDPR/CCPA data protection (export, deletion, consent)', severity: 'High', area: 'Compliance & Legal', owner: 'Legal', risk: gap('No privacy controls implemented', 'Basic data handling'), verification: 'attested', sources: ['5.3'] },
  { id: 'IP-PROTECTION', title: 'Intellectual property protection (DMCA, content verification)', severity: 'Medium', area: 'Compliance & Legal', owner: 'Legal', risk: gap('Risk of IP infringement', 'No IP verification'), verification: 'attested', sources: ['5.4'] },
  { id: 'ACCESSIBILITY', title: 'Accessibility compliance (WCAG 2.1 AA)', severity: 'Low', area: 'Compliance & Legal', owner: 'Engineering', risk: gap('Accessibility issues present', 'Limited accessibility features'), verification: 'attested', sources: ['5.5'] },

  // 6. Feature Completion
  { id: 'FIAT-RAMP', title: 'Fiat on/off ramp', severity: 'High', area: 'Feature Completion', owner: 'Engineering', risk: gap('No fiat integration', 'Crypto-only transactions'), verification: 'attested', sources: ['6.1'] },
  { id: 'MOBILE-RESPONSIVE', title: 'Mobile responsive design', severity: 'Medium', area: 'Feature Completion', owner: 'Engineering', risk: gap('Poor mobile experience', 'Desktop-optimized only'), verification: 'attested', sources: ['6.2'] },
  { id: 'SEARCH', title: 'Advanced search and filters', severity: 'High', area: 'Feature Completion', owner: 'Engineering', risk: gap('Limited search capabilities', 'Basic search functionality'), verification: 'attested', sources: ['6.3'] },
  { id: 'NOTIFICATIONS', title: 'Multi-channel notifications', severity: 'Medium', area: 'Feature Completion', owner: 'Engineering', risk: gap('No email/SMS notifications', 'In-app only'), verification: 'attested', sources: ['6.4'] },
  { id: 'ANALYTICS-DASHBOARD', title: 'User-facing analytics dashboard', severity: 'Low', area: 'Feature Completion', owner: 'Engineering', risk: gap('Missing analytics features', 'No analytics for users'), verification: 'attested', sources: ['6.5'] },

  // 7. Testing
  { id: 'E2E-TESTS', title: 'End-to-end test coverage of critical paths (90%)', severity: 'Critical', area: 'Testing', owner: 'Engineering', risk: gap('Insufficient E2E tests', '40% E2E coverage'), verification: 'attested', sources: ['7.1'] },
  { id: 'CONTRACT-TESTS', title: 'Smart contract test coverage with fuzzing', severity: 'High', area: 'Testing', owner: 'Engineering', risk: gap('Missing edge case tests', '75% coverage'), verification: 'attested', sources: ['7.2'] },
  { id: 'PERFORMANCE-TESTS', title: 'Automated performance test suite', severity: 'High', area: 'Testing', owner: 'Engineering', risk: gap('No performance regression detection', 'No performance tests'), verification: 'attested', sources: ['7.3'] },
  { id: 'SECURITY-TESTING', title: 'Penetration and security testing', severity: 'Medium', area: 'Testing', owner: 'Security', risk: gap('No penetration testing', 'Basic security scans'), verification: 'attested', sources: ['7.4'] },
  { id: 'CHAOS', title: 'Chaos engineering: failure drills', severity: 'Low', area: 'Testing', owner: 'DevOps', risk: gap('Unknown failure modes', 'No chaos testing'), verification: 'synth', sources: ['7.5'] },

  // 8. Documentation
  { id: 'API-DOCS', title: 'API documentation (OpenAPI)', severity: 'High', area: 'Documentation', owner: 'Engineering', risk: gap('Incomplete API docs', 'Basic endpoints listed'), verification: 'attested', sources: ['8.1'] },
  { id: 'USER-DOCS', title: 'User documentation and help center', severity: 'High', area: 'Documentation', owner: 'Support', risk: gap('Missing all user documentation', 'No user guides'), verification: 'attested', sources: ['8.2'] },
  { id: 'RUNBOOKS', title: 'Operations runbooks', severity: 'Medium', area: 'Documentation', owner: 'Operations', risk: gap('No operational procedures', 'No runbooks'), verification: 'attested', sources: ['8.3'] },
  { id: 'ARCHITECTURE-DOCS', title: 'Architecture documentation', severity: 'Medium', area: 'Documentation', owner: 'Engineering', risk: gap('Missing implementation details', 'High-level only'), verification: 'attested', sources: ['8.4'] },
  { id: 'DEV-ONBOARDING', title: 'Developer onboarding guide', severity: 'Low', area: 'Documentation', owner: 'Engineering', risk: gap('Difficult onboarding', 'Basic README'), verification: 'attested', sources: ['8.5'] },

  // 9. Operational Readiness
  { id: 'SUPPORT-24X7', title: '24/7 support team', severity: 'Critical', area: 'Operational Readiness', owner: 'Support', risk: gap('No support infrastructure', 'No support team'), verification: 'attested', sources: ['9.1'] },
  { id: 'INCIDENT-RESPONSE', title: 'Monitoring and incident response', severity: 'High', area: 'Operational Readiness', owner: 'Operations', risk: 'Production incidents may lack triage, ownership, escalation, customer impact assessment, and post-incident review.', verification: 'synth', attestedPart: 'post-incident reviews are held and incident commanders are trained', sources: ['9.2', '/observability/incident-response'], liveCheck: 'alarms' },
  { id: 'DEPLOY-SAFETY', title: 'Change management: safe deployments with automatic rollback', severity: 'High', area: 'Operational Readiness', owner: 'DevOps', risk: gap('No change control', 'Direct deployments'), verification: 'synth', sources: ['9.3'] },
  { id: 'CAPACITY', title: 'Capacity planning', severity: 'Medium', area: 'Operational Readiness', owner: 'DevOps', risk: gap('Reactive scaling only', 'No capacity planning'), verification: 'synth', sources: ['9.4'] },
  { id: 'COST', title: 'Cost tracking, budgets and alerts', severity: 'Low', area: 'Operational Readiness', owner: 'Finance / Operations', risk: gap('Unknown operational costs', 'No cost tracking'), verification: 'synth', sources: ['9.5'] },
  { id: 'LAUNCH-CONTROL-ROOM', title: 'Launch control room', severity: 'High', area: 'Operational Readiness', owner: 'Launch Commander', risk: 'Production launch decisions may happen without documented readiness gates or rollback authority.', verification: 'synth', attestedPart: 'the launch control room is staffed: go/no-go owners named and rollback authority agreed', sources: ['/launch/control-room', '9.3'] },
  { id: 'CUSTOMER-ROLLOUT', title: 'Customer rollout controls', severity: 'Medium', area: 'Operational Readiness', owner: 'Customer Success', risk: 'Customers may onboard without clear success milestones, support coverage, or rollout pause criteria.', verification: 'synth', attestedPart: 'customer success milestones and support coverage per rollout wave', sources: ['/customer-rollout'] },

  // 10. Business Readiness
  { id: 'BUSINESS-CONTINUITY', title: 'Business continuity plan', severity: 'Critical', area: 'Business Readiness', owner: 'Operations', risk: gap('No continuity planning', 'No BCP'), verification: 'attested', sources: ['10.1'] },
  { id: 'INSURANCE', title: 'Insurance coverage (cyber, E&O, D&O)', severity: 'High', area: 'Business Readiness', owner: 'Legal', risk: gap('Uninsured risks', 'No insurance'), verification: 'attested', sources: ['10.2'] },
  { id: 'PARTNERSHIPS', title: 'Partnership agreements', severity: 'High', area: 'Business Readiness', owner: 'Legal', risk: gap('No legal partnerships', 'Informal partnerships'), verification: 'attested', sources: ['10.3'] },
  { id: 'MARKETING-LAUNCH', title: 'Marketing launch plan', severity: 'Medium', area: 'Business Readiness', owner: 'Customer Success', risk: gap('No launch preparation', 'No marketing plan'), verification: 'attested', sources: ['10.4'] },
  { id: 'COMMUNITY', title: 'Community management', severity: 'Low', area: 'Business Readiness', owner: 'Customer Success', risk: gap('Unmanaged community', 'No community team'), verification: 'attested', sources: ['10.5'] },
  { id: 'BILLING-VALIDATION', title: 'Billing production validation', severity: 'High', area: 'Business Readiness', owner: 'Finance / Operations', risk: 'Customer conversion, plan enforcement, subscription lifecycle, and invoice flows may fail during commercial launch.', verification: 'attested', sources: ['/pricing'] },
];

/** Derives each control's rules and tests from the registered rules. */
export function buildCatalogue(rules: readonly ReadinessRule[] = READINESS_RULES, definitions: readonly ControlDefinition[] = CONTROL_DEFINITIONS): readonly ReadinessControl[] {
  return definitions.map((d) => {
    const own = rules.filter((r) => r.controlId === d.id);
    return {
      id: d.id,
      title: d.title,
      severity: d.severity,
      area: d.area,
      owner: d.owner,
      risk: d.risk,
      verification: d.verification,
      sources: d.sources,
      rules: [...own.map(ruleIdOf), ...(d.extraRules ?? [])],
      tests: [...new Set(own.map((r) => r.test))],
      ...(d.attestedPart ? { attestedPart: d.attestedPart } : {}),
      ...(d.liveCheck ? { liveCheck: d.liveCheck } : {}),
      ...(d.aboutTypes ? { aboutTypes: d.aboutTypes } : {}),
    };
  });
}

/** The catalogue with the rules registered in lib/aspects/rules/index.ts. */
export const CONTROLS: readonly ReadinessControl[] = buildCatalogue();

/** True when a Readiness rule enforces the control (a synth control without one is "not yet enforced"). */
export function isEnforced(control: ReadinessControl): boolean {
  return control.rules.some((r) => r.startsWith('Readiness-'));
}

export function controlById(id: string, controls: readonly ReadinessControl[] = CONTROLS): ReadinessControl | undefined {
  return controls.find((c) => c.id === id);
}

/** The control a rule ID belongs to (`Readiness-DB-HA` -> DB-HA, `AwsSolutions-RDS3` -> DB-HA). */
export function controlOfRule(ruleId: string, controls: readonly ReadinessControl[] = CONTROLS): ReadinessControl | undefined {
  const base = ruleId.replace(/\[.*\]$/, '');
  return controls.find((c) => c.rules.includes(base));
}
