import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ColumnType } from './column-type';

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
   * When the mirror proves itself: a verification run takes a full export of the table at the Iceberg
   * table's current watermark, compares it with the table's snapshot at that watermark (the Spark job's
   * `verify`), writes the report to `s3://<bucket>/emr-logs/verification/<execution name>.json` and
   * publishes the counts of keys missing, extra and different; `verificationAlarm` fires on any. The
   * export is made without the run lease; the Spark job takes it like maintenance (mirror runs that
   * meet it end at once and the next one catches up), so a verification delays the mirror by at most
   * one job run. Each verification pays for one full export of the table.
   *
   * Start one by hand with the input `{"mode": "VERIFY"}`, with or without a schedule.
   *
   * @default - no scheduled verification
   */
  readonly verificationSchedule?: scheduler.ScheduleExpression;

  /**
   * What to do when the watermark has left the table's point-in-time recovery window.
   *
   * @default RebootstrapPolicy.AUTOMATIC
   */
  readonly rebootstrapPolicy?: RebootstrapPolicy;

  /**
   * Create an Athena workgroup for querying the mirror, with its own encrypted results location.
   *
   * Query results go to the mirror's bucket under `athena-results/` (expired after 45 days when the
   * construct creates the bucket), encrypted like the bucket: SSE-KMS with `encryptionKey` when there
   * is one, else SSE-S3. The workgroup enforces these settings over clients' own, publishes CloudWatch
   * metrics and lets Athena choose its engine version. `grantRead` then also lets its grantee run
   * queries in it. The workgroup is the construct's `workGroup`.
   *
   * @default false
   */
  readonly athenaWorkGroup?: boolean;

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
   * What happens to the bucket, the Glue database, the log groups and the Athena workgroup when the
   * construct is removed. With `RemovalPolicy.DESTROY`, the bucket the construct creates is emptied
   * first (exports, Iceberg files and job logs are deleted by CDK's auto-delete custom resource), and
   * the workgroup is deleted with its saved queries; a bucket you pass in is never emptied or deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
