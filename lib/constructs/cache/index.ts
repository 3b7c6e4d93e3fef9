export * from './resilient-redis';
