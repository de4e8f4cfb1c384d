import { gunzipSync } from 'zlib';
import { DescribeContinuousBackupsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { FRESHNESS_DIMENSION, FRESHNESS_METRIC_NAME, FRESHNESS_NAMESPACE } from './monitoring/freshness';
import { parseTime, Plan, PlanConfig, PlanFacts, planRun, RunMode } from './workflow/plan';
import { claimRunLease, LeaseOutcome } from './workflow/run-lease';
import { TABLE_ARN_PROPERTY, WATERMARK_PROPERTY } from './workflow/table-properties';

export { TABLE_ARN_PROPERTY, WATERMARK_PROPERTY };


/** The state machine's payload. */
export interface PlanEvent {
  readonly mode?: string;
  /** `$$.Execution.StartTime` */
  readonly now: string;
  /** `$$.Execution.Id`: the execution that asks for the run lease. */
  readonly execution: string;
  readonly config: PlanConfig & {
    readonly glueDatabase: string;
    readonly glueTable: string;
    /** The metric dimension value naming this mirror. */
    readonly mirrorName: string;
    /** The DynamoDB table of the run lease. */
    readonly leaseTable: string;
    /** The state machine's timeout: a lease holder older than this has ended. */
    readonly runTimeoutSeconds: number;
  };
}

/** The AWS calls the handler makes, replaceable in tests. */
export interface PlanClients {
  readonly glue: Pick<GlueClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
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
  if (mode === 'MAINTAIN' || mode === 'VERIFY_EXPORT' || mode === 'VERIFY') {
    return mode;
  }
  throw new Error(`mode must be MIRROR, MAINTAIN, VERIFY_EXPORT or VERIFY, got ${JSON.stringify(mode)}`);
}

/** Builds the handler around the given clients. */
export function makePlanHandler(clients: PlanClients): (event: PlanEvent) => Promise<Plan> {
  return async (event) => {
    const mode = parseMode(event.mode);
    const now = parseTime(event.now, 'now');
    if (!event.execution) {
      throw new Error('execution ($$.Execution.Id) is required: it names the holder of the run lease');
    }
    const { config } = event;
    // A verification's export is planned from reads only: it takes no lease (see planRun).
    const lease: LeaseOutcome = mode === 'VERIFY_EXPORT'
      ? { acquired: false, holder: '(not asked)', since: '' }
      : await claimRunLease(clients, {
        tableName: config.leaseTable,
        executionArn: event.execution,
        startTime: now,
        mode,
        staleAfterSeconds: config.runTimeoutSeconds,
      });
    if (lease.tookOverFrom) {
      clients.log(JSON.stringify({ lease: 'taken over', from: lease.tookOverFrom }));
    }
    // Read even without the lease: the freshness metric then still comes from the table itself, so a
    // run that hangs while holding the lease shows up as growing lag.
    const state = await readTableState(clients, config.glueDatabase, config.glueTable);
    const watermarkText = state.properties[WATERMARK_PROPERTY];
    // A verification exports at the watermark: it needs the restorable window as much as a mirror run.
    const pitr = (mode === 'MIRROR' && lease.acquired) || mode === 'VERIFY_EXPORT'
      ? await readPitr(clients, config.tableArn)
      : { pitrEnabled: true };
    const facts: PlanFacts = {
      now,
      tableExists: state.exists,
      watermark: watermarkText ? parseTime(watermarkText, WATERMARK_PROPERTY) : undefined,
      mirroredTableArn: state.properties[TABLE_ARN_PROPERTY],
      runLease: lease,
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
    sfn: new SFNClient({}),
    log: (line) => console.log(line),
  });
  return cached(event);
}
