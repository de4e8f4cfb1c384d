import { Annotations, Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { DynamoIcebergMirrorProps, ExportViewType, RebootstrapPolicy } from './dynamo-iceberg-mirror-props';
import { ApplicationCapacity, applicationCapacity } from './engine/capacity';
import { MAX_PARTITION_BUCKETS } from './private/job-contract';
import { KeyAttribute, keySchemaOf, pitrEnabled } from './source-table';
import { defaultMaintenanceSchedule } from './workflow/schedules';

/**
 * The props of a `DynamoIcebergMirror`, checked and with their defaults applied: each prop is checked
 * here and only here, and every error names the construct's path, the prop and the value received.
 */
export interface MirrorSettings {
  readonly exportPrefix: string;
  readonly warehousePrefix: string;
  /** Key prefix of the EMR Serverless job logs in the bucket. */
  readonly logPrefix: string;
  /** Key prefix of the Athena workgroup's query results in the bucket, when there is a workgroup. */
  readonly queryResultsPrefix?: string;
  /** Name of the database the construct creates (ignored when `props.database` is given). */
  readonly databaseName: string;
  readonly tableName: string;
  readonly scheduleInterval: Duration;
  readonly maxWindow: Duration;
  /** The shortest export window DynamoDB accepts. */
  readonly minWindow: Duration;
  /** How far behind "now" a window ends, so that exports read settled point-in-time data. */
  readonly safetyLag: Duration;
  /** The most windows one run exports and applies. */
  readonly maxWindowsPerRun: number;
  readonly releaseLabel: string;
  readonly capacity: ApplicationCapacity;
  /** The Spark job's `--key`: the key attributes, partition key first, with their types when known. */
  readonly keyAttributes: KeyAttribute[];
  /** The Spark job's `--column-types`: attribute name to type name. */
  readonly columnTypes: Record<string, string>;
  /** Buckets of the partition key; 0 for an unpartitioned table. */
  readonly partitionBuckets: number;
  readonly exportViewType: ExportViewType;
  readonly rebootstrapPolicy: RebootstrapPolicy;
  readonly maintenanceSchedule: scheduler.ScheduleExpression;
  readonly exportRetention: Duration;
  readonly freshnessThreshold: Duration;
  readonly removalPolicy: RemovalPolicy;
}

const MIN_WINDOW = Duration.minutes(15);
const MAX_WINDOW = Duration.hours(24);
export const DEFAULT_RELEASE_LABEL = 'emr-7.12.0';
const SAFETY_LAG = Duration.minutes(5);
const MAX_WINDOWS_PER_RUN = 10;
const LOG_PREFIX = 'emr-logs';
const QUERY_RESULTS_PREFIX = 'athena-results';

/** Throws the error of one prop, prefixed with the construct's path (which of several mirrors is wrong). */
type Fail = (message: string) => never;

/**
 * Checks the props and applies their defaults. Warnings (settings that work but are likely mistakes)
 * go to the construct's annotations; the source table's point-in-time recovery is checked at synth,
 * after the app's code has configured the table.
 */
export function resolveSettings(scope: Construct, id: string, props: DynamoIcebergMirrorProps): MirrorSettings {
  const fail: Fail = (message) => {
    throw new Error(`${scope.node.path}: ${message}`);
  };
  const warn = (warningId: string, message: string) => Annotations.of(scope).addWarningV2(`dynamo-iceberg-mirror:${warningId}`, message);

  const exportPrefix = checkPrefix(fail, 'exportPrefix', props.exportPrefix ?? 'exports');
  const warehousePrefix = checkPrefix(fail, 'warehousePrefix', props.warehousePrefix ?? 'warehouse');
  if (overlap(exportPrefix, warehousePrefix)) {
    fail(`exportPrefix and warehousePrefix must not overlap, got '${exportPrefix}' and '${warehousePrefix}'`);
  }
  const queryResultsPrefix = props.athenaWorkGroup ? QUERY_RESULTS_PREFIX : undefined;
  for (const [name, prefix] of Object.entries({ exportPrefix, warehousePrefix })) {
    if (queryResultsPrefix && overlap(prefix, queryResultsPrefix)) {
      fail(`${name} must not overlap the Athena workgroup's results prefix '${queryResultsPrefix}', got '${prefix}'`);
    }
  }
  if (props.database && props.databaseName !== undefined) {
    fail('databaseName names the database the construct creates; it cannot be combined with database');
  }
  if (props.databaseName !== undefined) {
    checkGlueName(fail, 'databaseName', props.databaseName);
  }
  const tableName = props.icebergTableName ?? snakeCase(id);
  checkGlueName(fail, 'icebergTableName', tableName);
  const scheduleInterval = checkDuration(fail, 'scheduleInterval', props.scheduleInterval ?? Duration.hours(1), MIN_WINDOW, MAX_WINDOW);
  const maxWindow = checkDuration(fail, 'maxWindow', props.maxWindow ?? MAX_WINDOW, MIN_WINDOW, MAX_WINDOW);
  const capacity = withPath(fail, () => applicationCapacity(props.maxVcpu ?? 16, props.maxMemory ?? Size.gibibytes(64)));
  const releaseLabel = props.releaseLabel ?? DEFAULT_RELEASE_LABEL;
  if (!Token.isUnresolved(releaseLabel)) {
    if (!/^emr-\d+\.\d+\.\d+(-[a-z0-9-]+)?$/.test(releaseLabel)) {
      fail(`releaseLabel must look like 'emr-7.12.0', got '${releaseLabel}'`);
    }
    if (!releaseLabel.startsWith('emr-7.')) {
      warn('releaseLabel',
        `releaseLabel '${releaseLabel}' is not an emr-7.x release; the Spark job is tested on ${DEFAULT_RELEASE_LABEL} (Spark 3.5, Iceberg 1.10).`);
    }
  }
  const exportRetention = props.exportRetention ?? Duration.days(7);
  if (!Token.isUnresolved(exportRetention.toSeconds()) && exportRetention.toDays({ integral: false }) < 1) {
    fail(`exportRetention must be at least 1 day, got ${exportRetention.toHumanString()}`);
  }
  if (props.bucket && props.exportRetention) {
    warn('exportRetention', 'exportRetention only applies to the bucket the construct creates; add a lifecycle rule to your bucket yourself.');
  }
  const freshnessThreshold = props.freshnessThreshold ?? Duration.seconds(scheduleInterval.toSeconds() * 3);
  if (!Token.isUnresolved(freshnessThreshold.toSeconds())) {
    if (freshnessThreshold.toSeconds() < 60) {
      fail(`freshnessThreshold must be at least 1 minute, got ${freshnessThreshold.toHumanString()}`);
    }
    if (freshnessThreshold.toSeconds() <= scheduleInterval.toSeconds()) {
      warn('freshnessThreshold',
        `freshnessThreshold (${freshnessThreshold.toHumanString()}) is not longer than scheduleInterval (${scheduleInterval.toHumanString()}): the table is always that far behind just before a run, so the alarm will fire in normal operation.`);
    }
  }
  if (maxWindow.toSeconds() * MAX_WINDOWS_PER_RUN < scheduleInterval.toSeconds()) {
    warn('maxWindow',
      `maxWindow (${maxWindow.toHumanString()}) times ${MAX_WINDOWS_PER_RUN} windows per run is shorter than scheduleInterval (${scheduleInterval.toHumanString()}): the mirror would fall further behind every run.`);
  }
  const keyAttributes = keyAttributesOf(fail, props);
  checkPointInTimeRecovery(scope, props);

  const columnTypes: Record<string, string> = {};
  for (const [attribute, type] of Object.entries(props.columnTypes ?? {})) {
    if (attribute.length === 0) {
      fail('columnTypes: attribute names must not be empty');
    }
    columnTypes[attribute] = type.typeName;
  }

  const partitionBuckets = props.partitionBuckets ?? 0;
  const bucketsValid = Number.isInteger(partitionBuckets) && partitionBuckets >= 1 && partitionBuckets <= MAX_PARTITION_BUCKETS;
  if (props.partitionBuckets !== undefined && !Token.isUnresolved(partitionBuckets) && !bucketsValid) {
    fail(`partitionBuckets must be an integer from 1 to ${MAX_PARTITION_BUCKETS}, got ${partitionBuckets}`);
  }

  return {
    exportPrefix,
    warehousePrefix,
    logPrefix: LOG_PREFIX,
    queryResultsPrefix,
    databaseName: props.databaseName ?? defaultDatabaseName(scope),
    tableName,
    scheduleInterval,
    maxWindow,
    minWindow: MIN_WINDOW,
    safetyLag: SAFETY_LAG,
    maxWindowsPerRun: MAX_WINDOWS_PER_RUN,
    releaseLabel,
    capacity,
    keyAttributes,
    columnTypes,
    partitionBuckets,
    exportViewType: props.exportViewType ?? ExportViewType.NEW_IMAGE,
    rebootstrapPolicy: props.rebootstrapPolicy ?? RebootstrapPolicy.AUTOMATIC,
    maintenanceSchedule: props.maintenanceSchedule ?? defaultMaintenanceSchedule(scheduleInterval),
    exportRetention,
    freshnessThreshold,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  };
}

/** Checks made by a module of another part (the engine's capacity) get the construct's path too. */
function withPath<T>(fail: Fail, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    return fail((error as Error).message);
  }
}

