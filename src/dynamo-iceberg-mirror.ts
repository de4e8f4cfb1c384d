import { Annotations, Aspects, Duration, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as emrs from 'aws-cdk-lib/aws-emrserverless';
import * as events from 'aws-cdk-lib/aws-events';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { ColumnType } from './column-type';
import { applicationCapacity } from './engine/capacity';
import { SparkEngine } from './engine/spark-engine';
import { MirrorMonitoring } from './monitoring/mirror-monitoring';
import { runFailedEventPattern } from './monitoring/run-events';
import { WildcardAcknowledger } from './private/wildcard-acknowledger';
import { MirrorStorage } from './storage/mirror-storage';
import { MirrorWorkflow } from './workflow/mirror-workflow';
import { defaultMaintenanceSchedule, mirrorSchedule } from './workflow/schedules';

/** Which images an incremental export holds. */
export enum ExportViewType {
  /** The new image of each changed item: all the mirror needs. */
  NEW_IMAGE = 'NEW_IMAGE',
  /** The new and the old image of each changed item (larger exports; the old image is not used). */
  NEW_AND_OLD_IMAGES = 'NEW_AND_OLD_IMAGES',
}

/** What the mirror does when its watermark is older than the source table's point-in-time recovery window. */
export enum RebootstrapPolicy {
  /** Start over from a new full export, automatically (the execution history says why). */
  AUTOMATIC = 'AUTOMATIC',
  /** Fail every run with `WatermarkOutsidePitrWindow` (the failure alarm fires) until an operator acts. */
  ALARM_AND_WAIT = 'ALARM_AND_WAIT',
}

/** Properties of a `DynamoIcebergMirror`. */
export interface DynamoIcebergMirrorProps {
  /**
   * The DynamoDB table to mirror. Point-in-time recovery must be enabled on it.
   */
  readonly table: dynamodb.ITable;

  /**
   * Name of the table's partition key attribute.
   *
   * For a table defined in this app, a name that differs from the table's partition key is a synth
   * error. For an imported table (`Table.fromTableName`, `fromTableArn`, `fromTableAttributes`, or
   * `TableV2`'s) the key schema cannot be read at synth, so the Spark job checks the key against every
   * export line at run time: a key that is not the table's fails the run, naming the export file and
   * line, and nothing is written to the mirror.
   *
   * @default - taken from the table when it is defined in this app; required for an imported table
   */
  readonly partitionKeyName?: string;

  /**
   * Name of the table's sort key attribute.
   *
   * Required when the imported table has a sort key; a missing one fails the first run with "two items
   * have the key ... the declared key (pk) is not the source table's whole key" (a full export where two
   * items share a partition key) or "its Keys hold the key (pk, sk) but the declared key is (pk)" (the
   * first incremental window), and nothing is written by that run. For a table defined in this app, a
   * name that differs from the table's sort key is a synth error.
   *
   * @default - taken from the table when it is defined in this app; none for an imported table
   */
  readonly sortKeyName?: string;

  /**
   * The bucket for exports, the Iceberg warehouse and job logs.
   *
   * @default - a new encrypted bucket that enforces TLS, blocks public access and expires applied exports
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix of the DynamoDB exports in the bucket (no leading or trailing slash).
   *
   * @default 'exports'
   */
  readonly exportPrefix?: string;

  /**
   * Key prefix of the Iceberg warehouse in the bucket (no leading or trailing slash).
   *
   * @default 'warehouse'
   */
  readonly warehousePrefix?: string;

  /**
   * An existing Glue database to create the Iceberg table in.
   *
   * @default - a new Glue database
   */
  readonly database?: glue.IDatabase;

  /**
   * Name of the Glue database the construct creates (lower case letters, digits, underscores).
   * Not allowed together with `database`.
   *
   * @default - a name unique to this construct
   */
  readonly databaseName?: string;

  /**
   * Name of the Iceberg table (lower case letters, digits, underscores).
   *
   * @default - the construct id in snake case, e.g. `orders_mirror` for `OrdersMirror`
   */
  readonly icebergTableName?: string;

  /**
   * How often the mirror runs (15 minutes to 24 hours). An interval that divides an hour or a day
   * runs at fixed times (every hour at minute 0, every 6 hours at 00:00, 06:00, ... UTC); any other
   * interval runs from the time the schedule is created.
   *
   * @default Duration.hours(1)
   */
  readonly scheduleInterval?: Duration;

  /**
   * The longest window of one incremental export (15 minutes to 24 hours). A mirror that is further
   * behind catches up with several windows in one run.
   *
   * @default Duration.hours(24)
   */
  readonly maxWindow?: Duration;

  /**
   * Which images incremental exports hold.
   *
   * @default ExportViewType.NEW_IMAGE
   */
  readonly exportViewType?: ExportViewType;

  /**
   * EMR release of the EMR Serverless application. The Spark job is tested on `emr-7.12.0`.
   *
   * @default 'emr-7.12.0'
   */
  readonly releaseLabel?: string;

  /**
   * The most vCPUs the EMR Serverless application may use at once: a whole number, at least 8 (the
   * Spark job runs on EMR Serverless' default workers of 4 vCPU, and needs a driver and one executor).
   * The account's EMR Serverless vCPU quota applies on top.
   *
   * @default 16
   */
  readonly maxVcpu?: number;

  /**
   * The most memory the EMR Serverless application may use at once: whole GiB, at least 32 (a driver
   * and one executor of EMR Serverless' default 16 GB worker).
   *
   * @default Size.gibibytes(64)
   */
  readonly maxMemory?: Size;

  /**
   * Iceberg types for attributes that should not get the inferred type, by attribute name.
   *
   * @default - every column's type is inferred from the data
   */
  readonly columnTypes?: { [attributeName: string]: ColumnType };

  /**
   * Partition the Iceberg table by `bucket(N, partition key)` with this many buckets: a window's
   * deletes then touch fewer, smaller files, and queries by key read one bucket. Applies when the
   * table is created (bootstrap or re-bootstrap); an existing table keeps its layout.
   *
   * @default - unpartitioned
   */
  readonly partitionBuckets?: number;

  /**
   * When table maintenance runs (expire snapshots, compact files, remove orphans). Maintenance is
   * serialized with merges: one that finds a merge running waits for it (up to 2 hours, then the run
   * fails and the failure alarm fires).
   *
   * @default - every day, half a schedule interval after a mirror run near 03:00 UTC (at a random time
   * of day when `scheduleInterval` does not divide an hour or a day)
   */
  readonly maintenanceSchedule?: scheduler.ScheduleExpression;

  /**
   * What to do when the watermark has left the table's point-in-time recovery window.
   *
   * @default RebootstrapPolicy.AUTOMATIC
   */
  readonly rebootstrapPolicy?: RebootstrapPolicy;

  /**
   * A customer-managed KMS key for the new bucket, the exports, the Iceberg files and the job logs.
   *
   * EMR Serverless writes the job logs with this key, so its key policy must allow the service
   * principal `emr-serverless.amazonaws.com` `kms:GenerateDataKey` and `kms:Decrypt`, conditioned on
   * `aws:SourceArn` (the mirror's application) and `aws:SourceAccount`. The construct adds that
   * statement to a key defined in the same stack; for an imported key or a key of another stack, add
   * it yourself: synth warns (`dynamo-iceberg-mirror:encryptionKey`) with the statement.
   *
   * @default - S3-managed encryption (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long export files are kept after they were written. Applied to the new bucket only.
   *
   * @default Duration.days(7)
   */
  readonly exportRetention?: Duration;

  /**
   * The freshness alarm fires when the mirror is further behind its table than this.
   *
   * @default - three schedule intervals
   */
  readonly freshnessThreshold?: Duration;

  /**
   * What happens to the bucket, the Glue database and the log group when the construct is removed.
   * With `RemovalPolicy.DESTROY`, the bucket the construct creates is emptied first (exports, Iceberg
   * files and job logs are deleted by CDK's auto-delete custom resource); a bucket you pass in is never
   * emptied or deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const MIN_WINDOW = Duration.minutes(15);
const MAX_WINDOW = Duration.hours(24);
const DEFAULT_RELEASE_LABEL = 'emr-7.12.0';
/** How far behind "now" a window ends, so that exports read settled point-in-time data. */
const SAFETY_LAG = Duration.minutes(5);
/** The most windows one run exports and applies. */
const MAX_WINDOWS_PER_RUN = 10;
const LOG_PREFIX = 'emr-logs';

function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

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

  private readonly storage: MirrorStorage;
  private readonly monitoring: MirrorMonitoring;

  constructor(scope: Construct, id: string, props: DynamoIcebergMirrorProps) {
    super(scope, id);

    const exportPrefix = validatePrefix('exportPrefix', props.exportPrefix ?? 'exports');
    const warehousePrefix = validatePrefix('warehousePrefix', props.warehousePrefix ?? 'warehouse');
    if (exportPrefix === warehousePrefix || warehousePrefix.startsWith(`${exportPrefix}/`) || exportPrefix.startsWith(`${warehousePrefix}/`)) {
      throw new Error(`exportPrefix and warehousePrefix must not overlap, got '${exportPrefix}' and '${warehousePrefix}'`);
    }
    if (props.database && props.databaseName !== undefined) {
      throw new Error('databaseName names the database the construct creates; it cannot be combined with database');
    }
    if (props.databaseName !== undefined) {
      validateGlueName('databaseName', props.databaseName);
    }
    const tableName = props.icebergTableName ?? snakeCase(id);
    validateGlueName('icebergTableName', tableName);
    const scheduleInterval = validateDuration('scheduleInterval', props.scheduleInterval ?? Duration.hours(1), MIN_WINDOW, MAX_WINDOW);
    const maxWindow = validateDuration('maxWindow', props.maxWindow ?? MAX_WINDOW, MIN_WINDOW, MAX_WINDOW);
    const maxVcpu = props.maxVcpu ?? 16;
    const maxMemory = props.maxMemory ?? Size.gibibytes(64);
    const capacity = applicationCapacity(maxVcpu, maxMemory); // validated before any resource is made
    const releaseLabel = props.releaseLabel ?? DEFAULT_RELEASE_LABEL;
    if (!Token.isUnresolved(releaseLabel)) {
      if (!/^emr-\d+\.\d+\.\d+(-[a-z0-9-]+)?$/.test(releaseLabel)) {
        throw new Error(`releaseLabel must look like 'emr-7.12.0', got '${releaseLabel}'`);
      }
      if (!releaseLabel.startsWith('emr-7.')) {
        Annotations.of(this).addWarningV2('dynamo-iceberg-mirror:releaseLabel',
          `releaseLabel '${releaseLabel}' is not an emr-7.x release; the Spark job is tested on ${DEFAULT_RELEASE_LABEL} (Spark 3.5, Iceberg 1.10).`);
      }
    }
    const exportRetention = props.exportRetention ?? Duration.days(7);
    if (!Token.isUnresolved(exportRetention.toSeconds()) && exportRetention.toDays({ integral: false }) < 1) {
      throw new Error(`exportRetention must be at least 1 day, got ${exportRetention.toHumanString()}`);
    }
    if (props.bucket && props.exportRetention) {
      Annotations.of(this).addWarningV2('dynamo-iceberg-mirror:exportRetention',
        'exportRetention only applies to the bucket the construct creates; add a lifecycle rule to your bucket yourself.');
    }
    const freshnessThreshold = props.freshnessThreshold ?? Duration.seconds(scheduleInterval.toSeconds() * 3);
    if (!Token.isUnresolved(freshnessThreshold.toSeconds())) {
      if (freshnessThreshold.toSeconds() < 60) {
        throw new Error(`freshnessThreshold must be at least 1 minute, got ${freshnessThreshold.toHumanString()}`);
      }
      if (freshnessThreshold.toSeconds() <= scheduleInterval.toSeconds()) {
        Annotations.of(this).addWarningV2('dynamo-iceberg-mirror:freshnessThreshold',
          `freshnessThreshold (${freshnessThreshold.toHumanString()}) is not longer than scheduleInterval (${scheduleInterval.toHumanString()}): the table is always that far behind just before a run, so the alarm will fire in normal operation.`);
      }
    }
    if (maxWindow.toSeconds() * MAX_WINDOWS_PER_RUN < scheduleInterval.toSeconds()) {
      Annotations.of(this).addWarningV2('dynamo-iceberg-mirror:maxWindow',
        `maxWindow (${maxWindow.toHumanString()}) times ${MAX_WINDOWS_PER_RUN} windows per run is shorter than scheduleInterval (${scheduleInterval.toHumanString()}): the mirror would fall further behind every run.`);
    }
    const keyAttributes = keyAttributesOf(props);
    checkPointInTimeRecovery(this, props.table);

    this.storage = new MirrorStorage(this, 'Storage', {
      bucket: props.bucket,
      exportPrefix,
      warehousePrefix,
      logPrefix: LOG_PREFIX,
      database: props.database,
      databaseName: props.databaseName ?? defaultDatabaseName(this),
      tableName,
      encryptionKey: props.encryptionKey,
      exportRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const columnTypes: Record<string, string> = {};
    for (const [attribute, type] of Object.entries(props.columnTypes ?? {})) {
      if (attribute.length === 0) {
        throw new Error('columnTypes: attribute names must not be empty');
      }
      columnTypes[attribute] = type.typeName;
    }

    const partitionBuckets = props.partitionBuckets ?? 0;
    const bucketsValid = Number.isInteger(partitionBuckets) && partitionBuckets >= 1 && partitionBuckets <= 1024;
    if (props.partitionBuckets !== undefined && !Token.isUnresolved(partitionBuckets) && !bucketsValid) {
      throw new Error(`partitionBuckets must be an integer from 1 to 1024, got ${partitionBuckets}`);
    }

    const engine = new SparkEngine(this, 'Engine', {
      storage: this.storage,
      releaseLabel,
      capacity,
      keyAttributes,
      columnTypes,
      partitionBuckets,
    });

    const workflow = new MirrorWorkflow(this, 'Workflow', {
      table: props.table,
      storage: this.storage,
      engine,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      plan: {
        tableArn: props.table.tableArn,
        exportViewType: props.exportViewType ?? ExportViewType.NEW_IMAGE,
        minWindowSeconds: MIN_WINDOW.toSeconds(),
        maxWindowSeconds: maxWindow.toSeconds(),
        safetyLagSeconds: SAFETY_LAG.toSeconds(),
        maxWindowsPerRun: MAX_WINDOWS_PER_RUN,
        rebootstrap: props.rebootstrapPolicy ?? RebootstrapPolicy.AUTOMATIC,
      },
    });

    new scheduler.Schedule(this, 'Schedule', {
      description: `Runs the Iceberg mirror ${this.storage.databaseName}.${tableName}`,
      schedule: mirrorSchedule(scheduleInterval),
      target: new targets.StepFunctionsStartExecution(workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ mode: 'MIRROR' }),
      }),
    });
    new scheduler.Schedule(this, 'MaintenanceSchedule', {
      description: `Maintains the Iceberg mirror ${this.storage.databaseName}.${tableName}`,
      schedule: props.maintenanceSchedule ?? defaultMaintenanceSchedule(scheduleInterval),
      target: new targets.StepFunctionsStartExecution(workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ mode: 'MAINTAIN' }),
      }),
    });

    this.monitoring = new MirrorMonitoring(this, 'Monitoring', {
      stateMachine: workflow.stateMachine,
      mirrorName: `${this.storage.databaseName}.${tableName}`,
      scheduleInterval,
      freshnessThreshold,
    });

    Aspects.of(this).add(new WildcardAcknowledger(wildcardRules(exportPrefix, warehousePrefix, tableName)));
    Validations.of(workflow.planFunction.role!).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the plan function create and write its own CloudWatch log streams.',
    });

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
  }

  /**
   * How far the Iceberg table is behind its DynamoDB table: seconds between the table's watermark
   * and the start of each run, written by the mirror's plan function (namespace
   * `DynamoIcebergMirror`, metric `FreshnessLagSeconds`, dimension `Mirror` = `database.table`).
   * The freshness alarm watches this metric.
   *
   * @default - maximum over one schedule interval (5 minutes to 1 day)
   */
  public metricFreshnessLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricFreshnessLag(props);
  }

  /**
   * Runs that ended without committing: the failed, timed-out and aborted executions of the mirror's
   * state machine, summed (Step Functions publishes them as three metrics in `AWS/States`, hence a
   * math expression). The failure alarm watches this expression. A failed run leaves the watermark
   * unchanged, so the next run retries its windows.
   *
   * @default - sum over one hour
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
   * objects, the Glue database and table, and decrypt with the KMS key. Athena's own permissions and
   * its query result location are not included.
   *
   * The statements go to the principal's policy: S3 object-level actions (on the warehouse prefix)
   * and bucket-level ones (on the bucket) in separate statements, Glue and KMS in their own.
   *
   * @returns one grant that combines them all, for example to make a resource depend on every statement
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.storage.grantReadTable(grantee);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The wildcards this construct's policies need, each with the reason it cannot be narrower. */
function wildcardRules(exportPrefix: string, warehousePrefix: string, tableName: string) {
  return [
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(exportPrefix)}/\\*$`),
      reason: `DynamoDB names export objects at run time; access is limited to the export prefix '${exportPrefix}/' of the mirror bucket.`,
    },
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(warehousePrefix)}/\\*$`),
      reason: `Iceberg names data and metadata files at run time; access is limited to the warehouse prefix '${warehousePrefix}/' of the mirror bucket.`,
    },
    {
      pattern: new RegExp(`^Resource::.*/${escapeRegExp(LOG_PREFIX)}/\\*$`),
      reason: `EMR Serverless names job log objects at run time; writes are limited to the log prefix '${LOG_PREFIX}/'.`,
    },
    {
      pattern: /^Resource::.*\/export\/\*$/,
      reason: 'DynamoDB assigns export ids at run time; DescribeExport is limited to the exports of the mirrored table.',
    },
    {
      pattern: /^Resource::.*\/jobruns\/\*$/,
      reason: 'EMR Serverless assigns job run ids at run time; GetJobRun and CancelJobRun are limited to the runs of the mirror\'s application.',
    },
    {
      pattern: new RegExp(`^Resource::arn:.*:glue:.*:table/.*/${escapeRegExp(tableName)}_\\*$`),
      reason: 'Work tables the Spark job may create next to the mirrored table, named after it.',
    },
    {
      pattern: /^Resource::arn:.*:states:.*:execution:[A-Za-z0-9-]+:\*$/,
      reason: 'Step Functions names executions at run time; the plan function describes the executions of the mirror\'s own state machine only (the holder of the run lease).',
    },
    {
      pattern: /^Resource::<[A-Za-z0-9]*PlanFunction[A-Za-z0-9]*\.Arn>:\*$/,
      reason: 'Versions and aliases of the mirror\'s own plan function.',
    },
    {
      pattern: /^Resource::\*$/,
      actions: /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/,
      reason: 'X-Ray tracing and CloudWatch Logs delivery of the state machine take no resource-level permissions.',
    },
    {
      pattern: /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
      reason: 'Data-key operations needed for SSE-KMS, on the mirror\'s own KMS key only.',
    },
  ];
}

