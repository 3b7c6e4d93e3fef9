/**
 * Every Readiness rule, in one list. Add a rule: write its file under its area folder and add it here.
 */
import { ReadinessRule } from '../rule';
import { CacheHighlyAvailable } from './cache/cache-highly-available';
import { DatabaseBackedUp } from './database/database-backed-up';
import { DatabaseHighlyAvailable } from './database/database-highly-available';
import { DatabasePooledWithTls } from './database/database-pooled-with-tls';
import { BackupsCopiedCrossRegion } from './dr/backups-copied-cross-region';
import { BudgetDefined } from './dr/budget-defined';
import { RecoveryObjectivesMet } from './dr/recovery-objectives-met';
import { StatefulResourcesDrilled } from './dr/stateful-resources-drilled';
import { StatefulResourcesRetained } from './retention/stateful-resources-retained';
import { SecretRotatedWithCmk } from './secrets/secret-rotated-with-cmk';
import { AuditTrailEnabled } from './security/audit-trail-enabled';
import { EncryptedAtRestWithCmk } from './security/encrypted-at-rest-with-cmk';
import { SecurityMonitoringEnabled } from './security/security-monitoring-enabled';
import { TlsInTransit } from './security/tls-in-transit';

export const READINESS_RULES: readonly ReadinessRule[] = [
  DatabaseHighlyAvailable,
  DatabaseBackedUp,
  DatabasePooledWithTls,
  CacheHighlyAvailable,
  SecretRotatedWithCmk,
  AuditTrailEnabled,
  SecurityMonitoringEnabled,
  EncryptedAtRestWithCmk,
  TlsInTransit,
  StatefulResourcesRetained,
  BackupsCopiedCrossRegion,
  RecoveryObjectivesMet,
  StatefulResourcesDrilled,
  BudgetDefined,
];
