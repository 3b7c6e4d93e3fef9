export * from './failover-drills';
