export * from './protected-service';
export * from './capacity-plan';
export * from './container-image';
