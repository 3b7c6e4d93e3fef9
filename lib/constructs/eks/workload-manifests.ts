import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

/** Annotation on a Deployment: the requests one pod serves at once (CAPACITY reads it with the HPA's maxReplicas). */
export const CONCURRENCY_ANNOTATION = 'readiness.dev/concurrency-per-pod';

/** CSI driver name of the Secrets Store CSI driver (installed with the AWS provider as an EKS add-on). */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** Where a workload's Secrets Manager secrets appear as files (read-only). */
export const SECRETS_MOUNT_PATH = '/mnt/secrets';

/** A Secrets Manager secret mounted into a workload's pods as a file. */
export interface WorkloadSecret {
  /** File name under `SECRETS_MOUNT_PATH` (letters, digits, `.`, `_`, `-`). */
  readonly fileName: string;
  readonly secret: secretsmanager.ISecret;
  /**
   * Key of a JSON secret whose value alone becomes the file.
   * @default - the whole secret string
   */
  readonly jsonKey?: string;
}

/** An egress the namespace's default-deny policy lets through (to the database proxy, the cache, ...). */
export interface EgressAllow {
  readonly cidr: string;
  readonly port: number;
}

export interface KubernetesNamespaceProps {
  readonly cluster: eks.ICluster;
  readonly name: string;
  /**
   * Egress allowed for every pod of the namespace, besides DNS.
   * @default - DNS only
   */
  readonly egress?: EgressAllow[];
  /**
   * TCP ports pods accept from the VPC (the load balancer's targets).
   * @default - none
   */
  readonly ingressPorts?: number[];
  /**
   * CIDR ingress is allowed from (the VPC).
   * @default - no ingress rule
   */
  readonly ingressCidr?: string;
}

/**
 * A namespace with a default-deny NetworkPolicy (ingress and egress) and the allows its services need:
 * DNS to kube-system, the listed egress, ingress on the service ports from the VPC.
 */
export class KubernetesNamespace extends Construct {
  public readonly name: string;
  public readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: KubernetesNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const ns = props.name;
    const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec: { podSelector: {}, ...spec } });
    const objects: Record<string, unknown>[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      policy('default-deny', { policyTypes: ['Ingress', 'Egress'] }),
      policy('allow-dns', {
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      }),
    ];
    if (props.egress && props.egress.length > 0) {
      objects.push(policy('allow-dependencies', { policyTypes: ['Egress'], egress: props.egress.map((e) => ({ to: [{ ipBlock: { cidr: e.cidr } }], ports: [{ protocol: 'TCP', port: e.port }] })) }));
    }
    if (props.ingressCidr && props.ingressPorts && props.ingressPorts.length > 0) {
      objects.push(policy('allow-load-balancer', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: props.ingressCidr } }], ports: props.ingressPorts.map((port) => ({ protocol: 'TCP', port })) }] }));
    }
    this.manifest = props.cluster.addManifest(`${id}Namespace`, ...objects);
  }
}

/** How the workload scales horizontally. */
export type WorkloadScaling =
  | { readonly kind: 'cpu'; readonly targetUtilizationPercent: number }
  | { readonly kind: 'sqs'; readonly queueUrl: string; readonly region: string; readonly messagesPerPod: number };

