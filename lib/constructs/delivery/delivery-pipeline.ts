import { Duration, Stack, Stage } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { assertValid, ValidationRule } from '../../validation/rule-table';

/** A period in which no prod deployment starts. */
export interface DeliveryFreezeWindow {
  /** ISO 8601 UTC start. */
  readonly start: string;
  /** ISO 8601 UTC end. */
  readonly end: string;
  readonly reason: string;
}

export interface DeliveryPipelineProps {
  /** CodeConnections (CodeStar) connection ARN to the repository host. */
  readonly connectionArn: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly branch: string;
  /** Stages deployed in order before prod (dev, then staging). */
  readonly preProdStages: readonly Stage[];
  /** The prod stage: deployed last, after the launch gate, the freeze-window check and a manual approval. */
  readonly prodStage: Stage;
  /**
   * No prod deployment starts inside these windows.
   * @default - none
   */
  readonly freezeWindows?: readonly DeliveryFreezeWindow[];
  /**
   * How long the pipeline watches prod's critical alarms after deploying; one in ALARM fails the pipeline.
   * @default Duration.minutes(30)
   */
  readonly bake?: Duration;
  /**
   * Command that runs the launch gate and writes the report (`<out>/readiness/prod.json`).
   * @default 'npx cdk synth -q -c stage=prod -c gate=launch'
   */
  readonly launchGateCommand?: string;
}

const RULES: readonly ValidationRule<DeliveryPipelineProps>[] = [
  { field: 'connectionArn', value: (p) => p.connectionArn, check: (v) => /^arn:aws[\w-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/.test(v), fix: 'use a CodeConnections connection ARN' },
  { field: 'repository', value: (p) => p.repository, check: (v) => /^[\w.-]+\/[\w.-]+$/.test(v), fix: 'use owner/name' },
  { field: 'bake', value: (p) => p.bake, check: (v) => v === undefined || (v instanceof Duration && v.toMinutes() <= 180), fix: 'bake at most 180 minutes' },
  { field: 'prodStage', value: (p) => p.prodStage, check: (v, p) => !p.preProdStages.includes(v), fix: 'deploy prod once, after the other stages' },
];

/** Prints the report's one-line summary (read by the approval) from `<out>/readiness/prod.json`. */
const SUMMARY_SCRIPT =
  "node -e 'const r=require(\"./cdk.out/readiness/prod.json\");const s=r.summary.byStatus;" +
  "console.log(`${s.ready} ready, ${s.conditional} conditional, ${s.missing} missing, ${s[\"not-applicable\"]} not applicable; launch gate ${r.gate&&r.gate.passed?\"passed\":\"blocked\"}`)'";

/**
 * A self-mutating CDK pipeline: source from a CodeConnections connection, a synth step that runs
 * `cdk synth` (the app's readiness gate fails it), the pre-prod stages in order, then the prod wave:
 * the launch gate (`-c gate=launch`, its go/no-go table in the log and its summary exported), a
 * freeze-window check, and a manual approval that shows the summary; after prod, a bake that fails
 * the pipeline while a critical alarm of the prod stage is in ALARM (the services' deployment alarms
 * roll their own deployments back). Synth needs no AWS access.
 */
export class DeliveryPipeline extends Construct {
  public readonly pipeline: pipelines.CodePipeline;
  /** The step that runs the launch gate before prod. */
  public readonly launchGate: pipelines.CodeBuildStep;
  public readonly approval: pipelines.ManualApprovalStep;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    assertValid(`DeliveryPipeline "${this.node.path}"`, props, RULES);
    const source = pipelines.CodePipelineSource.connection(props.repository, props.branch, { connectionArn: props.connectionArn });

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      synth: new pipelines.ShellStep('Synth', {
        input: source,
        // The readiness gate runs inside `cdk synth` (enforceReadiness on every stage): a failing gate stops the pipeline.
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    for (const stage of props.preProdStages) this.pipeline.addStage(stage);

    const freeze = new pipelines.ShellStep('FreezeWindow', {
      env: { FREEZE_WINDOWS: JSON.stringify(props.freezeWindows ?? []) },
      commands: [
        "node -e 'const now=Date.now();const w=JSON.parse(process.env.FREEZE_WINDOWS).find((x)=>now>=Date.parse(x.start)&&now<Date.parse(x.end));" +
          "if(w){console.error(`Prod deployments are frozen until ${w.end}: ${w.reason}`);process.exit(1)}console.log(\"No freeze window in force\")'",
      ],
    });
    this.launchGate = new pipelines.CodeBuildStep('LaunchGate', {
      input: source,
      commands: ['npm ci', props.launchGateCommand ?? 'npx cdk synth -q -c stage=prod -c gate=launch', `export READINESS_SUMMARY="$(${SUMMARY_SCRIPT})"`, 'echo "$READINESS_SUMMARY"'],
    });
    this.approval = new pipelines.ManualApprovalStep('GoNoGo', {
      comment: `Go/no-go for prod. Readiness: ${this.launchGate.exportedVariable('READINESS_SUMMARY')}. The go/no-go table is in the LaunchGate log and readiness/prod.md.`,
    });

    const prodStacks = props.prodStage.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    const account = props.prodStage.account ?? Stack.of(this).account;
    const region = props.prodStage.region ?? Stack.of(this).region;
    const bakeSeconds = (props.bake ?? Duration.minutes(30)).toSeconds();
    const lookupRole = `arn:${Stack.of(this).partition}:iam::${account}:role/cdk-hnb659fds-lookup-role-${account}-${region}`;
    const bake = new pipelines.CodeBuildStep('BakeAndWatchAlarms', {
      env: { PREFIXES: prodStacks.map((s) => s.stackName).join(' '), LOOKUP_ROLE: lookupRole, BAKE_SECONDS: String(bakeSeconds) },
      rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [lookupRole] })],
      timeout: Duration.seconds(bakeSeconds).plus(Duration.minutes(15)),
      commands: [
        'sleep "$BAKE_SECONDS"',
        'creds=$(aws sts assume-role --role-arn "$LOOKUP_ROLE" --role-session-name bake --query Credentials --output json)',
        'export AWS_ACCESS_KEY_ID=$(echo "$creds" | node -pe "JSON.parse(require(\'fs\').readFileSync(0)).AccessKeyId") AWS_SECRET_ACCESS_KEY=$(echo "$creds" | node -pe "JSON.parse(require(\'fs\').readFileSync(0)).SecretAccessKey") AWS_SESSION_TOKEN=$(echo "$creds" | node -pe "JSON.parse(require(\'fs\').readFileSync(0)).SessionToken")',
        'firing=""; for p in $PREFIXES; do firing="$firing $(aws cloudwatch describe-alarms --region ' + region + ' --alarm-name-prefix "$p-" --state-value ALARM --query "MetricAlarms[?starts_with(AlarmDescription, \'[CRITICAL]\')].AlarmName" --output text)"; done',
        'if [ -n "$(echo $firing | tr -d " ")" ]; then echo "Critical alarms in ALARM after the prod deployment: $firing"; exit 1; fi',
      ],
    });
    const prod = this.pipeline.addWave('Prod', { pre: pipelines.Step.sequence([freeze, this.launchGate, this.approval]) });
    prod.addStage(props.prodStage, { post: [bake] });
  }
}
