import { gunzipSync } from 'zlib';
import { DescribeContinuousBackupsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FRESHNESS_DIMENSION, FRESHNESS_METRIC_NAME, FRESHNESS_NAMESPACE } from './monitoring/freshness';
import { parseTime, Plan, PlanConfig, PlanFacts, planRun, RunMode } from './workflow/plan';

/** Table properties the Spark job records in the Iceberg table. */
export const WATERMARK_PROPERTY = 'dynamo-iceberg-mirror.watermark';
export const TABLE_ARN_PROPERTY = 'dynamo-iceberg-mirror.table-arn';


/** The state machine's payload. */
export interface PlanEvent {
  readonly mode?: string;
  /** `$$.Execution.StartTime` */
  readonly now: string;
  readonly config: PlanConfig & {
    readonly glueDatabase: string;
    readonly glueTable: string;
    /** The metric dimension value naming this mirror. */
    readonly mirrorName: string;
  };
}

/** The AWS calls the handler makes, replaceable in tests. */
export interface PlanClients {
  readonly glue: Pick<GlueClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly log: (line: string) => void;
}

/** The Iceberg table's state as seen through the Glue catalog. */
export interface MirrorTableState {
  readonly exists: boolean;
  readonly properties: Record<string, string>;
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) {
    throw new Error(`metadata_location is not an S3 URI: ${JSON.stringify(uri)}`);
  }
  return { bucket: match[1], key: match[2] };
}

/** Reads the Iceberg table's properties: Glue GetTable -> metadata_location -> metadata JSON. */
export async function readTableState(clients: PlanClients, database: string, table: string): Promise<MirrorTableState> {
  let location: string | undefined;
  try {
    const result = await clients.glue.send(new GetTableCommand({ DatabaseName: database, Name: table }));
    location = result.Table?.Parameters?.metadata_location;
  } catch (error) {
    if ((error as { name?: string }).name === 'EntityNotFoundException') {
      return { exists: false, properties: {} };
    }
    throw error;
  }
  if (!location) {
    throw new Error(`Glue table ${database}.${table} exists but is not an Iceberg table (no metadata_location)`);
  }
  const { bucket, key } = parseS3Uri(location);
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf-8');
  const metadata = JSON.parse(text) as { properties?: Record<string, string> };
  return { exists: true, properties: metadata.properties ?? {} };
}

/** Reads the source table's point-in-time recovery window. */
export async function readPitr(clients: PlanClients, tableArn: string) {
  const result = await clients.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: tableArn }));
  const pitr = result.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  return {
    pitrEnabled: pitr?.PointInTimeRecoveryStatus === 'ENABLED',
    earliestRestorable: pitr?.EarliestRestorableDateTime,
    latestRestorable: pitr?.LatestRestorableDateTime,
  };
}

function parseMode(mode: string | undefined): RunMode {
  if (mode === undefined || mode === null || mode === 'MIRROR') {
    return 'MIRROR';
  }
  if (mode === 'MAINTAIN') {
    return 'MAINTAIN';
  }
  throw new Error(`mode must be MIRROR or MAINTAIN, got ${JSON.stringify(mode)}`);
}

/** Builds the handler around the given clients. */
export function makePlanHandler(clients: PlanClients): (event: PlanEvent) => Promise<Plan> {
  return async (event) => {
    const mode = parseMode(event.mode);
    const now = parseTime(event.now, 'now');
    const { config } = event;
    const state = await readTableState(clients, config.glueDatabase, config.glueTable);
    const watermarkText = state.properties[WATERMARK_PROPERTY];
    const pitr = mode === 'MIRROR'
      ? await readPitr(clients, config.tableArn)
      : { pitrEnabled: true };
    const facts: PlanFacts = {
      now,
      tableExists: state.exists,
      watermark: watermarkText ? parseTime(watermarkText, WATERMARK_PROPERTY) : undefined,
      mirroredTableArn: state.properties[TABLE_ARN_PROPERTY],
      ...pitr,
    };
    const plan = planRun(mode, config, facts);
    if (plan.lagSeconds !== null && mode === 'MIRROR') {
      // CloudWatch embedded metric format: the log line is the metric, no API call needed.
      clients.log(JSON.stringify({
        _aws: {
          Timestamp: now.getTime(),
          CloudWatchMetrics: [{
            Namespace: FRESHNESS_NAMESPACE,
            Dimensions: [[FRESHNESS_DIMENSION]],
            Metrics: [{ Name: FRESHNESS_METRIC_NAME, Unit: 'Seconds' }],
          }],
        },
        [FRESHNESS_DIMENSION]: config.mirrorName,
        [FRESHNESS_METRIC_NAME]: plan.lagSeconds,
      }));
    }
    clients.log(JSON.stringify({ action: plan.action, reason: plan.reason, windows: plan.windows.length }));
    return plan;
  };
}

let cached: ((event: PlanEvent) => Promise<Plan>) | undefined;

/** Lambda entry point. */
export async function handler(event: PlanEvent): Promise<Plan> {
  cached ??= makePlanHandler({
    glue: new GlueClient({}),
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    log: (line) => console.log(line),
  });
  return cached(event);
}
