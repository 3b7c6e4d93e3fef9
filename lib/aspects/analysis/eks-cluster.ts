/**
 * Reading an EKS cluster from the rendered template, whichever construct made it: the native
 * `AWS::EKS::Cluster` (L1, `aws-eks-v2`) or the `Custom::AWSCDK-EKS-Cluster` of `aws-eks` v1, whose
 * `Config` carries the same settings in the EKS API's camelCase.
 */
import { CfnResource } from 'aws-cdk-lib';
import { prop, stringOf } from '../rule-helpers';
import { elementsOf, mayBe, referencedResource } from '../rules/intrinsics';

export const EKS_CLUSTER_TYPES = ['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'] as const;

/** Every control-plane log type EKS can deliver to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

/** `obj.Name` or `obj.name` (native resource vs the v1 custom resource's API shape). */
export function field(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  return o[name] !== undefined ? o[name] : o[name.charAt(0).toLowerCase() + name.slice(1)];
}

/** The cluster's settings object: the resource's properties (native) or its `Config` (v1 custom resource). */
function settings(node: CfnResource): unknown {
  return node.cfnResourceType === 'AWS::EKS::Cluster' ? { ResourcesVpcConfig: prop(node, 'ResourcesVpcConfig'), Logging: prop(node, 'Logging'), EncryptionConfig: prop(node, 'EncryptionConfig'), Version: prop(node, 'Version') } : prop(node, 'Config');
}

export function vpcConfigOf(node: CfnResource): unknown {
  return field(settings(node), 'ResourcesVpcConfig');
}

export function versionOf(node: CfnResource): unknown {
  return field(settings(node), 'Version');
}

/** A value that is `true`/`false` as written; `undefined` for missing, `'unknown'` for what the template cannot tell. */
export function boolOf(node: CfnResource, value: unknown): boolean | undefined | 'unknown' {
  if (value === undefined) return undefined;
  const s = stringOf(node, value);
  if (s === 'true') return true;
  if (s === 'false') return false;
  return 'unknown';
}

/**
 * The control-plane log types the cluster enables. Native: `Logging.ClusterLogging.EnabledTypes[].Type`;
 * v1: `Config.logging.clusterLogging[]` entries `{ enabled: true, types: [...] }`. A type the template
 * cannot read is left out (it never counts as enabled).
 */
export function enabledLogTypes(node: CfnResource): Set<string> {
  const out = new Set<string>();
  const logging = field(settings(node), 'Logging');
  const clusterLogging = field(logging, 'ClusterLogging');
  if (node.cfnResourceType === 'AWS::EKS::Cluster') {
    for (const t of elementsOf(node, field(clusterLogging, 'EnabledTypes')) ?? []) {
      const type = stringOf(node, field(t, 'Type'));
      if (type) out.add(type);
    }
    return out;
  }
  for (const entry of elementsOf(node, clusterLogging) ?? []) {
    if (stringOf(node, field(entry, 'Enabled')) !== 'true') continue;
    for (const t of elementsOf(node, field(entry, 'Types')) ?? []) {
      const type = stringOf(node, t);
      if (type) out.add(type);
    }
  }
  return out;
}

/** Whether a key ARN value names a KMS key: a KMS key of the app, or a literal KMS key ARN. */
function isKmsKey(node: CfnResource, value: unknown): boolean {
  const literal = stringOf(node, value);
  if (literal !== undefined) return /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+/.test(literal);
  const target = referencedResource(node, value);
  return target?.cfnResourceType === 'AWS::KMS::Key';
}

/**
 * How Kubernetes secrets are envelope-encrypted: `'ok'` with a customer KMS key, or the reason they are
 * not (no entry for `secrets`, a key the template cannot show to be a KMS key).
 */
export function secretsEncryption(node: CfnResource): { ok: true } | { ok: false; reason: string } {
  const entries = elementsOf(node, field(settings(node), 'EncryptionConfig'));
  if (entries === undefined) return { ok: false, reason: 'EncryptionConfig cannot be read (an intrinsic stands for the list)' };
  for (const entry of entries) {
    const resources = elementsOf(node, field(entry, 'Resources'));
    if (!resources || !resources.some((r) => stringOf(node, r) === 'secrets')) continue;
    const keyArn = field(field(entry, 'Provider'), 'KeyArn');
    if (isKmsKey(node, keyArn)) return { ok: true };
    return { ok: false, reason: `EncryptionConfig for secrets names a key the template cannot show to be a KMS key (${keyArn === undefined ? 'no KeyArn' : JSON.stringify(keyArn)})` };
  }
  return { ok: false, reason: 'EncryptionConfig has no entry for `secrets`: Kubernetes secrets are stored without envelope encryption' };
}

/** Findings about the API endpoint; empty when it is private, or public only to listed CIDRs. */
export function endpointFindings(node: CfnResource): string[] {
  const vpc = vpcConfigOf(node);
  const pub = boolOf(node, field(vpc, 'EndpointPublicAccess'));
  const priv = boolOf(node, field(vpc, 'EndpointPrivateAccess'));
  const findings: string[] = [];
  if (pub === false) {
    if (priv !== true) findings.push(`ResourcesVpcConfig.EndpointPrivateAccess is ${priv === undefined ? 'not set' : priv === 'unknown' ? 'unreadable' : 'false'}: with the public endpoint off, nodes and operators need the private one`);
    return findings;
  }
  if (pub === 'unknown') return ['ResourcesVpcConfig.EndpointPublicAccess cannot be read (an intrinsic): it may be public to the internet'];
  // Public (explicitly, or by EKS's default when not set): only listed CIDRs may pass.
  const label = pub === undefined ? 'not set (EKS defaults it to true)' : 'true';
  const cidrs = elementsOf(node, field(vpc, 'PublicAccessCidrs'));
  if (cidrs === undefined) return [`ResourcesVpcConfig.EndpointPublicAccess is ${label} and PublicAccessCidrs cannot be read`];
  if (cidrs.length === 0) return [`ResourcesVpcConfig.EndpointPublicAccess is ${label} and PublicAccessCidrs is not set (EKS defaults it to 0.0.0.0/0)`];
  const open = cidrs.filter((c) => mayBe(node, c, ['0.0.0.0/0', '::/0']));
  if (open.length > 0) findings.push(`ResourcesVpcConfig.PublicAccessCidrs includes ${open.map((c) => stringOf(node, c) ?? JSON.stringify(c)).join(', ')} (open to the internet, or unreadable)`);
  return findings;
}

/** The subnets the cluster's control plane (and Auto Mode's default node pools) use. */
export function subnetIdsOf(node: CfnResource): unknown {
  return field(vpcConfigOf(node), 'SubnetIds');
}
