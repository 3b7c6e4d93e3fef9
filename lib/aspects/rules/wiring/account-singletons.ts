import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { prop, resourcesOfType, stringOf } from '../../rule-helpers';
import { RuleContext, ScopeRule, ScopeRuleResult } from '../../rule';
import { evidenceOf } from '../../analysis/evidence';
import { providedBaseline, providedService } from '../../analysis/helpers';

/** Resource types that exist at most once per account and region (per analyzer type for Access Analyzer). */
export const ACCOUNT_SINGLETON_TYPES = [
  'AWS::GuardDuty::Detector',
  'AWS::SecurityHub::Hub',
  'AWS::AccessAnalyzer::Analyzer',
  'AWS::Config::ConfigurationRecorder',
] as const;

/** What an organization-provided security baseline runs (Config recorders are Control Tower's too). */
const BASELINE_TYPES = new Set<string>(ACCOUNT_SINGLETON_TYPES);

/** The singletons behind each service an app may declare provided (`enforceReadiness({ provided })`, readiness.json). */
const PROVIDED_SINGLETONS = { threatDetection: 'AWS::GuardDuty::Detector', securityHub: 'AWS::SecurityHub::Hub' } as const;

interface Singleton {
  readonly resource: CfnResource;
  /** Type, with the analyzer type for Access Analyzer (`AWS::AccessAnalyzer::Analyzer ACCOUNT`); `*` when unreadable. */
  readonly kind: string;
  /** Account and region from the stack's env; `undefined` when env-agnostic (it may land anywhere). */
  readonly account?: string;
  readonly region?: string;
}

function singletonsIn(root: IConstruct): Singleton[] {
  return ACCOUNT_SINGLETON_TYPES.flatMap((type) =>
    resourcesOfType(root, type).map((resource) => {
      const stack = Stack.of(resource);
      const analyzer = type === 'AWS::AccessAnalyzer::Analyzer' ? stringOf(resource, prop(resource, 'Type')) ?? '*' : undefined;
      return {
        resource,
        kind: analyzer === undefined ? type : `${type} ${analyzer}`,
        account: Token.isUnresolved(stack.account) ? undefined : stack.account,
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      };
    }),
  );
}

/** Same kind (an unreadable analyzer type matches any analyzer) and possibly the same account and region. */
function mayCollide(a: Singleton, b: Singleton): boolean {
  const sameKind = a.kind === b.kind || (a.kind.startsWith('AWS::AccessAnalyzer::Analyzer') && b.kind.startsWith('AWS::AccessAnalyzer::Analyzer') && (a.kind.endsWith(' *') || b.kind.endsWith(' *')));
  const same = (x?: string, y?: string) => x === undefined || y === undefined || x === y;
  return sameKind && same(a.account, b.account) && same(a.region, b.region);
}

const where = (s: Singleton) => `${s.account ?? 'any account (env-agnostic)'}/${s.region ?? 'any region (env-agnostic)'}`;
const isUnder = (c: IConstruct, scope: IConstruct) => scope.node.path === '' || c.node.path === scope.node.path || c.node.path.startsWith(`${scope.node.path}/`);

/**
 * Readiness-ACCOUNT-SINGLETONS: across every stage of the app (the rule reads the app root, whichever
 * stage it checks), at most one GuardDuty detector, Security Hub hub, IAM Access Analyzer per analyzer
 * type and AWS Config configuration recorder per account and region; the second fails at deploy time.
 * Account and region come from each stack's env. An env-agnostic stack may land in any account and
 * region, so it collides with every other one of the same kind: it never counts in favour. The scope is
 * reported for collisions that involve at least one of its own resources. When the stage declares its
 * baseline provided by the organization (`security.baseline.mode: 'provided'`), a singleton created in
 * that account and region collides with the organization's; so does a GuardDuty detector or Security Hub
 * hub anywhere in the scope when `threatDetection` or `securityHub` is declared provided
 * (`enforceReadiness({ provided })`, readiness.json), the declaration apps without a stage config use.
 */
export const AccountSingletons: ScopeRule = {
  kind: 'scope',
  id: 'ACCOUNT-SINGLETONS',
  controlId: 'RUNTIME-WIRING',
  category: 'security',
  info: 'An account-and-region singleton (GuardDuty detector, Security Hub hub, Access Analyzer of one type, Config recorder) is created twice in one account and region, or where the organization already runs it.',
  explanation:
    'GuardDuty, Security Hub, IAM Access Analyzer (per type) and the AWS Config recorder exist once per account and region: the second stack that creates one fails to deploy, as does creating one the organization (AWS Control Tower, a delegated administrator) already runs. ' +
    'Give each stage its own account (lib/config/stages.ts), set env on every stack that creates one, or declare the baseline provided (stage config security.baseline: { mode: "provided", providedBy, evidenceUrl }; or provided.threatDetection / provided.securityHub in enforceReadiness or readiness.json) and create none.',
  test: 'test/aspects/rules/wiring/account-singletons.spec.ts',
  check: (scope: IConstruct, context: RuleContext): ScopeRuleResult => {
    const all = singletonsIn(scope.node.root);
    const mine = all.filter((s) => isUnder(s.resource, scope));
    const findings: string[] = [];
    for (const s of mine) {
      const others = all.filter((o) => o !== s && mayCollide(s, o) && !(isUnder(o.resource, scope) && all.indexOf(o) < all.indexOf(s)));
      for (const o of others) {
        findings.push(`${s.resource.node.path} (${s.kind}, ${where(s)}) and ${o.resource.node.path} (${o.kind}, ${where(o)}) may land in the same account and region.`);
      }
    }
    const baseline = providedBaseline(context);
    if (baseline) {
      const config = context.config;
      for (const s of mine) {
        if (!BASELINE_TYPES.has(s.resource.cfnResourceType)) continue;
        const inDeclared = !config || ((s.account === undefined || s.account === config.account) && (s.region === undefined || s.region === config.region));
        if (inDeclared) findings.push(`${s.resource.node.path} (${s.kind}, ${where(s)}) is created where the baseline is declared provided by ${baseline.providedBy}.`);
      }
    }
    // Declared per service: the organization runs it in every account and region of the scope.
    for (const [service, type] of Object.entries(PROVIDED_SINGLETONS) as [keyof typeof PROVIDED_SINGLETONS, string][]) {
      const declared = providedService(context, service);
      if (!declared) continue;
      for (const s of mine.filter((m) => m.resource.cfnResourceType === type)) {
        findings.push(`${s.resource.node.path} (${s.kind}, ${where(s)}) is created though ${service} is declared provided by ${declared.providedBy}.`);
      }
    }
    return {
      compliant: findings.length === 0,
      findings,
      evidence: findings.length === 0 ? mine.map((s) => evidenceOf(s.resource, `only ${s.kind} in ${where(s)}`)) : [],
    };
  },
};
