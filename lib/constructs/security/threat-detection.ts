import { Stack } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

/** GuardDuty protections the security stack can turn on (names of `AWS::GuardDuty::Detector` features). */
export type GuardDutyFeatureName =
  | 'S3_DATA_EVENTS'
  | 'RDS_LOGIN_EVENTS'
  | 'RUNTIME_MONITORING'
  | 'EBS_MALWARE_PROTECTION'
  | 'LAMBDA_NETWORK_LOGS'
  | 'EKS_AUDIT_LOGS';

export const GUARDDUTY_FEATURE_NAMES: readonly GuardDutyFeatureName[] = [
  'S3_DATA_EVENTS',
  'RDS_LOGIN_EVENTS',
  'RUNTIME_MONITORING',
  'EBS_MALWARE_PROTECTION',
  'LAMBDA_NETWORK_LOGS',
  'EKS_AUDIT_LOGS',
];

export interface ThreatDetectionProps {
  /**
   * GuardDuty protections to enable (features of the detector).
   * @default - S3_DATA_EVENTS, RDS_LOGIN_EVENTS and RUNTIME_MONITORING (with the ECS Fargate agent managed): the stack's buckets, Aurora and ECS tasks
   */
  readonly guardDutyFeatures?: readonly GuardDutyFeatureName[];
}

const RULES: readonly ValidationRule<{ features: readonly string[] }>[] = [
  {
    field: 'guardDutyFeatures',
    value: (p) => p.features,
    check: (v: string[]) => new Set(v).size === v.length && v.every((f) => (GUARDDUTY_FEATURE_NAMES as readonly string[]).includes(f)),
    fix: `list features from ${GUARDDUTY_FEATURE_NAMES.join(', ')}, each once`,
  },
];

/**
 * Threat detection of an account and region: a GuardDuty detector with the protections that fit the
 * stack, and Security Hub with the AWS Foundational Security Best Practices standard (consolidated
 * control findings). Findings are routed to on-call by the observability stack's EventBridge rules.
 */
export class ThreatDetection extends Construct {
  public readonly detector: guardduty.CfnDetector;
  public readonly hub: securityhub.CfnHub;
  public readonly foundationalBestPractices: securityhub.CfnStandard;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps = {}) {
    super(scope, id);
    const features = props.guardDutyFeatures ?? ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'RUNTIME_MONITORING'];
    assertValid(`ThreatDetection ${this.node.path}`, { features }, RULES);

    this.detector = new guardduty.CfnDetector(this, 'Detector', {
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
      features: features.map((name) => ({
        name,
        status: 'ENABLED',
        // Fargate tasks get the runtime agent without a sidecar to maintain.
        additionalConfiguration: name === 'RUNTIME_MONITORING' ? [{ name: 'ECS_FARGATE_AGENT_MANAGEMENT', status: 'ENABLED' }] : undefined,
      })),
    });

    this.hub = new securityhub.CfnHub(this, 'Hub', {
      enableDefaultStandards: false,
      controlFindingGenerator: 'SECURITY_CONTROL',
      autoEnableControls: true,
    });
    const { partition, region } = Stack.of(this);
    this.foundationalBestPractices = new securityhub.CfnStandard(this, 'FoundationalBestPractices', {
      standardsArn: `arn:${partition}:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
    });
    this.foundationalBestPractices.addResourceDependency(this.hub);
  }
}
