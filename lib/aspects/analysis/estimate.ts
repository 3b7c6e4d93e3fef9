/**
 * Estimates, at synth, the recovery point and recovery time the synthesized resources achieve for
 * each failure scope, from the figures in `figures.ts`, and compares them with the config targets.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FailureScope, FAILURE_SCOPES, RecoveryObjective } from '../../config/stage-config';
import { isTrue, numberOf, prop, referencedLogicalId, rendered, resourcesOfType, stringOf } from '../rule-helpers';
import { evidenceOf, EvidenceItem } from './evidence';
import { coveringRules, regionOf } from './coverage';
import { FIGURES, RecoveryFigure } from './figures';

export interface RecoveryInputs {
  /** Database size, for the restore-time part of a regional recovery. */
  readonly dataSizeGiB: number;
  /** Measured minutes to deploy the stateless stacks in the DR region. */
  readonly redeployMinutes: number;
}

/** One component's part in a scope's estimate. */
export interface ComponentEstimate {
  readonly resource: EvidenceItem;
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  /** How the numbers were reached, e.g. `RTO = aurora-failover 1 min (2 instances)`. */
  readonly arithmetic: string;
  /** False for derived data (a cache): it is rebuilt, so it does not bound the RPO. */
  readonly countsForRpo: boolean;
  readonly figures: readonly RecoveryFigure[];
}

export interface ScopeEstimate {
  readonly scope: FailureScope;
  readonly rpoMinutes: number;
  readonly rtoMinutes: number;
  readonly components: readonly ComponentEstimate[];
}

export interface ScopeComparison extends ScopeEstimate {
  readonly target: RecoveryObjective;
  readonly rpoMet: boolean;
  readonly rtoMet: boolean;
}


/** Minutes as the report shows them: seconds below a minute, hours above 120 minutes. */
export function fmt(minutes: number): string {
  if (!Number.isFinite(minutes)) return 'unbounded';
  if (minutes > 0 && minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes >= 120 && minutes % 60 === 0) return `${minutes / 60} h`;
  return `${Math.round(minutes * 10) / 10} min`;
}

/** An Aurora global database secondary: joins a global cluster and has no credentials or source of its own. */
export function isGlobalSecondary(node: CfnResource): boolean {
  const p = rendered(node).Properties;
  return p.GlobalClusterIdentifier !== undefined && p.MasterUsername === undefined && p.SnapshotIdentifier === undefined && p.SourceDBClusterIdentifier === undefined;
}

function instancesOf(cluster: CfnResource): CfnResource[] {
  const id = Stack.of(cluster).resolve(cluster.logicalId);
  return resourcesOfType(Stack.of(cluster), 'AWS::RDS::DBInstance').filter(
    (i) => Stack.of(i) === Stack.of(cluster) && referencedLogicalId(i, prop(i, 'DBClusterIdentifier')) === id,
  );
}

/** The secondary cluster (in another region) of a global cluster whose source is `cluster`. */
function globalSecondaryOf(scope: IConstruct, cluster: CfnResource): CfnResource | undefined {
  const id = Stack.of(cluster).resolve(cluster.logicalId);
  const globals = resourcesOfType(Stack.of(cluster), 'AWS::RDS::GlobalCluster').filter(
    (g) => referencedLogicalId(g, prop(g, 'SourceDBClusterIdentifier')) === id,
  );
  for (const g of globals) {
    const name = stringOf(g, prop(g, 'GlobalClusterIdentifier'));
    if (!name) continue;
    const secondary = resourcesOfType(scope, 'AWS::RDS::DBCluster').find(
      (c) => isGlobalSecondary(c) && regionOf(c) !== regionOf(cluster) && stringOf(c, prop(c, 'GlobalClusterIdentifier')) === name,
    );
    if (secondary) return secondary;
  }
  return undefined;
}

/** The compute part of a regional recovery: how long until the stateless tier serves in the DR region. */
interface ComputePart {
  readonly minutes: number;
  /** The arithmetic, as it follows `RTO = ... + ` in a component's text. */
  readonly text: string;
  readonly figures: readonly RecoveryFigure[];
}

/**
 * The compute part of a regional recovery of data in `primaryRegion`:
 * - no EKS cluster in the scope (Fargate): the measured redeploy of the stateless stacks (dr.redeployMinutes);
 * - EKS clusters only in the primary region: the redeploy, and never less than creating the cluster
 *   (eks-cluster-create, 15 min: the average the EKS team states) plus starting the workloads on new nodes
 *   (eks-workload-scale-up, 5 min: an assumption, Auto Mode launches nodes in about a minute);
 * - an EKS cluster in another region (a warm standby, `dr.standbyCluster`): the cluster and its workloads
 *   already run there, so the redeploy loses the cluster creation, and scaling the standby up
 *   (eks-workload-scale-up) is the floor: max(eks-workload-scale-up, redeploy - eks-cluster-create).
 */
