export * from './resilient-postgres';
export * from './app-user';
export { appUserStatements, runAppUserBootstrap, validateAppUserSpec } from './app-user/sql';
export type { AppUserSpec, SqlClient } from './app-user/sql';
