export * from './production-cluster';
export * from './workload-manifests';
