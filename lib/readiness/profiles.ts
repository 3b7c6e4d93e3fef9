/**
 * Control profiles: which controls of the catalogue a report is about.
 *
 * - `core`: the infrastructure and operational controls any production web service has (every control
 *   a rule checks at synth, plus incident response, runbooks and security testing).
 * - `marketplace`: the product controls of the gap analysis and the readiness list this project was
 *   built from (smart contract audit, multi-signature wallets, KYC, legal pages, 24/7 support, ...).
 *
 * A control of the catalogue is in `core` unless it is listed in `marketplace`, so a control added
 * with a new rule is core. The shipped app uses both profiles.
 */
import { CONTROL_DEFINITIONS, ControlDefinition } from './catalogue';

export type ControlProfileName = 'core' | 'marketplace';

/** Every profile, in report order; the default of `enforceReadiness`. */
export const CONTROL_PROFILES: readonly ControlProfileName[] = ['core', 'marketplace'];

/** Controls of the marketplace profile (every other control of the catalogue is core). */
export const MARKETPLACE_CONTROL_IDS: readonly string[] = [
  // Security: the product's own
  'CONTRACT-AUDIT', 'MULTISIG-WALLETS', 'ACCESS-REVIEW', 'ADMIN-CONTROLS', 'TENANT-ISOLATION',
  // Performance & Scalability
  'LOAD-TESTING', 'QUERY-OPTIMIZATION', 'WEBSOCKET-SCALING',
  // Reliability
  'CIRCUIT-BREAKER',
  // Compliance & Legal
  'LEGAL-PAGES', 'KYC-AML', 'DATA-PROTECTION', 'IP-PROTECTION', 'ACCESSIBILITY',
  // Feature Completion
  'FIAT-RAMP', 'MOBILE-RESPONSIVE', 'SEARCH', 'NOTIFICATIONS', 'ANALYTICS-DASHBOARD',
  // Testing
  'E2E-TESTS', 'CONTRACT-TESTS', 'PERFORMANCE-TESTS',
  // Documentation
  'API-DOCS', 'USER-DOCS', 'ARCHITECTURE-DOCS', 'DEV-ONBOARDING',
  // Operational and Business Readiness (the launch control room and customer rollout are core: any
  // production service gates its prod deploys and guards its flag rollouts with alarms)
  'SUPPORT-24X7',
  'BUSINESS-CONTINUITY', 'INSURANCE', 'PARTNERSHIPS', 'MARKETING-LAUNCH', 'COMMUNITY', 'BILLING-VALIDATION',
];

/** The profile a catalogue control belongs to. */
export function profileOf(controlId: string): ControlProfileName {
  return MARKETPLACE_CONTROL_IDS.includes(controlId) ? 'marketplace' : 'core';
}

/**
 * The catalogue's definitions of the given profiles, in catalogue order (so the shipped app, with both
 * profiles, reports exactly as the whole catalogue). Throws on an unknown profile name.
 */
export function definitionsOfProfiles(
  profiles: readonly string[] = CONTROL_PROFILES,
  definitions: readonly ControlDefinition[] = CONTROL_DEFINITIONS,
): ControlDefinition[] {
  const unknown = profiles.filter((p) => !(CONTROL_PROFILES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new Error(
      `profiles: ${unknown.map((p) => JSON.stringify(p)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a control profile. ` +
        `Fix: use ${CONTROL_PROFILES.map((p) => `'${p}'`).join(' and/or ')}.`,
    );
  }
  if (profiles.length === 0) {
    throw new Error(`profiles: [] selects no control. Fix: use ${CONTROL_PROFILES.map((p) => `'${p}'`).join(' and/or ')}.`);
  }
  return definitions.filter((d) => profiles.includes(profileOf(d.id)));
}
