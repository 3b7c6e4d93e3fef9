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
 * The security baseline of a stage: the audit trail, and the account-and-region singletons GuardDuty,
 * Security Hub and the IAM Access Analyzers. With `security.baseline.mode: 'provided'` the organization
 * runs the singletons in this account and region and the stack creates only the trail (a trail is not a
 * singleton). Stateful (the audit bucket and its key are retained). Construct IDs are API.
 */
export class SecurityStack extends Stack {
  public readonly auditTrail: AuditTrail;
  /** GuardDuty and Security Hub; undefined when the organization provides them. */
  public readonly threatDetection?: ThreatDetection;
  /** The IAM Access Analyzers; undefined when the organization provides them. */
  public readonly accessAnalyzers?: AccessAnalyzers;

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
    // Same construct IDs as before the choice existed: `create` keeps every logical ID.
    if (sec.baseline.mode === 'create') {
      this.threatDetection = new ThreatDetection(this, 'ThreatDetection', { guardDutyFeatures: sec.guardDutyFeatures });
      this.accessAnalyzers = new AccessAnalyzers(this, 'AccessAnalyzers', { unusedAccessAge: Duration.days(sec.unusedAccessAgeDays) });
    }
  }
}
