import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SparkEngine } from '../engine/spark-engine';
import { MirrorPlanFunction } from '../mirror-plan-function';
import { LEASE_HOLDER_ATTRIBUTE, LEASE_KEY, LEASE_KEY_ATTRIBUTE } from './lease-item';
import { PlanConfig } from './plan';
import { planChoice } from './plan-routes';
import { FRESHNESS_DIMENSION, FRESHNESS_NAMESPACE } from '../monitoring/freshness';
import { grantPublishMirrorMetrics } from '../monitoring/metric-publishing';
import { VERIFICATION_DIFFERENCES_METRIC, VERIFICATION_KIND_METRICS } from '../monitoring/verification';
import { JOB_OPTIONS, REPORT_COUNTS } from '../private/job-contract';
import { MirrorStorage } from '../storage/mirror-storage';

/** Settings of the workflow. */
export interface MirrorWorkflowProps {
  readonly table: dynamodb.ITable;
  readonly storage: MirrorStorage;
  readonly engine: SparkEngine;
  readonly plan: PlanConfig;
  readonly removalPolicy: RemovalPolicy;
  /** How long to wait between two DescribeExport calls. */
  readonly exportPollInterval?: Duration;
}

/** How many times one window's export is started again after it FAILED (each with a new token). */
const EXPORT_ATTEMPTS = 3;

/**
 * Transient errors that ExportTableToPointInTime and DescribeExport both declare, after which calling
 * again with the same ClientToken is safe. Step Functions names an SDK error `<Service>.<Name>` with
 * an `Exception` suffix even where the model's name has none (`InternalServerError`).
 */
const RETRYABLE_EXPORT_ERRORS = ['DynamoDb.LimitExceededException', 'DynamoDb.InternalServerErrorException'];

/** An execution ends after this, whatever state it is in; a lease holder older than this has ended. */
const RUN_TIMEOUT = Duration.hours(24);

/**
 * One Spark job run is cancelled by EMR Serverless after this: two attempts (one retry) plus the exports
 * fit in RUN_TIMEOUT, so a hung job fails the execution instead of holding the lease for a day.
 */
const JOB_TIMEOUT = Duration.hours(8);

/** A maintenance or verification run that finds another run holding the lease asks again this often, this many times. */
const MAINTENANCE_LEASE_POLL = Duration.minutes(10);
const MAINTENANCE_LEASE_WAITS = 12;

/**
 * The state machine that drives the mirror, its plan Lambda and its log group.
 *
 * Input `{"mode": "MIRROR"}` (the default) exports and applies; `{"mode": "MAINTAIN"}` runs table
 * maintenance; `{"mode": "VERIFY"}` compares the table with a full export at its watermark and publishes
 * the differences as metrics. All take the same run lease to act on the table (a verification only for
 * its Spark job, not its export), so nothing else overlaps a merge.
 */
