import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { StageConfig } from '../config/stage-config';
import { AccessAnalyzers } from '../constructs/security/access-analyzers';
import { AuditTrail } from '../constructs/security/audit-trail';
import { ThreatDetection } from '../constructs/security/threat-detection';

export interface SecurityStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * Account and region singletons of a stage: the audit trail, GuardDuty, Security Hub and the IAM
 * Access Analyzers. Stateful (the audit bucket and its key are retained). Construct IDs are API.
 */
export class SecurityStack extends Stack {
  public readonly auditTrail: AuditTrail;
  public readonly threatDetection: ThreatDetection;
  public readonly accessAnalyzers: AccessAnalyzers;

  constructor(scope: Construct, id: string, props: SecurityStackProps) {
    super(scope, id, { ...props, terminationProtection: props.config.stage === 'prod' });
    const sec = props.config.security;

    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      retention: Duration.days(sec.auditRetentionDays),
      archiveAfter: Duration.days(sec.auditArchiveAfterDays),
      lockMode: sec.auditLockMode,
      logGroupRetention: sec.auditLogGroupRetentionDays as logs.RetentionDays,
      customerDataBuckets: sec.customerDataBuckets.map((name) => s3.Bucket.fromBucketName(this, `CustomerData-${name}`, name)),
    });
    this.threatDetection = new ThreatDetection(this, 'ThreatDetection', { guardDutyFeatures: sec.guardDutyFeatures });
    this.accessAnalyzers = new AccessAnalyzers(this, 'AccessAnalyzers', { unusedAccessAge: Duration.days(sec.unusedAccessAgeDays) });
  }
}