function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function defaultDatabaseName(scope: Construct): string {
  // Stack name, construct path and a hash of the path, in snake case: a valid, unique Athena name.
  const stack = Stack.of(scope);
  const path = scope.node.path.split('/').slice(stack.node.path.split('/').length);
  return snakeCase([stack.stackName, ...path, 'mirror'].join('_')).slice(0, 200) + '_' + scope.node.addr.slice(0, 8);
}

/** Whether two key prefixes share objects: equal, or one is a folder of the other. */
function overlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function checkPrefix(fail: Fail, name: string, prefix: string): string {
  if (Token.isUnresolved(prefix)) {
    fail(`${name} must be a literal string, got a token`);
  }
  if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix)) {
    fail(`${name} must be an S3 key prefix without leading or trailing slash (letters, digits, !_.*'()- and inner /), got '${prefix}'`);
  }
  return prefix;
}

function checkGlueName(fail: Fail, name: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!/^[a-z0-9_]{1,255}$/.test(value)) {
    fail(`${name} must be 1 to 255 lower case letters, digits or underscores (Athena folds names to lower case), got '${value}'`);
  }
}

function checkDuration(fail: Fail, name: string, value: Duration, min: Duration, max: Duration): Duration {
  if (Token.isUnresolved(value.toSeconds())) {
    return value;
  }
  if (value.toSeconds() < min.toSeconds() || value.toSeconds() > max.toSeconds() || value.toSeconds() % 60 !== 0) {
    fail(`${name} must be whole minutes from ${min.toHumanString()} to ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
  return value;
}

/** Any non-empty DynamoDB attribute name passes: the job's `--key` is JSON, `,` and `:` included. */
function checkKeyName(fail: Fail, name: string, value: string): void {
  if (value.length === 0) {
    fail(`${name} must be a non-empty attribute name, got '${value}'`);
  }
}

/**
 * The key attributes with their types (S, N or B) when the table is defined in the app, so that the job
 * can bootstrap an empty table; the bare names for an imported table.
 */
function keyAttributesOf(fail: Fail, props: DynamoIcebergMirrorProps): KeyAttribute[] {
  const schema = keySchemaOf(props.table);
  if (schema) {
    const { partitionKey, sortKey } = schema;
    if (props.partitionKeyName !== undefined && props.partitionKeyName !== partitionKey.name) {
      fail(`partitionKeyName '${props.partitionKeyName}' differs from the table's partition key '${partitionKey.name}'`);
    }
    if (props.sortKeyName !== undefined && props.sortKeyName !== sortKey?.name) {
      fail(`sortKeyName '${props.sortKeyName}' differs from the table's sort key '${sortKey?.name ?? '(none)'}'`);
    }
    const keys = sortKey ? [partitionKey, sortKey] : [partitionKey];
    keys.forEach((key) => checkKeyName(fail, 'table key', key.name));
    return keys;
  }
  if (props.partitionKeyName === undefined) {
    return fail('partitionKeyName is required when the table is imported: its key schema cannot be read at synth');
  }
  checkKeyName(fail, 'partitionKeyName', props.partitionKeyName);
  if (props.sortKeyName !== undefined) {
    checkKeyName(fail, 'sortKeyName', props.sortKeyName);
  }
  const names = props.sortKeyName ? [props.partitionKeyName, props.sortKeyName] : [props.partitionKeyName];
  return names.map((name) => ({ name }));
}

function checkPointInTimeRecovery(scope: Construct, props: DynamoIcebergMirrorProps): void {
  // Checked when the app synthesizes, after all code that configures the table ran; CDK prefixes the
  // message with the construct's path.
  scope.node.addValidation({
    validate: () => pitrEnabled(props.table) === false
      ? [`table: point-in-time recovery is not enabled on ${props.table.node.path}; DynamoDB exports need it (pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true })`]
      : [],
  });
}
