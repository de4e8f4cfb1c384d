import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FRESHNESS_DIMENSION, FRESHNESS_METRIC_NAME, FRESHNESS_NAMESPACE } from './freshness';
import { VERIFICATION_DIFFERENCES_METRIC } from './verification';

/** Settings of the monitoring part. */
export interface MirrorMonitoringProps {
  readonly stateMachine: sfn.IStateMachine;
  /** `database.table`, the metric's dimension value. */
  readonly mirrorName: string;
  readonly scheduleInterval: Duration;
  readonly freshnessThreshold: Duration;
}

/** The period of the failure alarm: runs that failed in the last hour. */
const FAILED_RUNS_PERIOD = Duration.hours(1);

/** Verifications are rare (weekly, or by hand): one data point per verification in any hour. */
const VERIFICATION_PERIOD = Duration.hours(1);

/** The freshness and verification metrics and the three alarms: failed runs, freshness lag, verification differences. */
export class MirrorMonitoring extends Construct {
  public readonly freshnessMetric: cloudwatch.Metric;
  public readonly freshnessAlarm: cloudwatch.Alarm;
  public readonly failureAlarm: cloudwatch.Alarm;
  public readonly verificationMetric: cloudwatch.Metric;
  public readonly verificationAlarm: cloudwatch.Alarm;
  private readonly stateMachine: sfn.IStateMachine;

  constructor(scope: Construct, id: string, props: MirrorMonitoringProps) {
    super(scope, id);
    this.stateMachine = props.stateMachine;
    // One data point per run: a period of one schedule interval (5 minutes to 1 day).
    const periodSeconds = Math.min(Math.max(props.scheduleInterval.toSeconds(), 300), 86400);
    this.freshnessMetric = new cloudwatch.Metric({
      namespace: FRESHNESS_NAMESPACE,
      metricName: FRESHNESS_METRIC_NAME,
      dimensionsMap: { [FRESHNESS_DIMENSION]: props.mirrorName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.seconds(periodSeconds),
      unit: cloudwatch.Unit.SECONDS,
    });
    this.freshnessAlarm = new cloudwatch.Alarm(this, 'FreshnessAlarm', {
      alarmDescription: `The Iceberg mirror ${props.mirrorName} is more than ${props.freshnessThreshold.toHumanString()} behind its DynamoDB table.`,
      metric: this.freshnessMetric,
      threshold: props.freshnessThreshold.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription: `A run of the Iceberg mirror ${props.mirrorName} failed or timed out; the next run resumes from the unchanged watermark.`,
      metric: this.metricFailedRuns(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.verificationMetric = new cloudwatch.Metric({
      namespace: FRESHNESS_NAMESPACE,
      metricName: VERIFICATION_DIFFERENCES_METRIC,
      dimensionsMap: { [FRESHNESS_DIMENSION]: props.mirrorName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: VERIFICATION_PERIOD,
      unit: cloudwatch.Unit.COUNT,
    });
    this.verificationAlarm = new cloudwatch.Alarm(this, 'VerificationAlarm', {
      alarmDescription: `The last verification of the Iceberg mirror ${props.mirrorName} found keys missing, extra or different against a full export of its DynamoDB table (the report in the bucket names them).`,
      metric: this.verificationMetric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Between verifications there is no data: the alarm keeps the last verification's verdict.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }

  /** The differences the last verification found, with the caller's changes (statistic, period...). */
  public metricVerificationDifferences(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.verificationMetric.with(props ?? {});
  }

  /** The freshness metric, with the caller's changes (statistic, period...). */
  public metricFreshnessLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.freshnessMetric.with(props ?? {});
  }

  /**
   * Failed, timed-out and aborted executions of the state machine, summed: the three ways a run ends
   * without committing. Step Functions publishes them as three metrics, hence an expression.
   */
  public metricFailedRuns(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    // The expression's period applies to the metrics it uses.
    const sum = { statistic: cloudwatch.Stats.SUM };
    return new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
      usingMetrics: {
        failed: this.stateMachine.metricFailed(sum),
        timedOut: this.stateMachine.metricTimedOut(sum),
        aborted: this.stateMachine.metricAborted(sum),
      },
      period: props?.period ?? FAILED_RUNS_PERIOD,
      label: props?.label ?? 'Failed, timed-out and aborted runs',
      color: props?.color,
      searchAccount: props?.searchAccount,
      searchRegion: props?.searchRegion,
    });
  }
}