export class MirrorWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly planFunction: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  /** One item: the execution that may act on the Iceberg table now. */
  public readonly leaseTable: dynamodb.Table;
  private readonly props: MirrorWorkflowProps;

  constructor(scope: Construct, id: string, props: MirrorWorkflowProps) {
    super(scope, id);
    this.props = props;
    const { storage, table } = props;
    const stack = Stack.of(this);

    this.leaseTable = new dynamodb.Table(this, 'RunLease', {
      partitionKey: { name: LEASE_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // It holds one execution ARN and a start time, never table data: the AWS-owned key is enough.
      encryption: dynamodb.TableEncryption.DEFAULT,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A lease means nothing once the mirror is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.planFunction = new MirrorPlanFunction(this, 'PlanFunction', {
      description: 'dynamo-iceberg-mirror: takes the run lease, reads the watermark and plans the export windows',
      timeout: Duration.minutes(1),
      memorySize: 256,
      logGroup: new logs.LogGroup(this, 'PlanLogs', {
        retention: logs.RetentionDays.THREE_MONTHS,
        removalPolicy: props.removalPolicy,
      }),
    });
    Validations.of(this.planFunction.role!).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the plan function create and write its own CloudWatch log streams.',
    });
    this.leaseTable.grant(this.planFunction, 'dynamodb:PutItem', 'dynamodb:GetItem');
    storage.grantReadTableMetadata(this.planFunction);
    this.planFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['dynamodb:DescribeContinuousBackups'],
      resources: [table.tableArn],
    }));
    storage.grantDecrypt(this.planFunction);

    // A fixed name makes the executions' ARNs known before the state machine exists: the plan function
    // may then describe the lease holder's execution without a dependency cycle.
    const stateMachineName = Names.uniqueResourceName(this, { maxLength: 80, separator: '-' });
    this.planFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['states:DescribeExecution'],
      resources: [stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));

    // Under /aws/vendedlogs/ Step Functions' log delivery needs no resource policy entry per log group
    // (CloudWatch Logs caps an account's resource policies at 5,120 characters).
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.removalPolicy,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      comment: 'dynamo-iceberg-mirror: DynamoDB point-in-time exports folded into an Iceberg table by Spark on EMR Serverless',
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition()),
      timeout: RUN_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    // The job creates the Iceberg table in the database: never run before the database exists.
    this.stateMachine.node.addDependency(storage.database);
    this.grantWorkflowPermissions();
  }

  /** The payload of the plan Lambda: static settings of this mirror, and the mode (the run's, unless given). */
  private planPayload(mode?: string): Record<string, unknown> {
    const { storage, plan } = this.props;
    return {
      ...(mode ? { mode } : { 'mode.$': '$.mode' }),
      'now.$': '$$.Execution.StartTime',
      'execution.$': '$$.Execution.Id',
      'config': {
        ...plan,
        glueDatabase: storage.databaseName,
        glueTable: storage.tableName,
        mirrorName: `${storage.databaseName}.${storage.tableName}`,
        leaseTable: this.leaseTable.tableName,
        runTimeoutSeconds: RUN_TIMEOUT.toSeconds(),
      },
    };
  }

  private definition(): sfn.IChainable {
    const mirrorMode = new sfn.Pass(this, 'Mirror run', {
      comment: 'Keeps nothing of the input but the mode.',
      result: sfn.Result.fromObject({ mode: 'MIRROR', applyArguments: this.props.engine.applyArguments(), leaseWaits: { count: 0 } }),
    });
    const maintainMode = new sfn.Pass(this, 'Maintenance run', {
      result: sfn.Result.fromObject({ mode: 'MAINTAIN', leaseWaits: { count: 0 } }),
    });
    const verifyMode = new sfn.Pass(this, 'Verification run', {
      result: sfn.Result.fromObject({ mode: 'VERIFY', verifyArguments: this.props.engine.verifyArguments(), leaseWaits: { count: 0 } }),
    });

    // Everything after the lease runs in one branch, so that every way out of it, success or failure,
    // passes the release of the lease.
    const run = new sfn.Parallel(this, 'Run', {
      comment: 'Plans (taking the run lease), exports and applies, maintains or verifies; the lease is released after it, whatever happened.',
      outputPath: '$[0]',
    });
    run.branch(this.planAndAct());

    const done = new sfn.Succeed(this, 'Done');
    const failed = new sfn.Fail(this, 'Run failed', {
      comment: 'The error of the state that failed, passed on after the lease was released.',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    run.addCatch(this.releaseLease('Release the run lease after a failure', failed), { errors: ['States.ALL'], resultPath: '$.error' });
    run.next(this.releaseLease('Release the run lease', done));

    mirrorMode.next(run);
    maintainMode.next(run);
    verifyMode.next(this.verificationExport(run));
    const modeIs = (mode: string) => sfn.Condition.and(sfn.Condition.isPresent('$.mode'), sfn.Condition.stringEquals('$.mode', mode));
    return new sfn.Choice(this, 'Which run?')
      .when(modeIs('MAINTAIN'), maintainMode)
      .when(modeIs('VERIFY'), verifyMode)
      .otherwise(mirrorMode);
  }

  /**
   * Deletes the lease item if this execution holds it: a conditional delete, so a run that never got
   * the lease (or lost it after it ended) leaves the holder's lease alone.
   */
  private releaseLease(name: string, next: sfn.IChainable): sfn.IChainable {
    const release = new tasks.CallAwsService(this, name, {
      service: 'dynamodb',
      action: 'deleteItem',
      parameters: {
        TableName: this.leaseTable.tableName,
        Key: { [LEASE_KEY_ATTRIBUTE]: { S: LEASE_KEY } },
        ConditionExpression: '#holder = :me',
        ExpressionAttributeNames: { '#holder': LEASE_HOLDER_ATTRIBUTE },
        ExpressionAttributeValues: { ':me': { 'S.$': '$$.Execution.Id' } },
      },
      iamResources: [this.leaseTable.tableArn],
      iamAction: 'dynamodb:DeleteItem',
      resultPath: sfn.JsonPath.DISCARD,
    });
    release.addRetry({
      errors: ['DynamoDb.InternalServerErrorException', 'DynamoDb.ProvisionedThroughputExceededException', 'DynamoDb.RequestLimitExceededException'],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
    });
    release.addCatch(next, { errors: ['DynamoDb.ConditionalCheckFailedException'], resultPath: sfn.JsonPath.DISCARD });
    return release.next(next);
  }

  /** Plan, then do what the plan says. */
  private planAndAct(): sfn.IChainable {
    const plan = new tasks.LambdaInvoke(this, 'Plan', {
      comment: 'Takes the run lease, then plans; without the lease the plan is ANOTHER_RUN.',
      lambdaFunction: this.planFunction,
      payload: sfn.TaskInput.fromObject(this.planPayload()),
      payloadResponseOnly: true,
      resultPath: '$.plan',
    });
    plan.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(10), maxAttempts: 3, backoffRate: 2 });

    // Spark job runs.
    const applyJob = this.sparkJob('Apply exports (Spark)', 'apply', '$.job.parts[*][*]');
    const maintainJob = this.sparkJob('Maintain table (Spark)', 'maintain', undefined);
    const mirrored = new sfn.Succeed(this, 'Mirrored', { comment: 'The Spark job committed the window(s) and the new watermark.' });
    const maintained = new sfn.Succeed(this, 'Maintained');
    const jobArguments = new sfn.Pass(this, 'Job arguments', {
      comment: 'The apply arguments followed by the export folders, flattened by the job state.',
      parameters: { 'parts.$': 'States.Array($.applyArguments, $.exports.folders)' },
      resultPath: '$.job',
    });

    const applyChain = jobArguments.next(applyJob).next(mirrored);

    // Full export (bootstrap and re-bootstrap).
    const fullExportFolder = new sfn.Pass(this, 'Full export folder', {
      parameters: { 'folders.$': `States.Array(${this.folderOf('$.export.started.arn')})` },
      resultPath: '$.exports',
    });
    const fullExport = this.fullExportLoop('Full export', fullExportFolder.next(applyChain));

    // Incremental exports, one per window, in parallel; the Spark run applies them in window order.
    const windowFolder = new sfn.Pass(this, 'Window export folder', {
      parameters: { 'folder.$': this.folderOf('$.export.started.arn') },
      outputPath: '$.folder',
    });
    const windowExport = this.exportLoop('Window export', windowFolder, {
      prepare: {
        'token.$': '$.window.clientToken',
        'attempt': 1,
      },
      startParameters: {
        ExportType: 'INCREMENTAL_EXPORT',
        IncrementalExportSpecification: {
          'ExportFromTime.$': '$.window.from',
          'ExportToTime.$': '$.window.to',
          'ExportViewType': this.props.plan.exportViewType,
        },
      },
    });
    const exportWindows = new sfn.Map(this, 'Export windows', {
      comment: 'Map results keep the order of $.plan.windows.',
      itemsPath: '$.plan.windows',
      itemSelector: { 'window.$': '$$.Map.Item.Value' },
      maxConcurrency: 4,
      resultSelector: { 'folders.$': '$' },
      resultPath: '$.exports',
    });
    exportWindows.itemProcessor(windowExport);

    // Another execution holds the lease: a mirror run leaves it to that one (the next scheduled run
    // catches up); a maintenance or verification run waits for it, and fails visibly if it never gets its turn.
    const leaseWait = new sfn.Wait(this, 'Wait for the run lease', { time: sfn.WaitTime.duration(MAINTENANCE_LEASE_POLL) });
    const countWait = new sfn.Pass(this, 'Count the lease waits', {
      parameters: { 'count.$': 'States.MathAdd($.leaseWaits.count, 1)' },
      resultPath: '$.leaseWaits',
    });
    const waits = sfn.Condition.or(sfn.Condition.stringEquals('$.mode', 'MAINTAIN'), sfn.Condition.stringEquals('$.mode', 'VERIFY'));
    const anotherRun = new sfn.Choice(this, 'Wait for the other run?')
      .when(sfn.Condition.and(
        waits,
        sfn.Condition.numberLessThan('$.leaseWaits.count', MAINTENANCE_LEASE_WAITS),
      ), leaseWait.next(countWait).next(plan))
      .when(sfn.Condition.stringEquals('$.mode', 'MAINTAIN'),
        new sfn.Fail(this, 'Maintenance could not run', {
          comment: `Another run held the lease through ${MAINTENANCE_LEASE_WAITS} waits.`,
          error: 'MaintenanceNotRun',
          causePath: '$.plan.reason',
        }))
      .when(sfn.Condition.stringEquals('$.mode', 'VERIFY'),
        new sfn.Fail(this, 'Verification could not run', {
          comment: `Another run held the lease through ${MAINTENANCE_LEASE_WAITS} waits.`,
          error: 'VerificationNotRun',
          causePath: '$.plan.reason',
        }))
      .otherwise(new sfn.Succeed(this, 'Another execution is running', {
        comment: 'Never two runs on one table at once: this execution leaves it to the one holding the lease.',
      }));

    const unknownPlan = new sfn.Fail(this, 'Unknown plan', { error: 'UnknownPlan', causePath: '$.plan.reason' });
    const route = planChoice(this, 'What does the plan say?', {
      ANOTHER_RUN: anotherRun,
      BOOTSTRAP: fullExport,
      REBOOTSTRAP: fullExport,
      APPLY: exportWindows.next(applyChain),
      UP_TO_DATE: new sfn.Succeed(this, 'Up to date', { comment: 'The next window is shorter than the minimum.' }),
      WAITING_FOR_PITR: new sfn.Succeed(this, 'Waiting for point-in-time recovery', { comment: 'Nothing is restorable yet; a later run bootstraps.' }),
      MAINTAIN: maintainJob.next(maintained),
      NOTHING_TO_MAINTAIN: new sfn.Succeed(this, 'Nothing to maintain'),
      VERIFY: this.verification(),
      NOTHING_TO_VERIFY: new sfn.Succeed(this, 'Nothing to verify any more', { comment: 'The table was dropped after the export.' }),
      WAIT_FOR_REBOOTSTRAP: new sfn.Fail(this, 'Watermark outside the PITR window', { error: 'WatermarkOutsidePitrWindow', causePath: '$.plan.reason' }),
      PITR_DISABLED: new sfn.Fail(this, 'Point-in-time recovery disabled', { error: 'PointInTimeRecoveryDisabled', causePath: '$.plan.reason' }),
      TABLE_MISMATCH: new sfn.Fail(this, 'Table mirrors another source', { error: 'TableMismatch', causePath: '$.plan.reason' }),
      // Planned only for a verification's export, which has a choice of its own.
      CANNOT_VERIFY: unknownPlan,
    }, unknownPlan);

    return plan.next(route);
  }

  /**
   * The first half of a verification, before the run lease: the full export at the table's watermark,
   * planned from reads only. A full export can take longer than a mirror run; made outside the lease,
   * it delays no mirror run, and the job reaches the snapshot at that watermark by time travel even when
   * a mirror run has moved the watermark since.
   */
  private verificationExport(run: sfn.IChainable): sfn.IChainable {
    const { storage } = this.props;
    const plan = new tasks.LambdaInvoke(this, 'Plan the verification export', {
      comment: 'Reads the watermark and the PITR window; takes no lease.',
      lambdaFunction: this.planFunction,
      payload: sfn.TaskInput.fromObject(this.planPayload('VERIFY_EXPORT')),
      payloadResponseOnly: true,
      resultPath: '$.plan',
    });
    plan.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(10), maxAttempts: 3, backoffRate: 2 });
    const locations = new sfn.Pass(this, 'Verification export folder', {
      comment: 'The export folder and the report, named after the execution.',
      parameters: {
        'exportTime.$': '$.plan.fullExport.exportTime',
        'folder.$': this.folderOf('$.export.started.arn'),
        'reportKey.$': `States.Format('${storage.verificationPrefix}/{}.json', $$.Execution.Name)`,
        'reportUri.$': `States.Format('s3://${storage.bucket.bucketName}/${storage.verificationPrefix}/{}.json', $$.Execution.Name)`,
      },
      resultPath: '$.verification',
    });
    const fullExport = this.fullExportLoop('Verification export', locations.next(run));
    const notPossible = new sfn.Fail(this, 'Verification not possible', {
      comment: 'The watermark is outside the PITR window, PITR is off, or the table mirrors another source.',
      error: 'VerificationNotPossible',
      causePath: '$.plan.reason',
    });
    // A verification's export plan is one of its first five actions; the others are never planned for it.
    return plan.next(planChoice(this, 'Can the table be verified?', {
      VERIFY: fullExport,
      NOTHING_TO_VERIFY: new sfn.Succeed(this, 'Nothing to verify', { comment: 'The table has no watermark yet.' }),
      CANNOT_VERIFY: notPossible,
      PITR_DISABLED: notPossible,
      TABLE_MISMATCH: notPossible,
      BOOTSTRAP: notPossible,
      REBOOTSTRAP: notPossible,
      APPLY: notPossible,
      UP_TO_DATE: notPossible,
      WAITING_FOR_PITR: notPossible,
      MAINTAIN: notPossible,
      NOTHING_TO_MAINTAIN: notPossible,
      WAIT_FOR_REBOOTSTRAP: notPossible,
      ANOTHER_RUN: notPossible,
    }, notPossible));
  }

  /**
   * The second half of a verification, holding the run lease: the job's `verify` of the export against
   * the table with its report in the bucket, then the report's counts as metrics. The job exits 0 on a
   * difference (`--exit-zero-when-different`): a difference is the verification alarm's business, while
   * a failed job (a refusal, exit 2) fails the run like any broken run.
   */
  private verification(): sfn.IChainable {
    const { storage } = this.props;
    const jobArguments = new sfn.Pass(this, 'Verification job arguments', {
      comment: 'The verify arguments, then the report and the export folder, flattened by the job state.',
      parameters: { 'parts.$': `States.Array($.verifyArguments, States.Array('${JOB_OPTIONS.report}', $.verification.reportUri, $.verification.folder))` },
      resultPath: '$.job',
    });
    const verifyJob = this.sparkJob('Verify table (Spark)', 'verify', '$.job.parts[*][*]');
    const readReport = new tasks.CallAwsService(this, 'Read the verification report', {
      service: 's3',
      action: 'getObject',
      parameters: { 'Bucket': storage.bucket.bucketName, 'Key.$': '$.verification.reportKey' },
      iamResources: [storage.objectsArn(storage.verificationPrefix)],
      iamAction: 's3:GetObject',
      // The report is small JSON (counts and at most 10 keys of each kind), well within a state's payload.
      resultSelector: { 'report.$': 'States.StringToJson($.Body)' },
      resultPath: '$.verification.read',
    });
    readReport.addRetry({ errors: ['S3.S3Exception'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });

    const dimensions = [{ Name: FRESHNESS_DIMENSION, Value: `${storage.databaseName}.${storage.tableName}` }];
    const count = (field: string) => `$.verification.read.report.${field}`;
    const metrics = new sfn.CustomState(this, 'Publish the verification metrics', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Stack.of(this).partition}:states:::aws-sdk:cloudwatch:putMetricData`,
        Parameters: {
          Namespace: FRESHNESS_NAMESPACE,
          MetricData: [
            {
              'MetricName': VERIFICATION_DIFFERENCES_METRIC,
              'Dimensions': dimensions,
              'Unit': 'Count',
              'Value.$': `States.MathAdd(States.MathAdd(${count(REPORT_COUNTS.missing)}, ${count(REPORT_COUNTS.extra)}), ${count(REPORT_COUNTS.different)})`,
            },
            ...VERIFICATION_KIND_METRICS.map(([field, name]) => ({
              'MetricName': name,
              'Dimensions': dimensions,
              'Unit': 'Count',
              'Value.$': count(field),
            })),
          ],
        },
        ResultPath: null,
      },
    });
    metrics.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });

    const verified = new sfn.Succeed(this, 'Verified', { comment: 'The counts are published; the verification alarm watches their sum.' });
    return jobArguments.next(verifyJob).next(readReport).next(metrics).next(verified);
  }

  /** The export loop of the full export the plan gives (`$.plan.fullExport`): bootstrap or verification. */
  private fullExportLoop(name: string, next: sfn.IChainable): sfn.IChainable {
    return this.exportLoop(name, next, {
      prepare: {
        'token.$': '$.plan.fullExport.clientToken',
        'attempt': 1,
      },
      startParameters: {
        'ExportType': 'FULL_EXPORT',
        'ExportTime.$': '$.plan.fullExport.exportTime',
      },
    });
  }

  /** The intrinsic expression of an export's folder: `s3://bucket/prefix/AWSDynamoDB/<ExportId>/`. */
  private folderOf(arnPath: string): string {
    const { storage } = this.props;
    return `States.Format('s3://${storage.bucket.bucketName}/${storage.exportPrefix}/AWSDynamoDB/{}/', `
      + `States.ArrayGetItem(States.StringSplit(${arnPath}, '/'), 3))`;
  }

  /**
   * Start an export, poll it until COMPLETED; a FAILED export is started again with the next
   * attempt number in its ClientToken (a token names one export for 8 hours, failed or not), at most
   * EXPORT_ATTEMPTS times. API errors are retried with the same token: never a second export.
   */
  private exportLoop(name: string, next: sfn.IChainable, options: {
    prepare: Record<string, unknown>;
    startParameters: Record<string, unknown>;
  }): sfn.IChainable {
    const { storage, table } = this.props;
    const prepare = new sfn.Pass(this, `${name}: prepare`, {
      parameters: options.prepare,
      resultPath: '$.export',
    });
    const encryption: Record<string, unknown> = storage.encryptionKey
      ? { S3SseAlgorithm: 'KMS', S3SseKmsKeyId: storage.encryptionKey.keyArn }
      : { S3SseAlgorithm: 'AES256' };
    const start = new tasks.CallAwsService(this, `${name}: start`, {
      service: 'dynamodb',
      action: 'exportTableToPointInTime',
      parameters: {
        'TableArn': table.tableArn,
        'S3Bucket': storage.bucket.bucketName,
        'S3Prefix': storage.exportPrefix,
        'ExportFormat': 'DYNAMODB_JSON',
        'ClientToken.$': "States.Format('{}-{}', $.export.token, $.export.attempt)",
        ...encryption,
        ...options.startParameters,
      },
      iamResources: [table.tableArn],
      iamAction: 'dynamodb:ExportTableToPointInTime',
      resultSelector: { 'arn.$': '$.ExportDescription.ExportArn' },
      resultPath: '$.export.started',
    });
    start.addRetry({ errors: RETRYABLE_EXPORT_ERRORS, interval: Duration.seconds(30), maxAttempts: 5, backoffRate: 2 });
    start.addCatch(new sfn.Fail(this, `${name}: cannot start`, {
      error: 'ExportNotStarted',
      causePath: '$.error.Cause',
    }), { errors: ['DynamoDb.PointInTimeRecoveryUnavailableException', 'DynamoDb.InvalidExportTimeException', 'DynamoDb.TableNotFoundException'], resultPath: '$.error' });

    const wait = new sfn.Wait(this, `${name}: wait`, {
      time: sfn.WaitTime.duration(this.props.exportPollInterval ?? Duration.minutes(2)),
    });
    const describe = new tasks.CallAwsService(this, `${name}: describe`, {
      service: 'dynamodb',
      action: 'describeExport',
      parameters: { 'ExportArn.$': '$.export.started.arn' },
      iamResources: [`${table.tableArn}/export/*`],
      iamAction: 'dynamodb:DescribeExport',
      resultSelector: { 'status.$': '$.ExportDescription.ExportStatus' },
      resultPath: '$.export.described',
    });
    describe.addRetry({ errors: RETRYABLE_EXPORT_ERRORS, interval: Duration.seconds(10), maxAttempts: 5, backoffRate: 2 });

    const again = new sfn.Pass(this, `${name}: next attempt`, {
      parameters: {
        'token.$': '$.export.token',
        'attempt.$': 'States.MathAdd($.export.attempt, 1)',
      },
      resultPath: '$.export',
    });
    const failed = new sfn.Fail(this, `${name}: failed`, {
      error: 'ExportFailed',
      cause: `The export FAILED ${EXPORT_ATTEMPTS} times; the watermark is unchanged.`,
    });
    prepare.next(start).next(wait).next(describe).next(new sfn.Choice(this, `${name}: done?`)
      .when(sfn.Condition.stringEquals('$.export.described.status', 'COMPLETED'), next)
      .when(sfn.Condition.stringEquals('$.export.described.status', 'FAILED'),
        new sfn.Choice(this, `${name}: attempts left?`)
          .when(sfn.Condition.numberLessThan('$.export.attempt', EXPORT_ATTEMPTS), again.next(start))
          .otherwise(failed))
      .otherwise(wait));
    return prepare;
  }

  /** An EMR Serverless job run of the Spark job, waited for (`.sync`). */
  private sparkJob(name: string, kind: 'apply' | 'maintain' | 'verify', argumentsPath: string | undefined): sfn.CustomState {
    const { storage, engine } = this.props;
    const args: Record<string, unknown> = argumentsPath
      ? { 'EntryPointArguments.$': argumentsPath }
      : { EntryPointArguments: engine.maintainArguments() };
    const job = new sfn.CustomState(this, name, {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Stack.of(this).partition}:states:::emr-serverless:startJobRun.sync`,
        Parameters: {
          'ApplicationId': engine.application.attrApplicationId,
          'ExecutionRoleArn': engine.jobRole.roleArn,
          'Name.$': `States.Format('{}-${kind}', $$.Execution.Name)`,
          'ClientToken.$': 'States.UUID()',
          'ExecutionTimeoutMinutes': JOB_TIMEOUT.toMinutes(),
          'JobDriver': {
            SparkSubmit: {
              EntryPoint: engine.entryPoint.s3ObjectUrl,
              ...args,
              SparkSubmitParameters: engine.sparkSubmitParameters,
            },
          },
          'ConfigurationOverrides': {
            MonitoringConfiguration: {
              S3MonitoringConfiguration: {
                LogUri: storage.logUri,
                ...(storage.encryptionKey ? { EncryptionKeyArn: storage.encryptionKey.keyArn } : {}),
              },
            },
          },
        },
        // Nothing of the task's output is read: .sync ends the state when the job run ends (a failed
        // run fails the state), and the output is in the execution history for operators.
        ResultPath: null,
      },
    });
    // A job that failed is tried once more (the apply is idempotent); then the execution fails and
    // the next scheduled run starts again from the unchanged watermark.
    job.addRetry({ errors: ['States.TaskFailed'], interval: Duration.minutes(2), maxAttempts: 1, backoffRate: 2 });
    return job;
  }

  /**
   * IAM of the state machine's custom states, asked of the parts that own the resources (documented by
   * Step Functions and DynamoDB). The calls keep the order of the role's statements.
   */
  private grantWorkflowPermissions(): void {
    const { storage, engine } = this.props;
    const role = this.stateMachine.role;
    engine.grantStartJobRun(role);
    // The rule Step Functions manages for its EMR Serverless .sync integration: the workflow's own.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SyncEventsRule',
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForEMRServerlessJobRule' })],
    }));
    storage.grantExportWrites(role);
    grantPublishMirrorMetrics(role);
    // Exports are written, and the verification report read, with the mirror's key.
    storage.grantEncryptDecrypt(role);
  }
}
