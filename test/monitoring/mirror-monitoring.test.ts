import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { mirrorStack } from '../helpers';

describe('mirror monitoring', () => {
  test('GIVEN a daily schedule THEN the freshness period is one day and the threshold three days', () => {
    const { template } = mirrorStack({ scheduleInterval: Duration.hours(24) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreshnessLagSeconds',
      Period: 86400,
      Threshold: 3 * 86400,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test('GIVEN a 15-minute schedule THEN the freshness period is 15 minutes', () => {
    const { template } = mirrorStack({ scheduleInterval: Duration.minutes(15) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FreshnessLagSeconds', Period: 900, Threshold: 2700 });
  });

  test('the failure alarm sums failed, timed-out and aborted executions of the mirror state machine per hour', () => {
    const { template } = mirrorStack();
    const machine = { Ref: Match.stringLikeRegexp('StateMachine') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('failed or timed out'),
      Metrics: Match.arrayWith(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((name) => Match.objectLike({
        MetricStat: {
          Metric: { Namespace: 'AWS/States', MetricName: name, Dimensions: [{ Name: 'StateMachineArn', Value: machine }] },
          Period: 3600,
          Stat: 'Sum',
        },
        ReturnData: false,
      }))),
    });
  });

  test('the public metric matches what the plan function writes', () => {
    const { mirror, stack } = mirrorStack();
    const config = mirror.freshnessMetric.toMetricConfig().metricStat!;
    expect(config.namespace).toBe('DynamoIcebergMirror');
    expect(config.metricName).toBe('FreshnessLagSeconds');
    expect(stack.resolve(config.dimensions)).toEqual([{ name: 'Mirror', value: `${mirror.databaseName}.${mirror.tableName}` }]);
  });
});
