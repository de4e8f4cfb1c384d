import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DynamoIcebergMirror, DynamoIcebergMirrorProps } from '../../src';
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

  test('the methods\' return types in the jsii manifest are the concrete CloudWatch and EventBridge classes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.jsii'), 'utf8'));
    const mirrorType = Object.values<any>(manifest.types).find((t) => t.name === 'DynamoIcebergMirror');
    const returnOf = (name: string) => mirrorType.methods.find((m: any) => m.name === name).returns.type.fqn;
    expect(['metricFreshnessLag', 'metricFailedRuns', 'onRunFailed'].map(returnOf)).toEqual([
      'aws-cdk-lib.aws_cloudwatch.Metric', 'aws-cdk-lib.aws_cloudwatch.MathExpression', 'aws-cdk-lib.aws_events.Rule',
    ]);
  });
});

describe('metric and event methods', () => {
  /** A mirror not yet synthesized: tests add constructs next to it. */
  function unsynthesizedMirror(props: Partial<DynamoIcebergMirrorProps> = {}) {
    const stack = newStack();
    return { stack, mirror: new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), ...props }) };
  }

  /** The metric (or metrics) of the mirror's alarm and of a probe alarm on `metric`, as CloudFormation renders them. */
  function alarmedAndProbe(stack: Stack, mirrorAlarm: RegExp, metric: cloudwatch.IMetric) {
    new cloudwatch.Alarm(stack, 'Probe', { metric, threshold: 1, evaluationPeriods: 1, alarmDescription: 'probe' });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    const metricOf = (description: RegExp) => {
      const alarm = alarms.find((a) => description.test(a.Properties.AlarmDescription))!;
      const { Namespace, MetricName, Dimensions, Period, Statistic, Unit, Metrics } = alarm.Properties;
      return { Namespace, MetricName, Dimensions, Period, Statistic, Unit, Metrics };
    };
    return { alarmed: metricOf(mirrorAlarm), probe: metricOf(/^probe$/) };
  }

  test('metricFreshnessLag() is the metric the freshness alarm watches', () => {
    const { mirror, stack } = unsynthesizedMirror({ scheduleInterval: Duration.minutes(30) });
    const { alarmed, probe } = alarmedAndProbe(stack, /behind its DynamoDB table/, mirror.metricFreshnessLag());
    expect(probe).toEqual(alarmed);
    expect(alarmed).toMatchObject({ Namespace: 'DynamoIcebergMirror', MetricName: 'FreshnessLagSeconds', Period: 1800, Statistic: 'Maximum' });
  });

  test('metricFreshnessLag(props) changes only what is asked', () => {
    const { mirror, stack } = unsynthesizedMirror();
    const metric = mirror.metricFreshnessLag({ statistic: cloudwatch.Stats.AVERAGE, period: Duration.days(1) });
    expect(metric).toBeInstanceOf(cloudwatch.Metric);
    expect(metric.statistic).toBe('Average');
    expect(metric.period.toSeconds()).toBe(86400);
    expect(stack.resolve(metric.dimensions)).toEqual({ Mirror: `${mirror.databaseName}.${mirror.tableName}` });
  });

  test('metricFailedRuns() is the expression the failure alarm watches', () => {
    const { mirror, stack } = unsynthesizedMirror();
    const { alarmed, probe } = alarmedAndProbe(stack, /failed or timed out/, mirror.metricFailedRuns());
    expect(probe).toEqual(alarmed);
    expect(alarmed.Metrics.map((m: any) => m.Expression ?? m.MetricStat.Metric.MetricName))
      .toEqual(expect.arrayContaining(['FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']));
  });

  test('metricFailedRuns(props) applies the period to each of the three metrics', () => {
    const { mirror } = unsynthesizedMirror();
    const expression = mirror.metricFailedRuns({ period: Duration.days(1), label: 'Broken runs' });
    expect(expression.label).toBe('Broken runs');
    expect(Object.values(expression.usingMetrics).map((m) => (m as cloudwatch.Metric).period.toSeconds())).toEqual([86400, 86400, 86400]);
    expect(Object.values(expression.usingMetrics).map((m) => (m as cloudwatch.Metric).statistic)).toEqual(['Sum', 'Sum', 'Sum']);
  });

  test('onRunFailed matches failed, timed-out and aborted executions of the mirror\'s state machine, and sends them to the target', () => {
    const { mirror, stack } = unsynthesizedMirror();
    const topic = new sns.Topic(stack, 'Alerts');
    const rule = mirror.onRunFailed('RunFailed', { target: new eventTargets.SnsTopic(topic), description: 'mirror runs that failed' });
    expect(rule).toBeInstanceOf(events.Rule);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Description: 'mirror runs that failed',
      EventPattern: {
        'source': ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        'detail': {
          stateMachineArn: [{ Ref: Match.stringLikeRegexp('StateMachine') }],
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Alerts') } })],
    });
  });

  test('GIVEN an event pattern in the options THEN it is merged into the rule\'s', () => {
    const { mirror, stack } = unsynthesizedMirror();
    mirror.onRunFailed('RunFailedHere', { eventPattern: { region: ['eu-north-1'] } });
    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rule.Properties.EventPattern).toMatchObject({ region: ['eu-north-1'], detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } });
  });
});

