import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findStatefulRisks, STATEFUL_RESOURCE_TYPES, statefulView } from '../../lib/readiness/recovery/stateful-guard';

const ROOT = path.join(__dirname, '..', '..');

/** A user's data stack; `databaseId` is the construct ID of the database. */
function dataApp(databaseId: string, bucketName: string, outdir?: string): App {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new rds.DatabaseCluster(stack, databaseId, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    writer: rds.ClusterInstance.provisioned('Writer'),
  });
  new s3.Bucket(stack, 'Uploads', { bucketName });
  return app;
}

const templateOf = (app: App) => app.synth().getStackByName('Data').template;

describe('stateful replacement guard: comparison', () => {
  let baseline: any;
  let renamed: any;
  beforeAll(() => {
    baseline = templateOf(dataApp('Database', 'uploads-v1'));
    renamed = templateOf(dataApp('Db', 'uploads-v2'));
  });

  test('only stateful resources are compared: a changed VPC or security group is no finding', () => {
    const current = JSON.parse(JSON.stringify(baseline));
    for (const [id, r] of Object.entries<any>(current.Resources)) if (r.Type === 'AWS::EC2::VPC') delete current.Resources[id];
    expect(findStatefulRisks('Data', baseline, current)).toEqual([]);
    expect(Object.values(statefulView(baseline).Resources!).every((r) => STATEFUL_RESOURCE_TYPES.includes(r.Type))).toBe(true);
  });

  test('an unchanged template has no findings', () => {
    expect(findStatefulRisks('Data', baseline, baseline)).toEqual([]);
  });

  test('renaming the database construct removes the cluster, its instance and its secret, naming the likely rename', () => {
    const findings = findStatefulRisks('Data', baseline, renamed);
    const cluster = findings.find((f) => f.resourceType === 'AWS::RDS::DBCluster');
    expect(cluster).toMatchObject({ change: 'removed', logicalId: expect.stringMatching(/^Database[0-9A-F]{8}$/) });
    expect(cluster!.message).toMatch(/Data: AWS::RDS::DBCluster Database[0-9A-F]{8} \(\/?Data\/Database\/Resource\) would be removed .*new AWS::RDS::DBCluster Db[0-9A-F]{8}.*renamed construct/);
    expect(findings.map((f) => f.resourceType)).toEqual(expect.arrayContaining(['AWS::RDS::DBInstance', 'AWS::SecretsManager::Secret']));
  });

  test('changing a property that forces replacement names the property', () => {
    const bucket = findStatefulRisks('Data', baseline, renamed).find((f) => f.resourceType === 'AWS::S3::Bucket');
    expect(bucket).toMatchObject({ change: 'replaced', properties: ['BucketName'] });
    expect(bucket!.message).toMatch(/would be replaced: changing BucketName forces a new resource/);
  });

  test('a stack that disappears removes all of its stateful resources', () => {
    const findings = findStatefulRisks('Data', baseline, { Resources: {} });
    expect(findings.every((f) => f.change === 'removed')).toBe(true);
    expect(findings.map((f) => f.resourceType)).toEqual(expect.arrayContaining(['AWS::RDS::DBCluster', 'AWS::S3::Bucket']));
  });
});

describe('npm run guard (scripts/guard.ts)', () => {
  test('fails on a renamed database, then passes once the baseline is accepted', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-test-'));
    const baselineDir = path.join(tmp, 'baseline');
    fs.mkdirSync(path.join(baselineDir, 'app'), { recursive: true });
    fs.writeFileSync(path.join(baselineDir, 'app', 'Data.template.json'), JSON.stringify(templateOf(dataApp('Database', 'uploads-v1'))));
    const assembly = path.join(tmp, 'cdk.out');
    dataApp('Db', 'uploads-v1', assembly).synth();

    const guard = (...args: string[]) =>
      spawnSync('npx', ['ts-node', '--transpile-only', '-P', 'tsconfig.json', 'scripts/guard.ts', '--assembly', assembly, '--baseline', baselineDir, ...args], { cwd: ROOT, encoding: 'utf8' });

    const failed = guard();
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/app\/Data: AWS::RDS::DBCluster Database[0-9A-F]{8} .*would be removed/);
    expect(failed.stderr).toMatch(/npm run guard -- --accept/);

    expect(guard('--accept').status).toBe(0);
    // The baseline keeps the stateful resources only: a diff of baseline/ shows a stateful change and nothing else.
    const accepted = JSON.parse(fs.readFileSync(path.join(baselineDir, 'app', 'Data.template.json'), 'utf8'));
    const types = new Set(Object.values(accepted.Resources).map((r: any) => r.Type));
    expect([...types].sort()).toEqual(['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret']);
    expect(accepted.Parameters).toBeUndefined();
    const passed = guard();
    expect(passed.status).toBe(0);
    expect(passed.stdout).toMatch(/no stateful resource is replaced or removed \(1 stacks compared/);
  });
});
