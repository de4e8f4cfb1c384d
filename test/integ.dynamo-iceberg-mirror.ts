/**
 * Integration test on a real account (integ-runner, integ-tests-alpha): deploy the mirror of a small
 * table, write items, run the mirror, and count the rows of the Iceberg table through Athena.
 *
 * Without credentials the test suite only compares the synthesized templates with the committed snapshot
 * (test/integ/snapshot.test.ts); `npx projen integ:snapshot` rewrites it. `npx projen integ:deploy` runs
 * it for real: see "Running on AWS" in the README. Every check waits (`waitForAssertions`), so a failed
 * check fails the deployment.
 */
import { ExpectedResult, IApiCall, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoIcebergMirror } from '../src';

/** The items the test writes, in DynamoDB JSON; the Iceberg table must end with exactly this many rows. */
const ITEMS = [
  { customerId: { S: 'c-1' }, orderNo: { N: '1' }, status: { S: 'NEW' }, total: { N: '12.5' } },
  { customerId: { S: 'c-1' }, orderNo: { N: '2' }, status: { S: 'SHIPPED' }, gift: { BOOL: true } },
  { customerId: { S: 'c-2' }, orderNo: { N: '1' }, lines: { L: [{ M: { sku: { S: 'A-7' }, qty: { N: '3' } } }] } },
];

/**
 * How long to wait after the writes before starting the mirror. Whatever the mirror has done by then
 * (the schedule may have bootstrapped it at deploy time, or not), the run it plans must cover the writes:
 * - no Iceberg table yet: the bootstrap's ExportTime is now minus 5 minutes (at most DynamoDB's latest
 *   restorable time, itself about 5 minutes behind), so it must start at least 5 minutes after the writes;
 * - a table whose watermark W is before the writes (a bootstrap at deploy time): the run applies the
 *   window [W, now - 5 min) only when it is at least 15 minutes long, so it must start at least 20
 *   minutes after W, hence after the writes.
 * 25 minutes covers both, with 5 minutes to spare for a latest restorable time that lags more.
 */
const PAUSE_AFTER_WRITES = Duration.minutes(25);

/** Each wait is one custom resource: CloudFormation gives up on it after an hour. */
const LONG_WAIT = { totalTimeout: Duration.minutes(50), interval: Duration.minutes(1) };
const SHORT_WAIT = { totalTimeout: Duration.minutes(5), interval: Duration.seconds(10) };

const app = new App();
const stack = new Stack(app, 'DynamoIcebergMirrorInteg');

const table = new dynamodb.TableV2(stack, 'Orders', {
  partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'orderNo', type: dynamodb.AttributeType.NUMBER },
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  removalPolicy: RemovalPolicy.DESTROY,
});

const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', {
  table,
  scheduleInterval: Duration.minutes(15),
  removalPolicy: RemovalPolicy.DESTROY,
});

// Athena needs a result location: a workgroup of its own, removed with the stack.
const athenaResults = new s3.Bucket(stack, 'AthenaResults', {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});
const workGroup = new athena.CfnWorkGroup(stack, 'Queries', {
  name: Names.uniqueResourceName(stack, { maxLength: 128, separator: '-' }),
  recursiveDeleteOption: true,
  workGroupConfiguration: {
    enforceWorkGroupConfiguration: true,
    engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
    resultConfiguration: { outputLocation: athenaResults.s3UrlForObject('results/') },
  },
});

// integ-tests-alpha has no sleep: a one-state machine waits for the test.
const pause = new sfn.StateMachine(stack, 'PauseAfterWrites', {
  definitionBody: sfn.DefinitionBody.fromChainable(
    new sfn.Wait(stack, 'Let the PITR window pass the writes', { time: sfn.WaitTime.duration(PAUSE_AFTER_WRITES) })),
});

const integ = new IntegTest(app, 'DynamoIcebergMirrorIntegTest', {
  testCases: [stack],
  // The snapshot keeps the templates only (no asset folders: the Spark job and bundles are large), so
  // there is no previous version to deploy first. Asset hashes are left out of the comparison (diffAssets
  // is false by default): a change to the Spark job or the Lambda passes, a change to a template fails.
  stackUpdateWorkflow: false,
});
const assertions = integ.assertions;

/** Succeeds once the execution started by `start` has SUCCEEDED. */
function executionSucceeded(start: IApiCall): IApiCall {
  return assertions.awsApiCall('SFN', 'describeExecution', { executionArn: start.getAttString('executionArn') })
    .expect(ExpectedResult.objectLike({ status: 'SUCCEEDED' }))
    .waitForAssertions(LONG_WAIT);
}

/** Succeeds once no execution of the mirror runs: a scheduled run may be on its way. */
function mirrorIdle(): IApiCall {
  return assertions.awsApiCall('SFN', 'listExecutions', {
    stateMachineArn: mirror.stateMachine.stateMachineArn,
    statusFilter: 'RUNNING',
  }).expect(ExpectedResult.objectLike({ executions: [] })).waitForAssertions(LONG_WAIT);
}

const writes = ITEMS.map((item) => assertions.awsApiCall('DynamoDB', 'putItem', { TableName: table.tableName, Item: item }));
const startPause = assertions.awsApiCall('SFN', 'startExecution', { stateMachineArn: pause.stateMachineArn });
const startMirror = assertions.awsApiCall('SFN', 'startExecution', {
  stateMachineArn: mirror.stateMachine.stateMachineArn,
  input: JSON.stringify({ mode: 'MIRROR' }),
});
const startQuery = assertions.awsApiCall('Athena', 'startQueryExecution', {
  QueryString: `SELECT count(*) AS items FROM "${mirror.databaseName}"."${mirror.tableName}"`,
  WorkGroup: workGroup.name,
});
const queryResults = assertions.awsApiCall('Athena', 'getQueryResults', {
  QueryExecutionId: startQuery.getAttString('QueryExecutionId'),
}).expect(ExpectedResult.objectLike({
  ResultSet: { Rows: [{ Data: [{ VarCharValue: 'items' }] }, { Data: [{ VarCharValue: String(ITEMS.length) }] }] },
})).waitForAssertions(SHORT_WAIT); // a waiter that times out fails the deployment; a bare expect would not

// Athena reads the Glue catalog and the Iceberg files with the caller's permissions, and writes the results.
for (const call of [startQuery, queryResults]) {
  call.provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
    Resource: ['*'],
  });
  call.provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:PutObject', 's3:AbortMultipartUpload'],
    Resource: [mirror.bucket.bucketArn, mirror.bucket.arnForObjects('*'), athenaResults.bucketArn, athenaResults.arnForObjects('*')],
  });
}

// One chain: writes, pause, the mirror run, then the query. The mirror's own schedule keeps running
// meanwhile: start only when no run is on, and query only when none is (if the schedule started one in
// the same instant, ours ends at once as "Another execution is running" and that one does the work).
[
  ...writes,
  startPause,
  executionSucceeded(startPause),
  mirrorIdle(),
  startMirror,
  executionSucceeded(startMirror),
  mirrorIdle(),
  startQuery,
  assertions.awsApiCall('Athena', 'getQueryExecution', { QueryExecutionId: startQuery.getAttString('QueryExecutionId') })
    .expect(ExpectedResult.objectLike({ QueryExecution: { Status: { State: 'SUCCEEDED' } } }))
    .waitForAssertions(SHORT_WAIT),
  queryResults,
].reduce((previous, next) => previous.next(next));

app.synth();
