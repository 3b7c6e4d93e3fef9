import * as fs from 'fs';
import * as path from 'path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { stageConstructId, STAGE_NAMES } from '../../../lib/config/stage-config';
import { STAGES } from '../../../lib/config/stages';
import { findSecretMaterial } from '../../../lib/constructs/security/secret-scan';
import { ReadinessStage } from '../../../lib/stacks/readiness-stage';
import { newTestApp } from '../../helpers/synth';

/** Every template of every stage, as `cdk synth` writes them. */
function allTemplates(): { stack: string; template: any }[] {
  const app = newTestApp();
  for (const stage of STAGE_NAMES) new ReadinessStage(app, stageConstructId(stage), { config: STAGES[stage] });
  const out: { stack: string; template: any }[] = [];
  const visit = (assembly: CloudAssembly) => {
    for (const stack of assembly.stacks) out.push({ stack: stack.hierarchicalId, template: stack.template });
    for (const nested of assembly.nestedAssemblies) visit(nested.nestedAssembly);
  };
  visit(app.synth());
  return out;
}

describe('no secret material in any synthesized template of any stage', () => {
  let templates: { stack: string; template: any }[];

  beforeAll(() => {
    templates = allTemplates();
  });

  test('every stage and its stacks were scanned', () => {
    for (const stage of STAGE_NAMES) {
      const id = stageConstructId(stage);
      expect(templates.filter((t) => t.stack.startsWith(`${id}/`)).map((t) => t.stack)).toEqual(expect.arrayContaining([`${id}/Security`, `${id}/Data`]));
    }
  });

  test('no literal passwords or tokens, no unsafePlainText, no plain environment secrets', () => {
    const findings = templates.flatMap(({ stack, template }) => findSecretMaterial(template).map((f) => `${stack}: ${f.location}: ${f.reason}`));
    expect(findings).toEqual([]);
  });

  test('the AUTH token reaches the cache only as a dynamic reference', () => {
    for (const stage of STAGE_NAMES) {
      const data = templates.find((t) => t.stack === `${stageConstructId(stage)}/Data`)!.template;
      const groups = Object.values(data.Resources).filter((r: any) => r.Type === 'AWS::ElastiCache::ReplicationGroup') as any[];
      expect(groups).toHaveLength(1);
      expect(JSON.stringify(groups[0].Properties.AuthToken)).toMatch(/\{\{resolve:secretsmanager:/);
    }
  });

  test('no source file of the library calls unsafePlainText', () => {
    const root = path.join(__dirname, '../../../lib');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /unsafePlainText\s*\(/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(root, p));
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
