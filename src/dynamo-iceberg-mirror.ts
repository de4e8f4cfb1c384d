import { Aspects } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as emrs from 'aws-cdk-lib/aws-emrserverless';
import * as events from 'aws-cdk-lib/aws-events';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DynamoIcebergMirrorProps } from './dynamo-iceberg-mirror-props';
import { ENGINE_WILDCARD_RULES } from './engine/engine-wildcard-rules';
import { SparkEngine } from './engine/spark-engine';
import { resolveSettings } from './mirror-settings';
import { METRIC_PUBLISHING_WILDCARD_RULES } from './monitoring/metric-publishing';
import { MirrorMonitoring } from './monitoring/mirror-monitoring';
import { runFailedEventPattern } from './monitoring/run-events';
import { WildcardAcknowledger } from './private/wildcard-acknowledger';
import { MirrorWorkGroup } from './query/mirror-work-group';
import { MirrorStorage } from './storage/mirror-storage';
import { storageWildcardRules } from './storage/storage-wildcard-rules';
import { MirrorWorkflow } from './workflow/mirror-workflow';
import { mirrorSchedule } from './workflow/schedules';
import { WORKFLOW_WILDCARD_RULES } from './workflow/workflow-wildcard-rules';

/**
 * Mirrors a DynamoDB table into an Apache Iceberg table that Athena can query.
 *
 * A scheduled Step Functions state machine makes point-in-time exports of the table (one full export
 * to start, then incremental exports) and folds them into the Iceberg table with a Spark job on EMR
 * Serverless. The table's watermark lives in the Iceberg table and only moves when Spark commits.
 */
export class DynamoIcebergMirror extends Construct {
  /** The bucket holding the exports, the Iceberg warehouse and the job logs. */
  public readonly bucket: s3.IBucket;

  /** The Glue database of the Iceberg table. */
  public readonly database: glue.IDatabase;

  /** Name of the Glue database of the Iceberg table. */
  public readonly databaseName: string;

  /** Name of the Iceberg table (query it as `databaseName.tableName`). */
  public readonly tableName: string;

  /** The state machine that drives the mirror. */
  public readonly stateMachine: sfn.IStateMachine;

  /** The EMR Serverless application that runs the Spark job. */
  public readonly application: emrs.CfnApplication;

  /** The role the Spark job runs as. */
  public readonly jobRole: iam.IRole;

  /**
   * Seconds between the Iceberg table's watermark and the start of each run (maximum per period).
   * `metricFreshnessLag()` gives the same metric with other options.
   */
  public readonly freshnessMetric: cloudwatch.IMetric;

  /**
   * Fires when the mirror is further behind than `freshnessThreshold` (on `metricFreshnessLag()`);
   * add actions with `addAlarmAction`.
   */
  public readonly freshnessAlarm: cloudwatch.Alarm;

  /**
   * Fires when a run fails, times out or is aborted (on `metricFailedRuns()`, at least one in an
   * hour); add actions with `addAlarmAction`.
   */
  public readonly failureAlarm: cloudwatch.Alarm;

  /**
   * Fires when the last verification found keys missing, extra or different (on
   * `metricVerificationDifferences()`, above 0).
   *
   * It keeps its state between verifications, which run on `verificationSchedule` or by hand (input
   * `{"mode": "VERIFY"}`); add actions with `addAlarmAction`.
   */
  public readonly verificationAlarm: cloudwatch.Alarm;

  /**
   * The Athena workgroup for querying the mirror; undefined unless `athenaWorkGroup` is set.
   *
   * Queries run in it write their encrypted results to the mirror's bucket under `athena-results/`.
   */
  public readonly workGroup?: athena.CfnWorkGroup;

  private readonly storage: MirrorStorage;
  private readonly monitoring: MirrorMonitoring;
  private readonly queryWorkGroup?: MirrorWorkGroup;

