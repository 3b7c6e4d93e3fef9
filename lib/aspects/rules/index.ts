/**
 * Every Readiness rule, in one list. Add a rule: write its file under its area folder and add it here.
 */
import { ReadinessRule } from '../rule';
import { CacheHighlyAvailable } from './cache/cache-highly-available';
import { DatabaseBackedUp } from './database/database-backed-up';
import { DatabaseHighlyAvailable } from './database/database-highly-available';
import { DatabasePooledWithTls } from './database/database-pooled-with-tls';
import { TableRecoverableAndProtected } from './database/table-recoverable-and-protected';
import { BackupsCopiedCrossRegion } from './dr/backups-copied-cross-region';
import { BudgetDefined } from './dr/budget-defined';
import { RecoveryObjectivesMet } from './dr/recovery-objectives-met';
import { StatefulResourcesDrilled } from './dr/stateful-resources-drilled';
import { EksClusterAlarmed } from './eks/eks-cluster-alarmed';
import { EksControlPlaneLogged } from './eks/eks-control-plane-logged';
import { EksEndpointPrivate } from './eks/eks-endpoint-private';
import { EksSecretsEncrypted } from './eks/eks-secrets-encrypted';
import { EksSpreadAcrossZones } from './eks/eks-spread-across-zones';
import { EksZoneDrilled } from './eks/eks-zone-drilled';
import { EksVersionSupported } from './eks/eks-version-supported';
import { K8sDeploymentAutoscaled } from './eks/k8s-deployment-autoscaled';
import { K8sDeploymentCapacityPlanned } from './eks/k8s-deployment-capacity-planned';
import { K8sDeploymentDisruptionBudgeted } from './eks/k8s-deployment-disruption-budgeted';
import { K8sDeploymentReadinessProbed } from './eks/k8s-deployment-readiness-probed';
import { K8sDeploymentResourcesBounded } from './eks/k8s-deployment-resources-bounded';
import { K8sNamespaceDefaultDeny } from './eks/k8s-namespace-default-deny';
import { AccessLogged } from './observability/access-logged';
import { AlarmedAndRouted } from './observability/alarmed-and-routed';
import { AlarmMetricsExist } from './observability/alarm-metrics-exist';
import { AlarmsDeliverable } from './observability/alarms-deliverable';
import { KeyMetricsAlarmed } from './observability/key-metrics-alarmed';
import { NodeAlarmsComplete } from './observability/node-alarms-complete';
import { ObservabilityInPlace } from './observability/observability-in-place';
import { PublicEndpointCanaried } from './observability/public-endpoint-canaried';
import { SloBurnRateAlerted } from './observability/slo-burn-rate-alerted';
import { VpcFlowLogged } from './observability/vpc-flow-logged';
import { StateMachineLoggedAndTraced } from './observability/state-machine-logged-and-traced';
import { StatefulResourcesRetained } from './retention/stateful-resources-retained';
import { NoPlaintextSecrets } from './secrets/no-plaintext-secrets';
import { SecretRotatedWithCmk } from './secrets/secret-rotated-with-cmk';
import { AuditTrailEnabled } from './security/audit-trail-enabled';
import { EncryptedAtRestWithCmk } from './security/encrypted-at-rest-with-cmk';
import { EncryptedWithCustomerManagedKey } from './security/encrypted-with-customer-managed-key';
import { IamLeastPrivilege } from './security/iam-least-privilege';
import { IngressRestricted } from './security/ingress-restricted';
import { SecurityMonitoringEnabled } from './security/security-monitoring-enabled';
import { TlsInTransit } from './security/tls-in-transit';
import { ApiMutationsAuthorized } from './service/api-mutations-authorized';
import { CapacityPlanMet } from './service/capacity-plan-met';
import { CdnHttpsAndCached } from './service/cdn-https-and-cached';
import { ComputeSpreadAcrossZones } from './service/compute-spread-across-zones';
import { ProdStacksTerminationProtected } from './service/prod-stacks-termination-protected';
import { QueueHasDeadLetterQueue } from './service/queue-has-dead-letter-queue';
import { EventTargetDeadLettered } from './service/event-target-dead-lettered';
import { ServiceAutoscaled } from './service/service-autoscaled';
import { ServiceDeploysSafely } from './service/service-deploys-safely';
import { TargetHealthChecked } from './service/target-health-checked';
import { WebEntryFirewalled } from './service/web-entry-firewalled';
import { AccountSingletons } from './wiring/account-singletons';
import { CriticalAlarmsReachAHuman } from './incident/critical-alarms-reach-a-human';
import { RolloutEnvironmentMonitored } from './rollout/rollout-environment-monitored';
import { ProdDeployApproved } from './delivery/prod-deploy-approved';
import { ProdDeployAfterReadinessGate } from './delivery/prod-deploy-after-readiness-gate';
import { RateLimitSeesClients } from './wiring/rate-limit-sees-clients';
import { DatabaseClientsCanAuthenticate } from './wiring/database-clients-can-authenticate';
import { SecretReadableByConsumer } from './wiring/secret-readable-by-consumer';
import { K8sSecretsReadableByPod } from './wiring/k8s-secrets-readable-by-pod';

export const READINESS_RULES: readonly ReadinessRule[] = [
  DatabaseHighlyAvailable,
  DatabaseBackedUp,
  DatabasePooledWithTls,
  TableRecoverableAndProtected,
  CacheHighlyAvailable,
  SecretRotatedWithCmk,
  NoPlaintextSecrets,
  AuditTrailEnabled,
  SecurityMonitoringEnabled,
  EncryptedAtRestWithCmk,
  EncryptedWithCustomerManagedKey,
  TlsInTransit,
  IamLeastPrivilege,
  IngressRestricted,
  ApiMutationsAuthorized,
  WebEntryFirewalled,
  ComputeSpreadAcrossZones,
  ServiceAutoscaled,
  TargetHealthChecked,
  ServiceDeploysSafely,
  ProdStacksTerminationProtected,
  CapacityPlanMet,
  QueueHasDeadLetterQueue,
  EventTargetDeadLettered,
  CdnHttpsAndCached,
  StatefulResourcesRetained,
  BackupsCopiedCrossRegion,
  RecoveryObjectivesMet,
  StatefulResourcesDrilled,
  BudgetDefined,
  AlarmedAndRouted,
  AlarmMetricsExist,
  AlarmsDeliverable,
  NodeAlarmsComplete,
  KeyMetricsAlarmed,
  SloBurnRateAlerted,
  PublicEndpointCanaried,
  ObservabilityInPlace,
  AccessLogged,
  VpcFlowLogged,
  StateMachineLoggedAndTraced,
  AccountSingletons,
  RateLimitSeesClients,
  SecretReadableByConsumer,
  K8sSecretsReadableByPod,
  DatabaseClientsCanAuthenticate,
  EksEndpointPrivate,
  EksControlPlaneLogged,
  EksSecretsEncrypted,
  EksSpreadAcrossZones,
  EksVersionSupported,
  EksClusterAlarmed,
  EksZoneDrilled,
  K8sDeploymentAutoscaled,
  K8sDeploymentDisruptionBudgeted,
  K8sDeploymentResourcesBounded,
  K8sDeploymentReadinessProbed,
  K8sNamespaceDefaultDeny,
  K8sDeploymentCapacityPlanned,
  CriticalAlarmsReachAHuman,
  RolloutEnvironmentMonitored,
  ProdDeployApproved,
  ProdDeployAfterReadinessGate,
];
