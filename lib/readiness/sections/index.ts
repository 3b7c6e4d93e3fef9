/**
 * Every report section provider, in report order. Add a section: write its provider and add it here.
 */
import { recoverySections } from '../recovery/report-section';
import { ReportSectionProvider } from './section';
import { securityAudit } from './security-audit';
import { capacitySection } from './capacity-report-section';
import { unmappedFindings } from './unmapped-findings';
import { incidentResponseSection } from './incident-response';

export const REPORT_SECTIONS: readonly ReportSectionProvider[] = [
  recoverySections,
  securityAudit,
  capacitySection,
  incidentResponseSection,
  unmappedFindings,
];
