export * from './customer-rollout';
