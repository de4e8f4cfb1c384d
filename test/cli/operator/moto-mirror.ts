/**
 * A deployed mirror as the operator commands see it, built in moto: the Iceberg table (a Glue table
 * whose metadata_location names a metadata JSON in S3), a source table with PITR, an EMR Serverless
 * job run, and state machines shaped like the mirror's (same state names, same plan payload), which
 * moto's own Step Functions interpreter executes.
 */
import { CreateTableCommand, DynamoDBClient, UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { CreateApplicationCommand, EMRServerlessClient, StartJobRunCommand } from '@aws-sdk/client-emr-serverless';
import { CreateDatabaseCommand, CreateTableCommand as CreateGlueTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { motoClientConfig, MotoServer } from '../../moto-server';

export const DATABASE = 'shop';
export const TABLE = 'orders_mirror';
export const BUCKET = 'orders-mirror-bucket';
export const WATERMARK = '2026-11-30T05:00:00.000Z';
/** Above 2^53: JSON.parse alone would change its last digits. */
export const SNAPSHOT_ID = '3051729675574597004';
export const ROLE = 'arn:aws:iam::123456789012:role/mirror';

/** The current metadata file, as Iceberg writes it (format v2, two snapshots). */
export const METADATA_JSON = `{
  "format-version": 2,
  "table-uuid": "5a8c3f4e-3f4c-4b1e-9d0a-0c6f1f3c2b11",
  "location": "s3://${BUCKET}/warehouse/${DATABASE}.db/${TABLE}",
  "last-updated-ms": 1796014800000,
  "properties": {"dynamo-iceberg-mirror.watermark": "${WATERMARK}", "write.format.default": "parquet"},
  "current-snapshot-id": ${SNAPSHOT_ID},
  "snapshots": [
    {"snapshot-id": 1796011200001, "timestamp-ms": 1796011200000,
     "summary": {"operation": "append", "total-records": "10", "total-data-files": "1", "total-delete-files": "0", "total-files-size": "2048"}},
    {"snapshot-id": ${SNAPSHOT_ID}, "parent-snapshot-id": 1796011200001, "timestamp-ms": 1796014800000,
     "summary": {"operation": "overwrite", "total-records": "1234", "total-data-files": "7", "total-delete-files": "2", "total-files-size": "3145728"}}
  ]
}`;
export const METADATA_LOCATION = `s3://${BUCKET}/warehouse/${DATABASE}.db/${TABLE}/metadata/00002-8d0e.metadata.json`;

export interface JobRunIds {
  readonly applicationId: string;
  readonly jobRunId: string;
  readonly arn: string;
}

export interface MirrorLikeOptions {
  readonly sourceTableArn: string;
  readonly jobRun: JobRunIds;
  /** The Spark state fails (as a failed job run does, after its retry) instead of answering. */
  readonly sparkFails?: boolean;
  /** Seconds the export waits before the Spark state, so that a run is seen running. */
  readonly exportWaitSeconds?: number;
}

/**
 * The mirror's control flow with its state names: a mode choice, one `Run` branch caught by `Run
 * failed`, a real DynamoDB export task. The plan task and the Spark task are Pass states that give what
 * they would: the plan payload (where the operator commands find the Glue names) and StartJobRun's answer.
 */
export function mirrorLikeDefinition(options: MirrorLikeOptions): object {
  const spark = options.sparkFails
    ? { Type: 'Fail', Error: 'SparkJobFailed', Cause: 'Job run failed: the Spark driver exited 1' }
    : { Type: 'Pass', Result: { ApplicationId: options.jobRun.applicationId, JobRunId: options.jobRun.jobRunId, Arn: options.jobRun.arn }, Next: 'Mirrored' };
  return {
    StartAt: 'Which run?',
    States: {
      'Which run?': {
        Type: 'Choice',
        Choices: [
          { Variable: '$.mode', StringEquals: 'MAINTAIN', Next: 'Maintenance run' },
          { Variable: '$.mode', StringEquals: 'VERIFY', Next: 'Verification run' },
        ],
        Default: 'Mirror run',
      },
      'Mirror run': { Type: 'Pass', Result: { mode: 'MIRROR' }, Next: 'Run' },
      'Maintenance run': { Type: 'Pass', Result: { mode: 'MAINTAIN' }, Next: 'Run' },
      'Verification run': { Type: 'Pass', Result: { mode: 'VERIFY' }, Next: 'Run' },
      'Run': {
        Type: 'Parallel',
        OutputPath: '$[0]',
        Branches: [{
          StartAt: 'Plan',
          States: {
            'Plan': {
              Type: 'Pass',
              // The plan task's parameters: the function's payload itself (the task calls it directly).
              Parameters: { 'mode.$': '$.mode', 'config': { glueDatabase: DATABASE, glueTable: TABLE, leaseTable: 'lease' } },
              ResultPath: '$.plan',
              Next: 'What does the plan say?',
            },
            'What does the plan say?': {
              Type: 'Choice',
              Choices: [
                { Variable: '$.mode', StringEquals: 'MAINTAIN', Next: 'Maintain table (Spark)' },
                { Variable: '$.mode', StringEquals: 'VERIFY', Next: 'Verify table (Spark)' },
              ],
              Default: 'Full export: start',
            },
            'Maintain table (Spark)': { Type: 'Pass', Next: 'Maintained' },
            'Maintained': { Type: 'Succeed' },
            'Verify table (Spark)': { Type: 'Pass', Next: 'Verified' },
            'Verified': { Type: 'Succeed' },
            'Full export: start': {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:dynamodb:exportTableToPointInTime',
              Parameters: { TableArn: options.sourceTableArn, S3Bucket: BUCKET, S3Prefix: 'exports', ExportFormat: 'DYNAMODB_JSON' },
              ResultSelector: { 'arn.$': '$.ExportDescription.ExportArn' },
              ResultPath: '$.export.started',
              Next: options.exportWaitSeconds ? 'Full export: wait' : 'Apply exports (Spark)',
            },
            ...(options.exportWaitSeconds
              ? { 'Full export: wait': { Type: 'Wait', Seconds: options.exportWaitSeconds, Next: 'Apply exports (Spark)' } }
              : {}),
            'Apply exports (Spark)': spark,
            'Mirrored': { Type: 'Succeed' },
          },
        }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Release the run lease after a failure' }],
        Next: 'Release the run lease',
      },
      'Release the run lease': { Type: 'Pass', Next: 'Done' },
      'Done': { Type: 'Succeed' },
      'Release the run lease after a failure': { Type: 'Pass', Next: 'Run failed' },
      'Run failed': { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    },
  };
}

/** Turns moto's own Step Functions interpreter on or off (off: executions stay as started, state machines of CloudFormation stacks are visible). */
export async function executeStateMachines(server: MotoServer, on: boolean): Promise<void> {
  const response = await fetch(`${server.endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: on } }),
  });
  if (!response.ok) {
    throw new Error(`moto config: ${response.status}`);
  }
}

/** The mirror's AWS resources in moto (everything but the state machines), and the job run it ran. */
export async function createMirrorResources(server: MotoServer): Promise<{ sourceTableArn: string; jobRun: JobRunIds }> {
  const config = motoClientConfig(server);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const glue = new GlueClient(config);
  const dynamodb = new DynamoDBClient(config);
  const emr = new EMRServerlessClient(config);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: config.region as any } }));
    const [, key] = /^s3:\/\/[^/]+\/(.+)$/.exec(METADATA_LOCATION)!;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: METADATA_JSON }));
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: DATABASE } }));
    await glue.send(new CreateGlueTableCommand({
      DatabaseName: DATABASE,
      TableInput: { Name: TABLE, TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG', metadata_location: METADATA_LOCATION } },
    }));
    const source = await dynamodb.send(new CreateTableCommand({
      TableName: 'orders',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await dynamodb.send(new UpdateContinuousBackupsCommand({
      TableName: 'orders', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }));
    const application = await emr.send(new CreateApplicationCommand({ name: 'orders-mirror', releaseLabel: 'emr-7.12.0', type: 'SPARK' }));
    const job = await emr.send(new StartJobRunCommand({
      applicationId: application.applicationId!,
      executionRoleArn: 'arn:aws:iam::123456789012:role/job',
      clientToken: 'operator-test',
      jobDriver: { sparkSubmit: { entryPoint: `s3://${BUCKET}/spark/entry.py` } },
      configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: `s3://${BUCKET}/emr-logs/` } } },
    }));
    return {
      sourceTableArn: source.TableDescription!.TableArn!,
      jobRun: { applicationId: job.applicationId!, jobRunId: job.jobRunId!, arn: job.arn! },
    };
  } finally {
    [s3, glue, dynamodb, emr].forEach((client) => client.destroy());
  }
}

/** A state machine in moto with the given definition; its ARN. */
export async function createStateMachine(server: MotoServer, name: string, definition: object): Promise<string> {
  const sfn = new SFNClient(motoClientConfig(server));
  try {
    const created = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }));
    return created.stateMachineArn!;
  } finally {
    sfn.destroy();
  }
}
