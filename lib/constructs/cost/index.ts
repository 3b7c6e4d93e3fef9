export * from './cost-budget';
export * from './cost-anomaly-alerts';
