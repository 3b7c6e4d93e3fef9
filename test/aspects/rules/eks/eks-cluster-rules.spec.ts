import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { NagRuleCompliance } from 'cdk-nag';
import { ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { ResourceRule } from '../../../../lib/aspects/rule';
import { EksControlPlaneLogged } from '../../../../lib/aspects/rules/eks/eks-control-plane-logged';
import { EksEndpointPrivate } from '../../../../lib/aspects/rules/eks/eks-endpoint-private';
import { EksSecretsEncrypted } from '../../../../lib/aspects/rules/eks/eks-secrets-encrypted';
import { EksSpreadAcrossZones } from '../../../../lib/aspects/rules/eks/eks-spread-across-zones';
import { EksVersionSupported, SUPPORT_DAY_SETTING } from '../../../../lib/aspects/rules/eks/eks-version-supported';
import { NO_BUNDLING } from '../../../helpers/synth';
import { cfnOf, check } from '../rule-test-kit';
import { flaggedPaths } from './eks-test-kit';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const ALL_LOGS = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
const AZ3 = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** A user's app with EKS clusters made every way: plain L1, aws-eks-v2 and aws-eks (v1, custom resource). */
function userApp() {
  const app = new App({ context: NO_BUNDLING });
  const stack = new Stack(app, 'Platform', { env: ENV });
  const vpc3 = new ec2.Vpc(stack, 'Vpc3', { natGateways: 0, availabilityZones: AZ3, subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const vpc2 = new ec2.Vpc(stack, 'Vpc2', { natGateways: 0, availabilityZones: AZ3.slice(0, 2), subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const key = new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true });
  const roleArn = 'arn:aws:iam::123456789012:role/eks';

  const l1Good = new eksv2.CfnCluster(stack, 'L1Good', {
    roleArn,
    version: '1.34',
    resourcesVpcConfig: { subnetIds: vpc3.isolatedSubnets.map((s) => s.subnetId), endpointPublicAccess: false, endpointPrivateAccess: true },
    logging: { clusterLogging: { enabledTypes: ALL_LOGS.map((type) => ({ type })) } },
    encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: key.keyArn } }],
  });
  // The public example app's shape: public endpoint by default, audit logs only, no secrets encryption, old version.
  const l1Bad = new eksv2.CfnCluster(stack, 'L1Bad', {
    roleArn,
    version: '1.29',
    resourcesVpcConfig: { subnetIds: vpc2.isolatedSubnets.map((s) => s.subnetId) },
    logging: { clusterLogging: { enabledTypes: [{ type: 'audit' }] } },
  });
  const restricted = new eksv2.CfnCluster(stack, 'Restricted', {
    roleArn,
    resourcesVpcConfig: { subnetIds: vpc3.isolatedSubnets.map((s) => s.subnetId), endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
  });
  const openCidr = new eksv2.CfnCluster(stack, 'OpenCidr', {
    roleArn,
    resourcesVpcConfig: { subnetIds: vpc3.isolatedSubnets.map((s) => s.subnetId), endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24', '0.0.0.0/0'] },
  });
  // Values only known at deploy time: a parameter for the public flag, the key, the version; a Fn::If for logs.
  const flag = new CfnParameter(stack, 'PublicFlag', { type: 'String', default: 'false' });
  const keyParam = new CfnParameter(stack, 'KeyArnParam', { type: 'String' });
  const versionParam = new CfnParameter(stack, 'VersionParam', { type: 'String', default: '1.35' });
  const fooled = new eksv2.CfnCluster(stack, 'Fooled', {
    roleArn,
    version: versionParam.valueAsString,
    resourcesVpcConfig: { subnetIds: Fn.split(',', 'subnet-a,subnet-b,subnet-c'), endpointPublicAccess: flag.valueAsString as any, endpointPrivateAccess: true },
    logging: { clusterLogging: { enabledTypes: ALL_LOGS.map((type) => ({ type: Fn.conditionIf('Never', type, 'audit').toString() })) } },
    encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: keyParam.valueAsString } }],
  });

  const v2 = new eksv2.Cluster(stack, 'V2', {
    version: eksv2.KubernetesVersion.V1_35,
    vpc: vpc3,
    vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    endpointAccess: eksv2.EndpointAccess.PRIVATE,
    clusterLogging: [eksv2.ClusterLoggingTypes.API, eksv2.ClusterLoggingTypes.AUDIT, eksv2.ClusterLoggingTypes.AUTHENTICATOR, eksv2.ClusterLoggingTypes.CONTROLLER_MANAGER, eksv2.ClusterLoggingTypes.SCHEDULER],
    secretsEncryptionKey: key,
  });
  const v2Defaults = new eksv2.Cluster(stack, 'V2Defaults', { version: eksv2.KubernetesVersion.V1_35, vpc: vpc3, vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });

  const v1 = new eks.Cluster(stack, 'V1', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV35Layer(stack, 'Kubectl'),
    vpc: vpc2,
    vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    defaultCapacity: 0,
    clusterLogging: [eks.ClusterLoggingTypes.AUDIT],
  });
  // One aws-eks v1 cluster per stack: the second lives in its own stack, on the first stack's VPC.
  const stack2 = new Stack(app, 'Platform2', { env: ENV });
  const v1Restricted = new eks.Cluster(stack2, 'V1Restricted', {
    version: eks.KubernetesVersion.V1_35,
    kubectlLayer: new KubectlV35Layer(stack2, 'Kubectl2'),
    vpc: vpc3,
    vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    defaultCapacity: 0,
    endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('198.51.100.0/24'),
    clusterLogging: Object.values(eks.ClusterLoggingTypes),
    secretsEncryptionKey: key,
  });
  return { app, stack, l1Good, l1Bad, restricted, openCidr, fooled, v2, v2Defaults, v1, v1Restricted };
}