export interface KubernetesWorkloadProps {
  readonly cluster: eks.ICluster;
  readonly namespace: KubernetesNamespace;
  readonly name: string;
  readonly image: string;
  /** Service account the pods run as (a pod identity association gives it AWS permissions). */
  readonly serviceAccountName: string;
  /** CPU request in millicores; the limit is twice the request. */
  readonly cpuMillis: number;
  /** Memory request and limit in MiB. */
  readonly memoryMiB: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaling: WorkloadScaling;
  /** Requests one pod serves at once (recorded for the capacity plan). */
  readonly concurrencyPerPod: number;
  /**
   * Container port of an HTTP service; probes use `healthPath` on it and a Service fronts it.
   * @default - no port: probes run `healthCommand`
   */
  readonly port?: number;
  /**
   * HTTP path of the health endpoint.
   * @default '/health'
   */
  readonly healthPath?: string;
  /**
   * Command that exits 0 when a worker is healthy (used when there is no port).
   * @default ['/bin/sh', '-c', 'test -f /tmp/healthy']
   */
  readonly healthCommand?: string[];
  /**
   * Plain environment variables (never secrets: those come from Secrets Manager through the pod's role).
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Secrets Manager secrets mounted read-only under `SECRETS_MOUNT_PATH` by the Secrets Store CSI driver
   * (AWS provider, pod identity), listed by ARN in a SecretProviderClass: values never reach the template,
   * a Kubernetes Secret or an environment variable. `podRole` is granted read on exactly these.
   * @default - none
   */
  readonly secrets?: WorkloadSecret[];
  /**
   * The pod identity role of `serviceAccountName` (`ProductionCluster.podIdentityRole`), granted
   * `secretsmanager:GetSecretValue` on `secrets` and `kms:Decrypt` through Secrets Manager on their keys.
   * @default - none; required when `secrets` is set
   */
  readonly podRole?: iam.IRole;
}

const WORKLOAD_RULES: readonly ValidationRule<KubernetesWorkloadProps>[] = [
  { field: 'minReplicas', value: (p) => p.minReplicas, check: (v) => Number.isInteger(v) && v >= 2, fix: 'use 2 or more, so that one pod or zone can fail' },
  { field: 'maxReplicas', value: (p) => p.maxReplicas, check: (v, p) => Number.isInteger(v) && v > p.minReplicas, fix: 'use more than minReplicas' },
  { field: 'cpuMillis', value: (p) => p.cpuMillis, check: (v) => Number.isInteger(v) && v > 0, fix: 'use a positive number of millicores' },
  { field: 'memoryMiB', value: (p) => p.memoryMiB, check: (v) => Number.isInteger(v) && v > 0, fix: 'use a positive number of MiB' },
  { field: 'concurrencyPerPod', value: (p) => p.concurrencyPerPod, check: (v) => Number.isInteger(v) && v > 0, fix: 'use the measured concurrent requests one pod serves' },
  {
    field: 'secrets[].fileName',
    value: (p) => (p.secrets ?? []).map((s) => s.fileName),
    check: (names: string[]) => names.every((n) => /^[A-Za-z0-9._-]{1,64}$/.test(n) && n !== '.' && n !== '..') && new Set(names).size === names.length,
    fix: 'use distinct file names of letters, digits, ".", "_" or "-"',
  },
  { field: 'podRole', value: (p) => (p.podRole ? p.podRole.node.path : undefined), check: (v, p) => (p.secrets ?? []).length === 0 || v !== undefined, fix: 'pass the pod identity role of serviceAccountName so that it can read the mounted secrets' },
];

