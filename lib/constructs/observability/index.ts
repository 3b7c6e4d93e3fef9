export * from './on-call-topics';
