export * from './resilient-postgres';