function validatePrefix(name: string, prefix: string): string {
  if (Token.isUnresolved(prefix)) {
    throw new Error(`${name} must be a literal string, got a token`);
  }
  if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix)) {
    throw new Error(`${name} must be an S3 key prefix without leading or trailing slash (letters, digits, !_.*'()- and inner /), got '${prefix}'`);
  }
  return prefix;
}

function validateGlueName(name: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!/^[a-z0-9_]{1,255}$/.test(value)) {
    throw new Error(`${name} must be 1 to 255 lower case letters, digits or underscores (Athena folds names to lower case), got '${value}'`);
  }
}

function validateDuration(name: string, value: Duration, min: Duration, max: Duration): Duration {
  if (Token.isUnresolved(value.toSeconds())) {
    return value;
  }
  if (value.toSeconds() < min.toSeconds() || value.toSeconds() > max.toSeconds() || value.toSeconds() % 60 !== 0) {
    throw new Error(`${name} must be whole minutes from ${min.toHumanString()} to ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
  return value;
}

function defaultDatabaseName(scope: Construct): string {
  // Stack name, construct path and a hash of the path, in snake case: a valid, unique Athena name.
  const stack = Stack.of(scope);
  const path = scope.node.path.split('/').slice(stack.node.path.split('/').length);
  return snakeCase([stack.stackName, ...path, 'mirror'].join('_')).slice(0, 200) + '_' + scope.node.addr.slice(0, 8);
}

interface KeySchemaElement {
  readonly attributeName: string;
  readonly keyType: string;
}

interface AttributeDefinition {
  readonly attributeName: string;
  readonly attributeType: string;
}

function keySchemaOf(table: dynamodb.ITable): { keys: KeySchemaElement[]; types: AttributeDefinition[] } | undefined {
  const child = (table as IConstruct).node?.defaultChild;
  if (child instanceof dynamodb.CfnTable || child instanceof dynamodb.CfnGlobalTable) {
    const stack = Stack.of(child);
    const keys = stack.resolve((child as { keySchema: unknown }).keySchema);
    const types = stack.resolve((child as { attributeDefinitions: unknown }).attributeDefinitions);
    if (Array.isArray(keys) && keys.every((e) => typeof e?.attributeName === 'string')) {
      return { keys, types: Array.isArray(types) ? types : [] };
    }
  }
  return undefined;
}

function checkKeyName(name: string, value: string): void {
  if (value.length === 0 || value.includes(',') || value.includes(':')) {
    throw new Error(`${name} must be a non-empty attribute name without ',' or ':' (the Spark job's --key syntax), got '${value}'`);
  }
}

/**
 * The `--key` items: `name:TYPE` (S, N or B) when the table is defined in the app, so that the job can
 * bootstrap an empty table; the bare names for an imported table.
 */
function keyAttributesOf(props: DynamoIcebergMirrorProps): string[] {
  const schema = keySchemaOf(props.table);
  if (schema) {
    const hash = schema.keys.find((e) => e.keyType === 'HASH')?.attributeName;
    const range = schema.keys.find((e) => e.keyType === 'RANGE')?.attributeName;
    if (props.partitionKeyName !== undefined && props.partitionKeyName !== hash) {
      throw new Error(`partitionKeyName '${props.partitionKeyName}' differs from the table's partition key '${hash}'`);
    }
    if (props.sortKeyName !== undefined && props.sortKeyName !== range) {
      throw new Error(`sortKeyName '${props.sortKeyName}' differs from the table's sort key '${range ?? '(none)'}'`);
    }
    const typed = (name: string) => {
      checkKeyName('table key', name);
      const type = schema.types.find((d) => d.attributeName === name)?.attributeType;
      return typeof type === 'string' && ['S', 'N', 'B'].includes(type) ? `${name}:${type}` : name;
    };
    return range ? [typed(hash!), typed(range)] : [typed(hash!)];
  }
  if (props.partitionKeyName === undefined) {
    throw new Error('partitionKeyName is required when the table is imported: its key schema cannot be read at synth');
  }
  checkKeyName('partitionKeyName', props.partitionKeyName);
  if (props.sortKeyName !== undefined) {
    checkKeyName('sortKeyName', props.sortKeyName);
  }
  return props.sortKeyName ? [props.partitionKeyName, props.sortKeyName] : [props.partitionKeyName];
}

/** Whether PITR is known to be off; undefined when it cannot be known at synth. */
function pitrEnabled(table: dynamodb.ITable): boolean | undefined {
  const child = (table as IConstruct).node?.defaultChild;
  const enabledIn = (spec: unknown): boolean | undefined => {
    if (spec === undefined) {
      return false;
    }
    if (Token.isUnresolved(spec)) {
      return undefined;
    }
    const value = (spec as { pointInTimeRecoveryEnabled?: unknown }).pointInTimeRecoveryEnabled;
    if (value === undefined) {
      return false;
    }
    return typeof value === 'boolean' ? value : undefined;
  };
  if (child instanceof dynamodb.CfnTable) {
    return enabledIn(child.pointInTimeRecoverySpecification);
  }
  if (child instanceof dynamodb.CfnGlobalTable) {
    const region = Stack.of(child).region;
    const replicas = Stack.of(child).resolve(child.replicas);
    if (!Array.isArray(replicas)) {
      return undefined;
    }
    const replica = replicas.find((r) => (r as { region?: string }).region === region) ?? replicas[0];
    return replica ? enabledIn((replica as { pointInTimeRecoverySpecification?: unknown }).pointInTimeRecoverySpecification) : undefined;
  }
  return undefined;
}

function checkPointInTimeRecovery(scope: Construct, table: dynamodb.ITable): void {
  // Checked when the app synthesizes, after all code that configures the table ran.
  scope.node.addValidation({
    validate: () => pitrEnabled(table) === false
      ? [`table: point-in-time recovery is not enabled on ${table.node.path}; DynamoDB exports need it (pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true })`]
      : [],
  });
}
