export * from './audit-trail';
export * from './threat-detection';
export * from './access-analyzers';
