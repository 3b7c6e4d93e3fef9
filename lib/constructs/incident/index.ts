export * from './incident-response';
