/**
 * The prod stage on EKS (`-c stage=prod -c compute=eks`), synthesized once through the app entry with the
 * readiness gate (Readiness, AwsSolutions, NIST 800-53, Control Tower): it passes, its report shows the
 * compute controls ready with the cluster as evidence, and the Fargate-only resources are absent.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { K8sSecretsReadableByPod } from '../../lib/aspects/rules/wiring/k8s-secrets-readable-by-pod';
import { inEveryWorld } from '../../lib/aspects/rule';
import { ruleContextFor } from '../../lib/aspects/readiness-checks';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { main, selectCompute } from '../../bin/app';
import { CONTROLS } from '../../lib/readiness/catalogue';
import { checkAcknowledgments } from '../../lib/readiness/waivers';
import { StageConfig } from '../../lib/config/stage-config';
import { PROD } from '../../lib/config/stages';
import { validateStageConfig } from '../../lib/config/validate-config';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { NO_BUNDLING } from '../helpers/synth';
import { estimateRecovery } from '../../lib/aspects/analysis/estimate';
import { generateRunbook } from '../../lib/readiness/recovery';

interface Evidence { constructPath: string; resourceType: string }
interface ControlEntry { id: string; status: string; statusReason: string; evidence: Evidence[] }

describe('bin: -c compute=...', () => {
  test('fargate, eks or nothing; anything else names the field, the value and the fix', () => {
    expect(selectCompute(undefined)).toBeUndefined();
    expect(selectCompute('eks')).toBe('eks');
    expect(selectCompute('fargate')).toBe('fargate');
    expect(() => selectCompute('k8s')).toThrow(/compute = "k8s": use one of fargate, eks \(-c compute=eks\)/);
  });

  test('the stage config\'s compute is validated with the other fields; unset means Fargate', () => {
    expect(() => validateStageConfig({ ...PROD, compute: 'k8s' } as unknown as StageConfig)).toThrow(/compute = "k8s": use one of fargate, eks, or leave it unset for Fargate/);
    expect(() => validateStageConfig({ ...PROD, compute: 'eks' })).not.toThrow();
    expect(() => validateStageConfig(PROD)).not.toThrow();
  });
});

describe('prod stage on EKS (-c stage=prod -c compute=eks)', () => {
  let outdir: string;
  let stage: ReadinessStage;
  let service: Template;
  let resilience: Template;
  let controls: Map<string, ControlEntry>;
  let synthError: unknown;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-prod-'));
    // The context the CLI gives the app (cdk.json's feature flags), as `npx cdk synth -c stage=prod -c compute=eks` runs it.
    const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    const app = new App({ outdir, context: { ...cdkJson.context, ...NO_BUNDLING, stage: 'prod', compute: 'eks' } });
    expect(main(app)).toBe(app);
    stage = app.node.findChild('Prod') as ReadinessStage;
    try {
      app.synth();
    } catch (e) {
      synthError = e;
    }
    service = Template.fromStack(stage.eksService!);
    resilience = Template.fromStack(stage.resilience);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'readiness', 'prod.json'), 'utf8')) as { controls: ControlEntry[] };
    controls = new Map(report.controls.map((c) => [c.id, c]));
  }, 600_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('passes the gate: Readiness, AwsSolutions, NIST 800-53 and Control Tower', () => {
    // On failure, list the errors (the message also carries every warning).
    const errors = String((synthError as Error | undefined)?.message ?? '').split('\n').filter((l) => /\bERROR\b|unacknowledged/.test(l));
    expect(errors).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  test('its acknowledgments silence no rule a control is decided by (that would need waive())', () => {
    expect(checkAcknowledgments(stage, CONTROLS, 'prod')).toEqual({ records: [], violations: [] });
  });

  test.each(['COMPUTE-PLATFORM', 'AUTOSCALING', 'CAPACITY', 'CHAOS'])('%s is ready with EKS evidence', (id) => {
    const control = controls.get(id)!;
    expect(control.status).toBe('ready');
    expect(control.statusReason).toMatch(/Readiness-(EKS|K8S)-/);
    expect(control.evidence.some((e) => e.resourceType === 'AWS::EKS::Cluster' || e.resourceType === 'Custom::AWSCDK-EKS-KubernetesResource')).toBe(true);
  });

  test('COMPUTE-PLATFORM names the cluster', () => {
    expect(controls.get('COMPUTE-PLATFORM')!.evidence).toEqual(expect.arrayContaining([expect.objectContaining({ constructPath: 'Prod/Service/Platform/Cluster/Resource', resourceType: 'AWS::EKS::Cluster' })]));
  });

  test('the Service stack runs the cluster and no ECS: no Fargate-only resource anywhere in the stage', () => {
    expect(stage.service).toBeUndefined();
    service.resourceCountIs('AWS::EKS::Cluster', 1);
    for (const s of stage.node.children.filter((c): c is Stack => Stack.isStack(c))) {
      const t = Template.fromStack(s);
      for (const type of ['AWS::ECS::Cluster', 'AWS::ECS::Service', 'AWS::ECS::TaskDefinition']) expect(Object.keys(t.findResources(type))).toEqual([]);
    }
  });

  test('the CDK-owned ALB, its IP target group and WebACL stay; the web pods join through a TargetGroupBinding', () => {
    service.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      // Tagged like the load-balancing resources Auto Mode creates itself, with the cluster's name.
      Tags: Match.arrayWith([{ Key: 'eks:eks-cluster-name', Value: { Ref: Match.stringLikeRegexp('Cluster') } }]),
    });
    service.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    const manifests = Object.values(service.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map((r) => JSON.stringify(r.Properties.Manifest));
    expect(manifests.some((m) => m.includes('TargetGroupBinding') && m.includes('targetGroupARN'))).toBe(true);
  });

  test('the web pods mount the cache AUTH token through the Secrets Store CSI driver, not by ARN in their environment', () => {
    service.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-secrets-store-csi-driver-provider' });
    const manifests = Object.values(service.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map((r) => JSON.stringify(r.Properties.Manifest));
    const web = manifests.find((m) => m.includes('SecretProviderClass'))!;
    expect(web).toMatch(/usePodIdentity.*objectName.*Fn::ImportValue.*jmesPath/);
    expect(web).toContain('REDIS_AUTH_TOKEN_FILE');
    expect(manifests.join('\n')).not.toMatch(/REDIS_AUTH_SECRET_ARN|secretKeyRef|resolve:secretsmanager/);
  });

  test('Readiness-K8S-SECRETS-READABLE proves the web pods can read the secrets they mount (compliant, not just not applicable)', () => {
    const rule = inEveryWorld(K8sSecretsReadableByPod);
    const results = stage.eksService!.node.findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && K8sSecretsReadableByPod.resourceTypes.includes(c.cfnResourceType))
      .map((c) => ({ path: c.node.path, result: rule.check(c, ruleContextFor('prod')) }))
      .filter((r) => r.result !== NagRuleCompliance.NOT_APPLICABLE);
    expect(results.filter((r) => r.result !== NagRuleCompliance.COMPLIANT)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(1);
  });

  test('the DR region keeps a warm-standby cluster: the regional RTO counts it and the runbook has its failover steps', () => {
    expect(stage.drStandby?.region).toBe(PROD.drRegion);
    expect(stage.drNetwork?.region).toBe(PROD.drRegion);
    const region = estimateRecovery(stage, { dataSizeGiB: PROD.dr.dataSizeGiB, redeployMinutes: PROD.dr.redeployMinutes }).find((e) => e.scope === 'region')!;
    expect(region.components.map((c) => c.arithmetic).join('\n')).toContain(`warm standby Prod/DrStandby/Platform/Cluster/Resource in ${PROD.drRegion}`);
    const runbook = generateRunbook(stage, PROD);
    expect(runbook).toMatch(/fail over to the warm-standby EKS cluster[\s\S]*patch hpa web[\s\S]*Switch the CloudFront origin/);
  });

  test('the zone drill deletes web pods in one zone, stopped by the service alarm', () => {
    resilience.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Actions: { DeletePods0: { ActionId: 'aws:eks:pod-delete' } },
      StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: Match.anyValue() }],
    });
    // FIS reaches the Kubernetes API as its role, mapped to the user the namespace's RoleBinding names.
    resilience.hasResourceProperties('AWS::EKS::AccessEntry', { Username: 'fis-experiment', PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Drills'), 'Arn'] } });
    const manifests = Object.values(service.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map((r) => JSON.stringify(r.Properties.Manifest));
    expect(manifests.some((m) => m.includes('RoleBinding') && m.includes('fis-experiment') && m.includes('deletecollection'))).toBe(true);
  });
});
