export * from './queue-worker';