function regionalCompute(scope: IConstruct, primaryRegion: string | undefined, redeploy: number): ComputePart {
  const clusters = resourcesOfType(scope, 'AWS::EKS::Cluster');
  const plain: ComputePart = { minutes: redeploy, text: `redeploy ${fmt(redeploy)} (dr.redeployMinutes)`, figures: [] };
  if (clusters.length === 0) return plain;
  const create = FIGURES.eksClusterCreate;
  const scale = FIGURES.eksWorkloadScaleUp;
  const standby = primaryRegion === undefined ? undefined : clusters.find((c) => regionOf(c) !== undefined && regionOf(c) !== primaryRegion);
  if (standby) {
    const minutes = Math.max(scale.minutes, redeploy - create.minutes);
    return {
      minutes,
      text: `warm standby ${standby.node.path} in ${regionOf(standby)}: max(eks-workload-scale-up ${fmt(scale.minutes)}, redeploy ${fmt(redeploy)} (dr.redeployMinutes) - eks-cluster-create ${fmt(create.minutes)}) = ${fmt(minutes)}`,
      figures: [create, scale],
    };
  }
  const minutes = Math.max(redeploy, create.minutes + scale.minutes);
  return {
    minutes,
    text: `no standby cluster: max(redeploy ${fmt(redeploy)} (dr.redeployMinutes), eks-cluster-create ${fmt(create.minutes)} + eks-workload-scale-up ${fmt(scale.minutes)}) = ${fmt(minutes)}`,
    figures: [create, scale],
  };
}

function auroraEstimates(scope: IConstruct, cluster: CfnResource, inputs: RecoveryInputs): Record<FailureScope, ComponentEstimate> {
  const instances = instancesOf(cluster).length;
  const resource = evidenceOf(cluster);
  const local = (where: string): ComponentEstimate =>
    instances >= 2
      ? {
          resource,
          rpoMinutes: FIGURES.auroraStorageRpo.minutes,
          rtoMinutes: FIGURES.auroraFailover.minutes,
          arithmetic: `${where}: RPO = 0 (aurora-storage-rpo: six copies in three AZs); RTO = aurora-failover ${fmt(FIGURES.auroraFailover.minutes)} (${instances} instances: a reader takes over)`,
          countsForRpo: true,
          figures: [FIGURES.auroraStorageRpo, FIGURES.auroraFailover],
        }
      : {
          resource,
          rpoMinutes: FIGURES.auroraStorageRpo.minutes,
          rtoMinutes: FIGURES.auroraRecreateInstance.minutes,
          arithmetic: `${where}: RPO = 0 (aurora-storage-rpo); RTO = aurora-recreate-instance ${fmt(FIGURES.auroraRecreateInstance.minutes)} (${instances} instance: no reader to promote)`,
          countsForRpo: true,
          figures: [FIGURES.auroraStorageRpo, FIGURES.auroraRecreateInstance],
        };

  const compute = regionalCompute(scope, regionOf(cluster), inputs.redeployMinutes);
  const redeploy = compute.minutes;
  let region: ComponentEstimate;
  const secondary = globalSecondaryOf(scope, cluster);
  if (secondary) {
    const rto = FIGURES.globalDatabaseFailover.minutes + redeploy;
    region = {
      resource: { ...resource, note: `global secondary ${secondary.node.path}` },
      rpoMinutes: FIGURES.globalDatabaseRpo.minutes,
      rtoMinutes: rto,
      arithmetic:
        `region: RPO = global-database-rpo ${fmt(FIGURES.globalDatabaseRpo.minutes)} (secondary ${Stack.of(secondary).resolve(secondary.logicalId)} in ${regionOf(secondary)}); ` +
        `RTO = global-database-failover ${fmt(FIGURES.globalDatabaseFailover.minutes)} + ${compute.text} = ${fmt(rto)}`,
      countsForRpo: true,
      figures: [FIGURES.globalDatabaseRpo, FIGURES.globalDatabaseFailover, ...compute.figures],
    };
  } else {
    const copies = coveringRules(cluster).filter((r) => r.copyRegions.length > 0 && r.intervalHours !== undefined);
    if (copies.length === 0) {
      region = {
        resource,
        rpoMinutes: Infinity,
        rtoMinutes: Infinity,
        arithmetic: 'region: no backup plan copies this cluster to another region and no global database secondary: nothing to recover from',
        countsForRpo: true,
        figures: [],
      };
    } else {
      const best = copies.reduce((a, b) => (b.intervalHours! < a.intervalHours! ? b : a));
      const rpo = best.intervalHours! * 60;
      const restore = inputs.dataSizeGiB / FIGURES.snapshotRestoreGiBPerMinute.minutes;
      const rto = FIGURES.snapshotRestoreFixed.minutes + restore + redeploy;
      region = {
        resource: { ...resource, note: `copied by ${best.plan.node.path} rule ${best.ruleName} to ${best.copyRegions.join(', ')}` },
        rpoMinutes: rpo,
        rtoMinutes: rto,
        arithmetic:
          `region: RPO = copy interval of rule ${best.ruleName} (${best.plan.node.path}) ${best.intervalHours} h = ${fmt(rpo)}; ` +
          `RTO = snapshot-restore-fixed ${fmt(FIGURES.snapshotRestoreFixed.minutes)} + ${inputs.dataSizeGiB} GiB / ${FIGURES.snapshotRestoreGiBPerMinute.minutes} GiB per min ${fmt(restore)} ` +
          `+ ${compute.text} = ${fmt(rto)}`,
        countsForRpo: true,
        figures: [FIGURES.snapshotRestoreFixed, FIGURES.snapshotRestoreGiBPerMinute, ...compute.figures],
      };
    }
  }
  return { instance: local('instance'), az: local('az'), region };
}

