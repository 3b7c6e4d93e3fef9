import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag';
import { ReadinessChecks, ruleContextFor } from '../../../../lib/aspects/readiness-checks';
import { StatefulResourcesDrilled } from '../../../../lib/aspects/rules/dr/stateful-resources-drilled';
import { newTestApp } from '../../../helpers/synth';

describe('Readiness-CHAOS', () => {
  let app: App;
  let stack: Stack;
  let drilled: CfnResource;
  let undrilled: CfnResource;
  let cacheWithoutStop: CfnResource;
  const context = ruleContextFor('prod');

  beforeAll(() => {
    app = newTestApp();
    stack = new Stack(app, 'UserApp', { env: { account: '111111111111', region: 'eu-west-1' } });
    const cluster = (id: string, tags: { key: string; value: string }[]) =>
      new rds.CfnDBCluster(stack, id, { engine: 'aurora-postgresql', masterUsername: 'app', manageMasterUserPassword: true, storageEncrypted: true, tags });
    drilled = cluster('Drilled', [{ key: 'chaos', value: 'yes' }]);
    undrilled = cluster('Undrilled', []);
    cacheWithoutStop = new elasticache.CfnReplicationGroup(stack, 'Cache', {
      replicationGroupDescription: 'sessions',
      engine: 'valkey',
      cacheNodeType: 'cache.t4g.small',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      tags: [{ key: 'chaos', value: 'yes' }],
    });
    const role = 'arn:aws:iam::111111111111:role/fis';
    new fis.CfnExperimentTemplate(stack, 'DbDrill', {
      description: 'fail over',
      roleArn: role,
      stopConditions: [{ source: 'aws:cloudwatch:alarm', value: 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:db' }],
      targets: { Clusters: { resourceType: 'aws:rds:cluster', resourceTags: { chaos: 'yes' }, selectionMode: 'ALL' } },
      actions: { Failover: { actionId: 'aws:rds:failover-db-cluster', targets: { Clusters: 'Clusters' } } },
    });
    new fis.CfnExperimentTemplate(stack, 'CacheDrill', {
      description: 'power',
      roleArn: role,
      stopConditions: [{ source: 'none' }],
      targets: { Groups: { resourceType: 'aws:elasticache:replicationgroup', resourceTags: { chaos: 'yes' }, selectionMode: 'ALL', parameters: { availabilityZoneIdentifier: 'eu-west-1a' } } },
      actions: { Power: { actionId: 'aws:elasticache:replicationgroup-interrupt-az-power', parameters: { duration: 'PT5M' }, targets: { ReplicationGroups: 'Groups' } } },
    });
    app.synth();
  });

  test('a cluster targeted by a failover drill that stops on an alarm is compliant', () => {
    expect(StatefulResourcesDrilled.check(drilled, context)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster no drill targets is non-compliant', () => {
    expect(StatefulResourcesDrilled.check(undrilled, context)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a replication group whose drill has no alarm stop condition is a named finding', () => {
    expect(StatefulResourcesDrilled.check(cacheWithoutStop, context)).toEqual(['drill-without-stop-alarm']);
  });

  test('the gate reports both in prod and skips the rule in dev', () => {
    const prod = new ReadinessChecks(undefined, { stage: 'prod', rules: [StatefulResourcesDrilled] }).validateScope(stack);
    const names = prod.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)).sort();
    expect(names).toEqual(['Readiness-CHAOS UserApp/Undrilled', 'Readiness-CHAOS[drill-without-stop-alarm] UserApp/Cache']);
    const dev = new ReadinessChecks(undefined, { stage: 'dev', rules: [StatefulResourcesDrilled] }).validateScope(stack);
    expect(dev.violations).toEqual([]);
  });
});
