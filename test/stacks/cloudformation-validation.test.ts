import * as fs from 'fs';
import * as path from 'path';
import { stageConstructId, STAGE_NAMES } from '../../lib/config/stage-config';
import { STAGES } from '../../lib/config/stages';
import { ReadinessStage } from '../../lib/stacks/readiness-stage';
import { newTestApp } from '../helpers/synth';

/**
 * CDK's built-in CloudFormation validation, which the unit tests turn off for speed (test/helpers/quiet-env.ts),
 * run on every shipped stage as `cdk synth` runs it: no error or fatal finding, and every warning known.
 */
describe('the shipped stages pass CDK\'s built-in CloudFormation validation', () => {
  let violations: { severity: string; rule: string; path: string }[];

  beforeAll(() => {
    delete process.env.CDK_VALIDATION;
    const app = newTestApp();
    for (const stage of STAGE_NAMES) new ReadinessStage(app, stageConstructId(stage), { config: STAGES[stage] });
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const builtIn = report.pluginReports.filter((p: { pluginName: string }) => p.pluginName === 'CloudFormation Validate');
    expect(builtIn).toHaveLength(1);
    violations = builtIn[0].violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ severity: v.severity, rule: v.ruleName, path: c.constructPath })));
  });

  test('no error or fatal finding', () => {
    expect(violations.filter((v) => v.severity !== 'warning')).toEqual([]);
  });

  test('the only warnings are the subnets pinned to the zones the stage config names (W3010)', () => {
    expect([...new Set(violations.map((v) => v.rule))]).toEqual(['W3010']);
    for (const v of violations) expect(v.path).toMatch(/^(Dev|Staging|Prod)\/Network\/Vpc\/\w+Subnet\d\/Subnet$/);
  });
});
