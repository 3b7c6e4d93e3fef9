/**
 * The deployment stages a construct can key per-stage defaults on (capacity targets, ...).
 * The stage config (lib/config) names its stages with this type.
 */
export type StageName = 'dev' | 'staging' | 'prod';