function cacheEstimates(group: CfnResource, inputs: RecoveryInputs): Record<FailureScope, ComponentEstimate> {
  const resource = evidenceOf(group);
  const failover = isTrue(group, prop(group, 'AutomaticFailoverEnabled'));
  const multiAz = isTrue(group, prop(group, 'MultiAZEnabled'));
  const replicas = numberOf(group, prop(group, 'ReplicasPerNodeGroup')) ?? Math.max(0, (numberOf(group, prop(group, 'NumCacheClusters')) ?? 1) - 1);
  const make = (where: string, ok: boolean, why: string): ComponentEstimate => {
    const figure = ok ? FIGURES.cacheFailover : FIGURES.cacheNodeReplace;
    return { resource, rpoMinutes: 0, rtoMinutes: figure.minutes, arithmetic: `${where}: RTO = ${figure.id} ${fmt(figure.minutes)} (${why}); cache data is rebuilt, not counted for RPO`, countsForRpo: false, figures: [figure] };
  };
  return {
    instance: make('instance', failover && replicas >= 1, `automatic failover ${failover ? 'on' : 'off'}, ${replicas} replica(s)`),
    az: make('az', failover && multiAz && replicas >= 1, `Multi-AZ ${multiAz ? 'on' : 'off'}, ${replicas} replica(s)`),
    region: {
      resource,
      rpoMinutes: 0,
      rtoMinutes: inputs.redeployMinutes,
      arithmetic: `region: RTO = redeploy ${fmt(inputs.redeployMinutes)} (the cache is recreated empty with the stacks); not counted for RPO`,
      countsForRpo: false,
      figures: [],
    },
  };
}

/** Per failure scope: what the data tier under `scope` achieves and what it relies on. */
export function estimateRecovery(scope: IConstruct, inputs: RecoveryInputs): ScopeEstimate[] {
  const perComponent: Record<FailureScope, ComponentEstimate>[] = [];
  for (const cluster of resourcesOfType(scope, 'AWS::RDS::DBCluster')) {
    if (isGlobalSecondary(cluster)) continue;
    perComponent.push(auroraEstimates(scope, cluster, inputs));
  }
  for (const group of resourcesOfType(scope, 'AWS::ElastiCache::ReplicationGroup')) perComponent.push(cacheEstimates(group, inputs));

  return FAILURE_SCOPES.map((s) => {
    const components = perComponent.map((c) => c[s]);
    return {
      scope: s,
      rpoMinutes: Math.max(0, ...components.filter((c) => c.countsForRpo).map((c) => c.rpoMinutes)),
      rtoMinutes: Math.max(0, ...components.map((c) => c.rtoMinutes)),
      components,
    };
  });
}

export function compareWithTargets(estimates: readonly ScopeEstimate[], targets: Readonly<Record<FailureScope, RecoveryObjective>>): ScopeComparison[] {
  return estimates.map((e) => {
    const target = targets[e.scope];
    return { ...e, target, rpoMet: e.rpoMinutes <= target.rpoMinutes, rtoMet: e.rtoMinutes <= target.rtoMinutes };
  });
}

/** One line per missed objective, with the arithmetic of the component that decides it. */
export function missedObjectives(comparisons: readonly ScopeComparison[]): string[] {
  const out: string[] = [];
  for (const c of comparisons) {
    if (!c.rpoMet) {
      const worst = c.components.filter((x) => x.countsForRpo && x.rpoMinutes > c.target.rpoMinutes);
      out.push(`${c.scope} RPO: estimate ${fmt(c.rpoMinutes)} > target ${fmt(c.target.rpoMinutes)} (dr.targets.${c.scope}.rpoMinutes): ${worst.map((w) => `${w.resource.constructPath}: ${w.arithmetic}`).join(' | ')}`);
    }
    if (!c.rtoMet) {
      const worst = c.components.filter((x) => x.rtoMinutes > c.target.rtoMinutes);
      out.push(`${c.scope} RTO: estimate ${fmt(c.rtoMinutes)} > target ${fmt(c.target.rtoMinutes)} (dr.targets.${c.scope}.rtoMinutes): ${worst.map((w) => `${w.resource.constructPath}: ${w.arithmetic}`).join(' | ')}`);
    }
  }
  return out;
}
