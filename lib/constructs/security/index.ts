export * from './audit-trail';
export * from './threat-detection';
export * from './access-analyzers';
export * from './secret-scan';
export * from './proactive-controls';
export * from './control-tower-exceptions';
