import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { jsonOf, logicalIdOf, prop, stringOf } from '../../rule-helpers';
import { ResourceRule } from '../../rule';
import { referencedResource } from '../intrinsics';
import { ALARM_TYPE } from '../../analysis/alarm-graph';
import { ENUMERATED_VALUES, metricCatalog, PATTERNED_VALUES } from '../../analysis/metric-catalog';

/** Resource types whose `Ref` is an ARN or a URL, never the name a metric dimension takes. */
const REF_IS_ARN = new Set([
  'AWS::SNS::Topic',
  'AWS::ECS::Service',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::StepFunctions::StateMachine',
  'AWS::SecretsManager::Secret',
  'AWS::CertificateManager::Certificate',
]);
const REF_IS_URL = new Set(['AWS::SQS::Queue']);

/** A dimension whose name ends in Arn/ARN takes an ARN (AWS/States StateMachineArn); any other takes a name or an ID. */
const takesArn = (name: string) => /arn$/i.test(name);

/** 'an ARN' or 'a URL' when the rendered value is (or is built as) one; undefined otherwise. */
function arnOrUrl(node: CfnResource, value: unknown): string | undefined {
  const literal = typeof value === 'string' ? value : undefined;
  if (literal !== undefined) return /^arn:/.test(literal) ? 'an ARN' : /^https?:\/\//.test(literal) ? 'a URL' : undefined;
  const v = Stack.of(node).resolve(value);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const getAtt = v['Fn::GetAtt'];
  const attr = Array.isArray(getAtt) ? getAtt[1] : typeof getAtt === 'string' ? getAtt.split('.').slice(1).join('.') : undefined;
  if (typeof attr === 'string') return /arn$/i.test(attr) ? 'an ARN' : /url$/i.test(attr) ? 'a URL' : undefined;
  const join = v['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1]) && typeof join[1][0] === 'string' && join[1][0].startsWith('arn:')) return 'an ARN';
  const sub = v['Fn::Sub'];
  const template = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
  if (typeof template === 'string' && template.startsWith('arn:')) return 'an ARN';
  const target = referencedResource(node, v);
  if (!target) return undefined;
  const exportName = v['Fn::ImportValue'];
  if (typeof exportName === 'string' && exportName.includes(':ExportsOutputFnGetAtt')) {
    const rest = exportName.split(`ExportsOutputFnGetAtt${logicalIdOf(target)}`)[1] ?? '';
    return /^Arn/.test(rest) ? 'an ARN' : /^(Queue)?Url/i.test(rest) ? 'a URL' : undefined;
  }
  if (REF_IS_ARN.has(target.cfnResourceType)) return 'an ARN';
  if (REF_IS_URL.has(target.cfnResourceType)) return 'a URL';
  return undefined;
}

interface WatchedMetric {
  /** Where in the alarm: `MetricName` (a single-metric alarm) or `Metrics[i]`. */
  readonly where: string;
  readonly namespace: unknown;
  readonly metricName: unknown;
  readonly dimensions: unknown;
}

/** The metrics an alarm reads, or findings for what cannot be read (an intrinsic list, a Metrics Insights query). */
function metricsOf(node: CfnResource): { metrics: WatchedMetric[]; findings: string[] } {
  const findings: string[] = [];
  const metrics: WatchedMetric[] = [];
  const list = prop(node, 'Metrics');
  if (list === undefined) {
    metrics.push({ where: 'MetricName', namespace: prop(node, 'Namespace'), metricName: prop(node, 'MetricName'), dimensions: prop(node, 'Dimensions') });
    return { metrics, findings };
  }
  if (!Array.isArray(list)) return { metrics, findings: ['Metrics: not understood (an intrinsic stands for the list)'] };
  list.forEach((m: any, i) => {
    const stat = m?.MetricStat?.Metric;
    if (stat) {
      metrics.push({ where: `Metrics[${i}]`, namespace: stat.Namespace, metricName: stat.MetricName, dimensions: stat.Dimensions });
    } else if (typeof m?.Expression === 'string') {
      // A Metrics Insights query or SEARCH names its metrics in a query string this rule does not parse.
      if (/\b(SELECT|SEARCH)\b/i.test(m.Expression)) findings.push(`Metrics[${i}].Expression: not understood (a query; name the metrics in MetricStat entries)`);
    } else {
      findings.push(`Metrics[${i}]: not understood (neither MetricStat nor Expression)`);
    }
  });
  return { metrics, findings };
}

function checkMetric(node: CfnResource, m: WatchedMetric): { applicable: boolean; findings: string[] } {
  const namespace = stringOf(node, m.namespace);
  if (namespace === undefined) return { applicable: true, findings: [`${m.where}: Namespace cannot be read`] };
  // Custom namespaces (CWAgent, ECS/ContainerInsights, an application's own) are not AWS's to publish.
  if (!namespace.startsWith('AWS/')) return { applicable: false, findings: [] };
  const catalog = metricCatalog().namespaces;
  const metrics = catalog.get(namespace);
  if (!metrics) return { applicable: true, findings: [`${m.where}: namespace ${namespace} not understood (not in AWS's metric database)`] };
  const metricName = stringOf(node, m.metricName);
  if (metricName === undefined) return { applicable: true, findings: [`${m.where}: MetricName of ${namespace} cannot be read`] };
  const spec = metrics.get(metricName);
  if (!spec) return { applicable: true, findings: [`${m.where}: ${namespace} has no metric "${metricName}"`] };

  const findings: string[] = [];
  const at = `${m.where} ${namespace} ${metricName}`;
  const dims = m.dimensions === undefined ? [] : m.dimensions;
  if (!Array.isArray(dims)) return { applicable: true, findings: [`${at}: Dimensions cannot be read`] };
  const names: string[] = [];
  for (const d of dims as any[]) {
    const name = stringOf(node, d?.Name);
    if (name === undefined) {
      findings.push(`${at}: a dimension name cannot be read`);
      continue;
    }
    names.push(name);
    const value = d?.Value;
    // A metric's own values (Role=WRITER for a primary-only Aurora metric) are narrower than the namespace's.
    const enumerated = spec.pinnedValues[name] ?? ENUMERATED_VALUES[namespace]?.[name];
    const pattern = PATTERNED_VALUES[namespace]?.[name];
    // The stack's own Region (an env-agnostic stack) is a region code by definition.
    const ownRegion = pattern !== undefined && jsonOf(Stack.of(node).resolve(value)) === '{"Ref":"AWS::Region"}';
    if ((enumerated || pattern) && !ownRegion) {
      const literal = stringOf(node, value);
      if (literal === undefined) findings.push(`${at}: Dimensions.${name} cannot be read (AWS publishes ${enumerated ? enumerated.join(', ') : String(pattern)})`);
      else if (enumerated && !enumerated.includes(literal)) findings.push(`${at}: Dimensions.${name}="${literal}" is not a value AWS publishes (${enumerated.join(', ')})`);
      else if (pattern && !pattern.test(literal)) findings.push(`${at}: Dimensions.${name}="${literal}" does not match ${String(pattern)}`);
    }
    const kind = takesArn(name) ? undefined : arnOrUrl(node, value);
    if (kind) findings.push(`${at}: Dimensions.${name} is given ${kind}; it takes a name or ID`);
  }
  if (names.length === dims.length) {
    const key = [...names].sort().join(',');
    if (!spec.dimensionSets.some((s) => s.join(',') === key)) {
      const sets = spec.dimensionSets.map((s) => `[${s.join(',')}]`).join(' ');
      findings.push(`${at}: Dimensions [${[...names].sort().join(',')}] is not a dimension set AWS publishes it with (${sets})`);
    }
  }
  return { applicable: true, findings };
}

/**
 * Readiness-ALARM-METRIC-EXISTS: every CloudWatch alarm watches metrics AWS publishes: the namespace,
 * metric name and dimension set (of each metric of a metric-math alarm) are in AWS's metric database
 * (`@aws-cdk/aws-service-spec`, with a small documented supplement), enumerated dimension values are
 * valid (RDS `Role`, RDS Proxy `TargetRole`, CloudFront `Region=Global`, ...) and no name dimension
 * is given an ARN or a URL. Custom namespaces are not applicable; an AWS namespace the database lacks
 * is "not understood", never a pass.
 */
export const AlarmMetricsExist: ResourceRule = {
  kind: 'resource',
  id: 'ALARM-METRIC-EXISTS',
  controlId: 'RUNTIME-WIRING',
  category: 'operations',
  resourceTypes: [ALARM_TYPE],
  info: 'The alarm watches a metric AWS does not publish (namespace, metric name, dimension set or dimension value), or one this rule cannot read: it never leaves INSUFFICIENT_DATA and never fires.',
  explanation:
    'An alarm on a metric that does not exist looks wired in every review and never fires: a typo in a metric name, a dimension set AWS does not publish ' +
    '(CloudWatch matches the exact combination), an API value where the metric uses another (RDS Proxy TargetRole READWRITE, not READ_WRITE), ' +
    'or an ARN/URL where the dimension takes a name (use the L2 metric helpers, e.g. queue.metricApproximateAgeOfOldestMessage(), ' +
    'loadBalancer.metrics.httpCodeTarget(), or GetAtt LoadBalancerFullName / QueueName / Name). Check the metric in the console (All metrics) before alarming on it.',
  test: 'test/aspects/rules/observability/alarm-metrics-exist.spec.ts',
  check: (node: CfnResource): NagRuleResult => {
    const { metrics, findings } = metricsOf(node);
    let applicable = findings.length > 0;
    for (const m of metrics) {
      const r = checkMetric(node, m);
      applicable ||= r.applicable;
      findings.push(...r.findings);
    }
    if (!applicable) return NagRuleCompliance.NOT_APPLICABLE;
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
