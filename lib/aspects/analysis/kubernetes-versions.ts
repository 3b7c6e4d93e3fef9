/**
 * Kubernetes versions on Amazon EKS and the end of their standard support (EKS Kubernetes release
 * calendar, https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar:
 * standard support lasts 14 months from the EKS release). Refresh with each EKS release; dates marked
 * `approximate` are estimates by the 14-month rule until AWS publishes the exact day.
 * - 1.29-1.34: the calendar's dates.
 * - 1.35: released on EKS on 2026-01-27/28, standard support until 2027-03-27 (published with the release;
 *   the stored copy of the calendar predates it, the date is from https://endoflife.date/amazon-eks, which
 *   tracks the calendar, and AWS's https://aws-samples.github.io/sample-apex-skills/docs/skills/eks-operation-review/references/cluster-lifecycle).
 * - 1.36, 1.37: not released on EKS yet; estimates (EKS release about 4 months apart, plus 14 months).
 */
export interface KubernetesVersionSupport {
  readonly version: string;
  /** Last day of standard support (ISO date). */
  readonly endOfStandardSupport: string;
  readonly approximate?: boolean;
}

export const EKS_KUBERNETES_VERSIONS: readonly KubernetesVersionSupport[] = [
  { version: '1.29', endOfStandardSupport: '2025-03-23' },
  { version: '1.30', endOfStandardSupport: '2025-07-23' },
  { version: '1.31', endOfStandardSupport: '2025-11-26' },
  { version: '1.32', endOfStandardSupport: '2026-03-23' },
  { version: '1.33', endOfStandardSupport: '2026-07-29' },
  { version: '1.34', endOfStandardSupport: '2026-12-02' },
  { version: '1.35', endOfStandardSupport: '2027-03-27' },
  { version: '1.36', endOfStandardSupport: '2027-07-31', approximate: true },
  { version: '1.37', endOfStandardSupport: '2027-11-30', approximate: true },
];

/** The support entry of a version (`1.33`, or `1.33.x`), or `undefined` when the table does not know it. */
export function supportOf(version: string): KubernetesVersionSupport | undefined {
  const minor = /^v?(\d+\.\d+)/.exec(version.trim())?.[1];
  return EKS_KUBERNETES_VERSIONS.find((v) => v.version === minor);
}

/** Whether the version is in standard support on `day` (ISO date, UTC). */
export function inStandardSupport(version: string, day: string): boolean {
  const s = supportOf(version);
  return s !== undefined && day <= s.endOfStandardSupport;
}
