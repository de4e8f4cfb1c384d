import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DynamoIcebergMirror } from '../../src';
import { mirrorStack, newStack, ordersTable } from '../helpers';

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

  test('GIVEN an SNS topic WHEN adding it to the public alarms THEN both notify it (as the README shows)', () => {
    const stack = newStack();
    const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack) });
    const topic = new sns.Topic(stack, 'Alerts');
    mirror.failureAlarm.addAlarmAction(new SnsAction(topic));
    mirror.freshnessAlarm.addAlarmAction(new SnsAction(topic));
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    expect(Object.values(alarms).map((a) => a.Properties.AlarmActions)).toEqual([
      [{ Ref: expect.stringMatching(/^Alerts/) }], [{ Ref: expect.stringMatching(/^Alerts/) }],
    ]);
  });

  test('the alarms are typed Alarm in every language, so that actions can be added', () => {
    // ts-jest does not type-check (isolatedModules); the jsii manifest holds the declared types.
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.jsii'), 'utf8'));
    const mirrorType = Object.values<any>(manifest.types).find((t) => t.name === 'DynamoIcebergMirror');
    const typeOf = (name: string) => mirrorType.properties.find((p: any) => p.name === name).type.fqn;
    expect([typeOf('failureAlarm'), typeOf('freshnessAlarm')]).toEqual(['aws-cdk-lib.aws_cloudwatch.Alarm', 'aws-cdk-lib.aws_cloudwatch.Alarm']);
  });
});
