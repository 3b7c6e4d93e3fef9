export * from './production-cluster';
export * from './workload-manifests';
export * from './cluster-alarms';