  constructor(scope: Construct, id: string, props: DynamoIcebergMirrorProps) {
    super(scope, id);

    const settings = resolveSettings(this, id, props);
    const { tableName } = settings;

    this.storage = new MirrorStorage(this, 'Storage', {
      bucket: props.bucket,
      exportPrefix: settings.exportPrefix,
      warehousePrefix: settings.warehousePrefix,
      logPrefix: settings.logPrefix,
      queryResultsPrefix: settings.queryResultsPrefix,
      database: props.database,
      databaseName: settings.databaseName,
      tableName,
      encryptionKey: props.encryptionKey,
      exportRetention: settings.exportRetention,
      removalPolicy: settings.removalPolicy,
    });

    const engine = new SparkEngine(this, 'Engine', {
      storage: this.storage,
      releaseLabel: settings.releaseLabel,
      capacity: settings.capacity,
      keyAttributes: settings.keyAttributes,
      columnTypes: settings.columnTypes,
      partitionBuckets: settings.partitionBuckets,
    });

    const workflow = new MirrorWorkflow(this, 'Workflow', {
      table: props.table,
      storage: this.storage,
      engine,
      removalPolicy: settings.removalPolicy,
      plan: {
        tableArn: props.table.tableArn,
        exportViewType: settings.exportViewType,
        minWindowSeconds: settings.minWindow.toSeconds(),
        maxWindowSeconds: settings.maxWindow.toSeconds(),
        safetyLagSeconds: settings.safetyLag.toSeconds(),
        maxWindowsPerRun: settings.maxWindowsPerRun,
        rebootstrap: settings.rebootstrapPolicy,
      },
    });

    new scheduler.Schedule(this, 'Schedule', {
      description: `Runs the Iceberg mirror ${this.storage.databaseName}.${tableName}`,
      schedule: mirrorSchedule(settings.scheduleInterval),
      target: new targets.StepFunctionsStartExecution(workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ mode: 'MIRROR' }),
      }),
    });
    new scheduler.Schedule(this, 'MaintenanceSchedule', {
      description: `Maintains the Iceberg mirror ${this.storage.databaseName}.${tableName}`,
      schedule: settings.maintenanceSchedule,
      target: new targets.StepFunctionsStartExecution(workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ mode: 'MAINTAIN' }),
      }),
    });

    if (props.verificationSchedule) {
      new scheduler.Schedule(this, 'VerificationSchedule', {
        description: `Verifies the Iceberg mirror ${this.storage.databaseName}.${tableName} against a full export`,
        schedule: props.verificationSchedule,
        target: new targets.StepFunctionsStartExecution(workflow.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({ mode: 'VERIFY' }),
        }),
      });
    }

    this.monitoring = new MirrorMonitoring(this, 'Monitoring', {
      stateMachine: workflow.stateMachine,
      mirrorName: `${this.storage.databaseName}.${tableName}`,
      scheduleInterval: settings.scheduleInterval,
      freshnessThreshold: settings.freshnessThreshold,
    });

    if (settings.queryResultsPrefix) {
      this.queryWorkGroup = new MirrorWorkGroup(this, 'AthenaWorkGroup', {
        storage: this.storage,
        removalPolicy: settings.removalPolicy,
      });
    }

    // Each part explains the wildcards of its grants and statements; the parts grant one another, so
    // the rules apply to every policy of the mirror (the first rule that matches gives the reason).
    Aspects.of(this).add(new WildcardAcknowledger([
      ...storageWildcardRules(this.storage),
      ...METRIC_PUBLISHING_WILDCARD_RULES,
      ...WORKFLOW_WILDCARD_RULES,
      ...ENGINE_WILDCARD_RULES,
    ]));

    this.bucket = this.storage.bucket;
    this.database = this.storage.database;
    this.databaseName = this.storage.databaseName;
    this.tableName = tableName;
    this.stateMachine = workflow.stateMachine;
    this.application = engine.application;
    this.jobRole = engine.jobRole;
    this.freshnessMetric = this.monitoring.freshnessMetric;
    this.freshnessAlarm = this.monitoring.freshnessAlarm;
    this.failureAlarm = this.monitoring.failureAlarm;
    this.verificationAlarm = this.monitoring.verificationAlarm;
    this.workGroup = this.queryWorkGroup?.workGroup;
  }

  /**
   * How far the Iceberg table is behind its DynamoDB table: seconds between the table's watermark
   * and the start of each run, written by the mirror's plan function (namespace
   * `DynamoIcebergMirror`, metric `FreshnessLagSeconds`, dimension `Mirror` = `database.table`).
   * The freshness alarm watches this metric.
   *
   * @param props changes to the metric; without them, the maximum over one schedule interval (5 minutes to 1 day)
   */
  public metricFreshnessLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricFreshnessLag(props);
  }

  /**
   * Keys that differ between the Iceberg table and a full export of its DynamoDB table, as the last
   * verification counted them: missing, extra and different keys summed, one data point per
   * verification, published by the state machine (namespace `DynamoIcebergMirror`, metric
   * `VerificationDifferences`, dimension `Mirror` = `database.table`; each kind alone as
   * `VerificationMissingItems`, `VerificationExtraItems` and `VerificationDifferentItems`).
   * The verification alarm watches this metric.
   *
   * @param props changes to the metric; without them, the maximum over one hour
   */
  public metricVerificationDifferences(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricVerificationDifferences(props);
  }

  /**
   * Runs that ended without committing: the failed, timed-out and aborted executions of the mirror's
   * state machine, summed (Step Functions publishes them as three metrics in `AWS/States`, hence a
   * math expression). The failure alarm watches this expression. A failed run leaves the watermark
   * unchanged, so the next run retries its windows.
   *
   * @param props changes to the expression (its period applies to the three metrics); without them, the sum over one hour
   */
  public metricFailedRuns(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.monitoring.metricFailedRuns(props);
  }

  /**
   * An EventBridge rule that matches each run of the mirror that ends failed, timed out or aborted
   * (Step Functions' "Step Functions Execution Status Change" events of the mirror's state machine):
   * the runs the failure alarm counts, one event per run, with the execution ARN in its detail.
   *
   * @param id the construct id of the rule, in the scope of this mirror
   * @param options the rule's target, name and description; an `eventPattern` given here is merged into the rule's
   */
  public onRunFailed(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, options);
    rule.addEventPattern(runFailedEventPattern(this.stateMachine));
    rule.addTarget(options.target);
    return rule;
  }

  /**
   * Lets a principal query the Iceberg table (for example with Athena): read the warehouse
   * objects, the Glue database and table, and decrypt with the KMS key. With `athenaWorkGroup`, also
   * run queries in the mirror's workgroup (`athena:StartQueryExecution`, `GetQueryExecution`,
   * `GetQueryResults`, `StopQueryExecution`, `GetWorkGroup` on that workgroup only) and read and write
   * their results under `athena-results/` (with `kms:GenerateDataKey` on the key); without it, Athena's
   * own permissions and its query result location are not included.
   *
   * The statements go to the principal's policy: S3 object-level actions (on a prefix) and
   * bucket-level ones (on the bucket) in separate statements, Glue, Athena and KMS in their own.
   *
   * @returns one grant that combines them all, for example to make a resource depend on every statement
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = this.storage.grantReadTable(grantee);
    return this.queryWorkGroup ? grant.combine(this.queryWorkGroup.grantQuery(grantee)) : grant;
  }
}
