/**
 * SARIF 2.1.0 output of a gate run, for code scanning: one result per finding (every pack: Readiness,
 * AwsSolutions, NIST 800-53, the gate's own checks) with its rule, level and message, located at the
 * source line CDK recorded when the construct was created (`aws:cdk:creationStack` metadata), and
 * named by its construct path (a logical location).
 */
import * as path from 'path';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The reports of one run, by pack (as in `ReadinessEvaluation`). */
export interface SarifInputs {
  readonly awsSolutions: PolicyValidationPluginReport;
  /** NIST 800-53 rev 5 findings (empty when the pack is off). */
  readonly nist: PolicyValidationPluginReport;
  readonly readiness: PolicyValidationPluginReport;
  readonly scopeRules: PolicyValidationPluginReport;
  readonly waivers: PolicyValidationPluginReport;
  readonly launch: PolicyValidationPluginReport;
}

export interface SarifOptions {
  /**
   * Directory source paths are made relative to (`%SRCROOT%`, the repository root in CI).
   * @default - the current directory
   */
  readonly sourceRoot?: string;
  /**
   * Version of the tool in the log.
   * @default - this package's version
   */
  readonly toolVersion?: string;
  /**
   * File a finding is placed on when CDK recorded no creation line for its construct (scope-level
   * checks such as the launch gate).
   * @default 'cdk.json'
   */
  readonly fallbackFile?: string;
}

/** Where a source frame points: `file`, 1-based `line` and `column`. */
export interface SourceFrame {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

// CDK writes frames as `<fn> (/path/file.ts:12:5)`, `/path/file.ts:12: (/path/file.ts:12:5)` or
// `/path/file.ts:12 (:)`: the first absolute path followed by a line number.
const FRAME = /((?:[A-Za-z]:)?[\\/][^\s():]+):(\d+)(?::(\d+))?/;

/**
 * The first frame of a construct's creation stack that is the app's own code: not in node_modules,
 * not a node internal, not a frame CDK elided (`...new Queue in aws-cdk-lib...`). Walks up to the
 * nearest ancestor with one.
 */
export function sourceFrameOf(construct: IConstruct): SourceFrame | undefined {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== 'aws:cdk:creationStack' || !Array.isArray(entry.data)) continue;
      for (const frame of entry.data as unknown[]) {
        if (typeof frame !== 'string' || frame.startsWith('...') || frame.includes('node:internal')) continue;
        const m = FRAME.exec(frame.replace(/file:\/\//g, ''));
        if (!m) continue;
        const file = m[1];
        if (file.includes(`${path.sep}node_modules${path.sep}`) || !path.isAbsolute(file)) continue;
        return { file, line: Number(m[2]), ...(m[3] ? { column: Number(m[3]) } : {}) };
      }
    }
  }
  return undefined;
}

function toolVersion(): string {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    try {
      return (require('../../../package.json') as { version: string }).version;
    } catch {
      return '0.0.0';
    }
  }
}

function uriOf(file: string, root: string): { uri: string; uriBaseId?: string } {
  const rel = path.relative(root, file);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return { uri: rel.split(path.sep).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: `file://${file.split(path.sep).join('/')}` };
}

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning' };

/** The SARIF 2.1.0 log of a gate run over `scope`. */
export function buildSarif(scope: IConstruct, inputs: SarifInputs, options: SarifOptions = {}): Record<string, unknown> {
  const root = options.sourceRoot ?? process.cwd();
  const byPath = new Map<string, IConstruct>(scope.node.findAll().map((c) => [c.node.path, c]));
  const packs: [string, PolicyValidationPluginReport][] = [
    ['AwsSolutions', inputs.awsSolutions],
    ['NIST.800.53.R5', inputs.nist],
    ['Readiness', inputs.readiness],
    ['ReadinessScope', inputs.scopeRules],
    ['ReadinessWaivers', inputs.waivers],
    ['ReadinessReport', inputs.launch],
  ];
  const rules = new Map<string, { id: string; pack: string; description: string; fix?: string }>();
  const results: Record<string, unknown>[] = [];
  for (const [pack, r] of packs) {
    for (const v of r.violations) {
      // cdk-nag puts a resource's finding ID in brackets after the rule (`Readiness-ALARMS[Queue]`): the rule is the part before.
      const ruleId = v.ruleName.replace(/\[.*\]$/, '');
      if (!rules.has(ruleId)) rules.set(ruleId, { id: ruleId, pack, description: v.description.split('\n')[0], fix: v.fix });
      const targets = v.violatingResources.length > 0 ? v.violatingResources : [{ constructPath: '', locations: [] as string[] }];
      for (const target of targets) {
        const constructPath = target.constructPath ?? '';
        const construct = byPath.get(constructPath);
        const frame = construct ? sourceFrameOf(construct) : undefined;
        const physical = frame
          ? { artifactLocation: uriOf(frame.file, root), region: { startLine: frame.line, ...(frame.column ? { startColumn: frame.column } : {}) } }
          : { artifactLocation: { uri: options.fallbackFile ?? 'cdk.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } };
        results.push({
          ruleId,
          level: LEVEL[v.severity ?? ''] ?? 'note',
          message: { text: `${constructPath ? `${constructPath}: ` : ''}${v.description}` },
          locations: [
            {
              physicalLocation: physical,
              ...(constructPath ? { logicalLocations: [{ fullyQualifiedName: constructPath, kind: 'resource' }] } : {}),
            },
          ],
          partialFingerprints: { constructPathAndRule: `${constructPath}|${v.ruleName}` },
          properties: { pack, constructPath, ...(target.locations && target.locations.length > 0 ? { properties: [...target.locations] } : {}) },
        });
      }
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'readiness-stack',
            version: options.toolVersion ?? toolVersion(),
            informationUri: 'https://www.npmjs.com/package/readiness-stack',
            rules: [...rules.values()].map((r) => ({
              id: r.id,
              shortDescription: { text: r.description.length > 200 ? `${r.description.slice(0, 197)}...` : r.description },
              ...(r.fix ? { help: { text: r.fix } } : {}),
              properties: { pack: r.pack },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${root.split(path.sep).join('/').replace(/\/?$/, '/')}` } },
        results,
      },
    ],
  };
}
