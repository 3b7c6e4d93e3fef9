export * from './tags';
export * from './encrypted-backup-vault';
export * from './cross-region-backup-plan';
export * from './aurora-restore-test';
export * from './global-database';
export type { RestoreJobDetail, RestoredCluster, RestoreValidationDeps, RestoreVerdict } from './restore-validation/validate';
export { validateRestore } from './restore-validation/validate';