/** The ARN a policy names for a secret: the full ARN, or the partial ARN with Secrets Manager's 6-character suffix. */
function secretPolicyArn(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/**
 * A Deployment with production defaults and everything that keeps it up: requests and limits, readiness,
 * liveness and startup probes, topology spread over zones, non-root read-only containers, a
 * HorizontalPodAutoscaler (CPU) or a KEDA ScaledObject (SQS queue depth), a PodDisruptionBudget, and a
 * Service for HTTP workloads.
 */
export class KubernetesWorkload extends Construct {
  public readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: KubernetesWorkloadProps) {
    super(scope, id);
    assertValid(`KubernetesWorkload ${this.node.path}`, props, WORKLOAD_RULES);
    const ns = props.namespace.name;
    const labels = { 'app.kubernetes.io/name': props.name };
    const meta = { name: props.name, namespace: ns, labels };
    const handler = props.port !== undefined
      ? { httpGet: { path: props.healthPath ?? '/health', port: props.port } }
      : { exec: { command: props.healthCommand ?? ['/bin/sh', '-c', 'test -f /tmp/healthy'] } };
    const secretClass = this.secretProviderClass(props);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta, annotations: { [CONCURRENCY_ANNOTATION]: String(props.concurrencyPerPod) } },
      spec: {
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: true,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } },
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
            ],
            containers: [
              {
                name: props.name,
                image: props.image,
                ...(props.port !== undefined ? { ports: [{ containerPort: props.port }] } : {}),
                env: Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
                resources: {
                  requests: { cpu: `${props.cpuMillis}m`, memory: `${props.memoryMiB}Mi` },
                  limits: { cpu: `${props.cpuMillis * 2}m`, memory: `${props.memoryMiB}Mi` },
                },
                readinessProbe: { ...handler, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: { ...handler, periodSeconds: 20, failureThreshold: 3 },
                startupProbe: { ...handler, periodSeconds: 5, failureThreshold: 30 },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  ...(secretClass ? [{ name: 'secrets', mountPath: SECRETS_MOUNT_PATH, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              ...(secretClass ? [{ name: 'secrets', csi: { driver: SECRETS_STORE_CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: secretClass.metadata.name } } }] : []),
            ],
          },
        },
      },
    };
    const objects: Record<string, unknown>[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: props.serviceAccountName, namespace: ns } },
      ...(secretClass ? [secretClass] : []),
      deployment,
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
    ];
    if (props.scaling.kind === 'cpu') {
      objects.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
          minReplicas: props.minReplicas,
          maxReplicas: props.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.scaling.targetUtilizationPercent } } }],
        },
      });
    } else {
      objects.push({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: meta,
        spec: {
          scaleTargetRef: { name: props.name },
          minReplicaCount: props.minReplicas,
          maxReplicaCount: props.maxReplicas,
          triggers: [{ type: 'aws-sqs-queue', authenticationRef: { name: `${props.name}-aws` }, metadata: { queueURL: props.scaling.queueUrl, queueLength: String(props.scaling.messagesPerPod), awsRegion: props.scaling.region } }],
        },
      });
      objects.push({ apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: `${props.name}-aws`, namespace: ns }, spec: { podIdentity: { provider: 'aws', identityOwner: 'workload' } } });
    }
    if (props.port !== undefined) {
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { selector: labels, ports: [{ port: 80, targetPort: props.port, protocol: 'TCP' }] } });
    }
    this.manifest = props.cluster.addManifest(`${id}Workload`, ...objects);
    this.manifest.node.addDependency(props.namespace.manifest);
  }

  /**
   * The SecretProviderClass of the workload's secrets (AWS provider, pod identity) and the grants of its pod
   * role: GetSecretValue (and DescribeSecret, which the provider calls) on exactly those secrets, kms:Decrypt
   * on their customer keys only through Secrets Manager. Field names follow
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-examples.html (SecretProviderClass) and
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-pod-identity-integration.html (usePodIdentity).
   */
  private secretProviderClass(props: KubernetesWorkloadProps): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> } | undefined {
    const secrets = props.secrets ?? [];
    if (secrets.length === 0 || !props.podRole) return undefined;
    const region = Stack.of(this).region;
    const objects = secrets.map((s) => ({
      objectName: s.secret.secretFullArn ?? s.secret.secretArn,
      objectType: 'secretsmanager',
      ...(s.jsonKey === undefined ? { objectAlias: s.fileName } : { objectAlias: `${s.fileName}.json`, jmesPath: [{ path: s.jsonKey, objectAlias: s.fileName }] }),
    }));
    props.podRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: secrets.map((s) => secretPolicyArn(s.secret)),
    }));
    const keys = [...new Set(secrets.map((s) => s.secret.encryptionKey?.keyArn).filter((k): k is string => k !== undefined))];
    if (keys.length > 0) {
      props.podRole.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: keys,
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }));
    }
    return {
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: `${props.name}-secrets`, namespace: props.namespace.name },
      // `objects` is a YAML string; JSON is YAML.
      spec: { provider: 'aws', parameters: { region, usePodIdentity: 'true', objects: JSON.stringify(objects) } },
    };
  }
}
