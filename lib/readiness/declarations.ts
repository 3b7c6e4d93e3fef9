/**
 * Checks of what people declared rather than what the templates show: attestations (known, attested
 * controls; owner, evidence, date) and not-applicable declarations (known controls; stale ones).
 */
import { PolicyViolation } from 'aws-cdk-lib';
import { attestationProblems } from '../config/readiness-policy';
import { PROVIDED_SERVICES, ProvidedBaseline, providedBaselineProblems, ProvidedService } from '../config/provided-baseline';
import { AttestationConfig, NotApplicableDeclaration } from '../config/stage-config';
import { controlById } from './catalogue';
import { ControlReport, ReadinessControl } from './types';

interface Declared {
  readonly attestations?: Readonly<Record<string, AttestationConfig>>;
  readonly notApplicable?: Readonly<Record<string, NotApplicableDeclaration>>;
  readonly provided?: ProvidedBaseline;
}

/** Unknown or untrustworthy attestations and declarations naming no control, found at `constructPath`. */
export function declarationViolations(declared: Declared, controls: readonly ReadinessControl[], now: Date, constructPath: string): PolicyViolation[] {
  // Attestations name catalogue controls that are attested; anything else is a typo.
  const violations: PolicyViolation[] = Object.keys(declared.attestations ?? {})
    .filter((id) => {
      const c = controlById(id, controls);
      return c?.verification !== 'attested' && !c?.attestedPart;
    })
    .map((id) => ({
      ruleName: 'Readiness-ATTESTATION-UNKNOWN',
      description: `attestations["${id}"] names no attested control of the catalogue; use the control ID of an attested control.`,
      severity: 'warning',
      violatingResources: [{ constructPath, locations: [`attestations.${id}`] }],
    }));
  // Attestations passed straight to enforceReadiness meet the bar of the config validation.
  for (const [id, attestation] of Object.entries(declared.attestations ?? {})) {
    const problems = attestationProblems(attestation, now);
    if (problems.length === 0) continue;
    violations.push({
      ruleName: 'Readiness-ATTESTATION-INVALID',
      description: `attestations["${id}"] cannot be trusted: ${problems.join('; ')}. The control is reported missing.`,
      fix: 'Give an owner, an https evidence URL on a real host, the calendar date it was attested (not in the future) and "ready" or "conditional" with a reason.',
      severity: 'error',
      violatingResources: [{ constructPath, locations: [`attestations.${id}`] }],
    });
  }
  // Organization-provided services meet the bar of attestations; an untrusted one counts for nothing.
  for (const problem of providedBaselineProblems(declared.provided, now)) {
    const service = problem.slice('provided.'.length, problem.indexOf(':'));
    violations.push({
      ruleName: 'Readiness-PROVIDED-INVALID',
      description: `${problem}. The declaration counts for nothing: ${PROVIDED_SERVICES[service as ProvidedService]?.control ?? 'its control'} needs the resources in scope.`,
      fix: 'Give providedBy (who runs it), an https evidenceUrl on a real host and the date (YYYY-MM-DD, not in the future, at most 365 days old) the evidence was checked.',
      severity: 'error',
      violatingResources: [{ constructPath, locations: [`provided.${service}`] }],
    });
  }
  for (const id of Object.keys(declared.notApplicable ?? {})) {
    if (controlById(id, controls)) continue;
    violations.push({
      ruleName: 'Readiness-NOT-APPLICABLE-UNKNOWN',
      description: `notApplicable["${id}"] names no control of the catalogue; use a control ID.`,
      severity: 'warning',
      violatingResources: [{ constructPath, locations: [`notApplicable.${id}`] }],
    });
  }
  return violations;
}

/** A declaration on a control that has something to check hides nothing, but it is stale: say so. */
export function staleDeclarations(declared: Declared, reported: readonly ControlReport[], constructPath: string): PolicyViolation[] {
  return reported
    .filter((c) => declared.notApplicable?.[c.id] && c.status !== 'not-applicable')
    .map((c) => ({
      ruleName: 'Readiness-NOT-APPLICABLE-STALE',
      description: `notApplicable["${c.id}"] is declared, but ${c.id} has something to check in this scope (status ${c.status}): remove the declaration.`,
      severity: 'warning',
      violatingResources: [{ constructPath, locations: [`notApplicable.${c.id}`] }],
    }));
}
