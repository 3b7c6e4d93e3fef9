/**
 * Every Readiness rule, in one list. Add a rule: write its file under its area folder and add it here.
 */
import { ReadinessRule } from '../rule';

export const READINESS_RULES: readonly ReadinessRule[] = [
];