const DAY = { [SUPPORT_DAY_SETTING]: '2026-11-29' };
const verdict = (rule: ResourceRule, c: any, stage: 'prod' | 'dev' = 'prod') => rule.check(cfnOf(c.node.findChild('Resource')?.node.defaultChild ?? c.node.findChild('Resource')), ruleContextFor(stage, undefined, DAY));
const v = (rule: ResourceRule, c: any) => rule.check(cfnOf(c), ruleContextFor('prod', undefined, DAY));

describe('EKS cluster rules over L1, aws-eks-v2 and aws-eks v1 clusters', () => {
  let f: ReturnType<typeof userApp>;
  beforeAll(() => {
    f = userApp();
  });

  test('Readiness-EKS-ENDPOINT-PRIVATE: private, or public only to listed CIDRs; EKS default and 0.0.0.0/0 are flagged', () => {
    expect(check(EksEndpointPrivate, f.l1Good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(EksEndpointPrivate, f.restricted)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(EksEndpointPrivate, f.l1Bad)).toEqual([expect.stringMatching(/EndpointPublicAccess is not set \(EKS defaults it to true\) and PublicAccessCidrs is not set/)]);
    expect(check(EksEndpointPrivate, f.openCidr)).toEqual([expect.stringMatching(/PublicAccessCidrs includes 0\.0\.0\.0\/0/)]);
    expect(check(EksEndpointPrivate, f.fooled)).toEqual([expect.stringMatching(/EndpointPublicAccess cannot be read/)]);
    expect(verdict(EksEndpointPrivate, f.v2)).toBe(NagRuleCompliance.COMPLIANT);
    expect(verdict(EksEndpointPrivate, f.v2Defaults)).toEqual([expect.stringMatching(/EndpointPublicAccess is true .*0\.0\.0\.0\/0/)]);
    expect(flaggedPaths(EksEndpointPrivate, f.app)).toEqual(expect.arrayContaining(['Platform/V1/Resource/Resource/Default']));
    expect(flaggedPaths(EksEndpointPrivate, f.app)).not.toContain('Platform2/V1Restricted/Resource/Resource/Default');
  });

  test('Readiness-EKS-CONTROL-PLANE-LOGGED: all five log types; audit only, none and Fn::If are flagged', () => {
    expect(check(EksControlPlaneLogged, f.l1Good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(EksControlPlaneLogged, f.l1Bad)).toEqual(['Logging.ClusterLogging.EnabledTypes is [audit]: missing api, authenticator, controllerManager, scheduler']);
    // Every log type behind an undecided condition: in the world where it is false only audit is on.
    expect(check(EksControlPlaneLogged, f.fooled)).toEqual([expect.stringMatching(/is \[audit\]: missing api, authenticator, controllerManager, scheduler \(where condition Never is false\)$/)]);
    expect(verdict(EksControlPlaneLogged, f.v2)).toBe(NagRuleCompliance.COMPLIANT);
    expect(verdict(EksControlPlaneLogged, f.v2Defaults)).toEqual([expect.stringMatching(/missing api, audit/)]);
    const flagged = flaggedPaths(EksControlPlaneLogged, f.app);
    expect(flagged).toEqual(expect.arrayContaining(['Platform/V1/Resource/Resource/Default']));
    expect(flagged).not.toContain('Platform2/V1Restricted/Resource/Resource/Default');
  });

  test('Readiness-EKS-SECRETS-ENCRYPTED: a KMS key of the app; none, or a parameter key, is flagged', () => {
    expect(check(EksSecretsEncrypted, f.l1Good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(EksSecretsEncrypted, f.l1Bad)).toEqual([expect.stringMatching(/no entry for `secrets`/)]);
    expect(check(EksSecretsEncrypted, f.fooled)).toEqual([expect.stringMatching(/cannot show to be a KMS key/)]);
    expect(verdict(EksSecretsEncrypted, f.v2)).toBe(NagRuleCompliance.COMPLIANT);
    expect(verdict(EksSecretsEncrypted, f.v2Defaults)).toEqual([expect.stringMatching(/no entry for `secrets`/)]);
    const flagged = flaggedPaths(EksSecretsEncrypted, f.app);
    expect(flagged).toEqual(expect.arrayContaining(['Platform/V1/Resource/Resource/Default']));
    expect(flagged).not.toContain('Platform2/V1Restricted/Resource/Resource/Default');
  });

  test('Readiness-EKS-ZONES: 3 zones in prod, 2 elsewhere; Fn::Split subnets are unknown', () => {
    expect(check(EksSpreadAcrossZones, f.l1Good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(EksSpreadAcrossZones, f.l1Bad, 'prod')).toEqual([expect.stringMatching(/span 2 zone\(s\) \(eu-west-1a, eu-west-1b\); 3 needed in prod/)]);
    expect(check(EksSpreadAcrossZones, f.l1Bad, 'dev')).toBe(NagRuleCompliance.COMPLIANT);
    expect(check(EksSpreadAcrossZones, f.fooled)).toEqual([expect.stringMatching(/cannot be followed/)]);
    expect(verdict(EksSpreadAcrossZones, f.v2)).toBe(NagRuleCompliance.COMPLIANT);
    const flagged = flaggedPaths(EksSpreadAcrossZones, f.app);
    expect(flagged).toEqual(expect.arrayContaining(['Platform/V1/Resource/Resource/Default']));
    expect(flagged).not.toContain('Platform2/V1Restricted/Resource/Resource/Default');
  });

  test('Readiness-EKS-VERSION-SUPPORTED: a version in standard support on the day; old, unknown, parameter and missing are flagged', () => {
    expect(v(EksVersionSupported, f.l1Good)).toBe(NagRuleCompliance.COMPLIANT);
    expect(v(EksVersionSupported, f.l1Bad)).toEqual(['Version 1.29 left standard support on 2025-03-23']);
    expect(v(EksVersionSupported, f.restricted)).toEqual([expect.stringMatching(/Version is not set/)]);
    expect(v(EksVersionSupported, f.fooled)).toEqual([expect.stringMatching(/Version cannot be read/)]);
    expect(verdict(EksVersionSupported, f.v2)).toBe(NagRuleCompliance.COMPLIANT);
    const v1 = f.v1.node.findChild('Resource').node.findChild('Resource').node.defaultChild!;
    expect(v(EksVersionSupported, v1)).toEqual(['Version 1.33 left standard support on 2026-07-29']);
    expect(EksVersionSupported.check(cfnOf(v1), ruleContextFor('prod', undefined, { [SUPPORT_DAY_SETTING]: '2026-07-01' }))).toBe(NagRuleCompliance.COMPLIANT);
  });
});
