import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CostAnomalyAlerts } from '../../../lib/constructs/cost/cost-anomaly-alerts';
import { CostBudget } from '../../../lib/constructs/cost/cost-budget';
import { newTestApp } from '../../helpers/synth';

describe('CostBudget and CostAnomalyAlerts', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(newTestApp(), 'Cost', { env: { account: '111111111111', region: 'us-east-1' } });
    const topic = new sns.Topic(stack, 'Warning');
    new CostBudget(stack, 'Budget', { monthlyLimitUsd: 5000, alertEmails: ['finance@example.com'], alertTopic: topic, costAllocationTag: { key: 'stage', value: 'prod' } });
    new CostAnomalyAlerts(stack, 'Anomalies', { costAllocationTag: { key: 'stage', value: 'prod' }, thresholdUsd: 100, alertEmails: ['finance@example.com'] });
    template = Template.fromStack(stack);
  });

  test('budgets the stage monthly, filtered by its cost allocation tag', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 5000, Unit: 'USD' }, CostFilters: { TagKeyValue: ['user:stage$prod'] } },
    });
  });

  test('alerts on actual spend at 80% and 100% and on a forecast over 100%, to email and the warning topic', () => {
    const subscribers = [{ SubscriptionType: 'EMAIL', Address: 'finance@example.com' }, { SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^Warning') } }];
    template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [
        { Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
        { Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }), Subscribers: subscribers },
        { Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }), Subscribers: subscribers },
      ],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'budgets.amazonaws.com' } })]) },
    });
  });

  test('watches the stage tag for anomalies and mails those above the threshold daily', () => {
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'CUSTOM',
      MonitorSpecification: JSON.stringify({ Tags: { Key: 'stage', Values: ['prod'], MatchOptions: ['EQUALS'] } }),
    });
    template.hasResourceProperties('AWS::CE::AnomalySubscription', {
      Frequency: 'DAILY',
      Subscribers: [{ Type: 'EMAIL', Address: 'finance@example.com' }],
      ThresholdExpression: Match.stringLikeRegexp('ANOMALY_TOTAL_IMPACT_ABSOLUTE.*"100"'),
    });
  });

  test('rejects a zero budget and a list without emails in one error', () => {
    const stack = new Stack(newTestApp(), 'Bad');
    expect(() => new CostBudget(stack, 'B', { monthlyLimitUsd: 0, alertEmails: [] })).toThrow(/monthlyLimitUsd = 0[\s\S]*alertEmails = \[\]/);
  });
});
