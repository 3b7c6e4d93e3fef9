/**
 * Finding levels per stage. Prod: every finding is an error. Staging: HA and security findings are
 * errors, the rest warnings. Dev: warnings, except security (encryption and secrets).
 */
import { NagMessageLevel } from 'cdk-nag';
import { StageName } from '../config/stage-config';
import { RuleCategory } from './rule';

export function levelFor(stage: StageName, category: RuleCategory): NagMessageLevel {
  if (stage === 'prod') return NagMessageLevel.ERROR;
  if (stage === 'staging') return category === 'operations' ? NagMessageLevel.WARN : NagMessageLevel.ERROR;
  return category === 'security' ? NagMessageLevel.ERROR : NagMessageLevel.WARN;
}

const SECURITY = /encrypt|\bKMS\b|\bTLS\b|\bSSL\b|HTTPS|secret|credential|password|public(ly)? access/i;
const HA = /multi-?AZ|multi AZ|replica|failover|backup|deletion protection|availability zone/i;

/**
 * AwsSolutions rules carry no category: it is read from the rule's own description
 * (encryption, TLS, secrets, public access: security; Multi-AZ, replicas, backups: ha).
 */
export function categoryOfDescription(description: string): RuleCategory {
  let category = categories.get(description);
  if (category === undefined) {
    category = SECURITY.test(description) ? 'security' : HA.test(description) ? 'ha' : 'operations';
    categories.set(description, category);
  }
  return category;
}
// A pack applies each rule to every resource: classify each description once.
const categories = new Map<string, RuleCategory>();
