/**
 * The synthesized state machine definition, executed by a real local Step Functions interpreter
 * (aws-local-stepfunctions), with every AWS call answered by an in-memory fake of DynamoDB exports,
 * the Iceberg table's watermark and the Spark job. The plan state runs the real plan handler.
 */
import { DescribeContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { Template } from 'aws-cdk-lib/assertions';
import { RebootstrapPolicy } from '../../src';
import { makePlanHandler, PlanClients, PlanEvent, TABLE_ARN_PROPERTY, WATERMARK_PROPERTY } from '../../src/mirror-plan.lambda';
import { exportClientToken } from '../../src/workflow/plan';
import { taskErrorName } from '../contract/aws-models';
import { AnswerChecker } from '../contract/checked-fakes';
import { FakeLeaseTable } from '../fakes/lease-table';
import { definitionOf, mirrorStack } from '../helpers';
import { JsonValue, StateMachine, withoutDelays } from '../local-stepfunctions';

const NOW = '2026-01-15T12:00:00.000Z';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-north-1:123456789012:stateMachine:mirror';
const executionArn = (name: string) => `arn:aws:states:eu-north-1:123456789012:execution:mirror:${name}`;
/** An execution of the same state machine that is not the one under test. */
const OTHER_EXECUTION = executionArn('other');

interface FakeExport {
  readonly arn: string;
  readonly id: string;
  readonly token: string;
  readonly params: any;
  readonly outcome: 'COMPLETED' | 'FAILED';
  polls: number;
}

/** DynamoDB, Glue/S3 (the Iceberg table's properties) and EMR Serverless, in memory. */
class FakeAws {
  /** The run lease table. */
  public readonly lease = new FakeLeaseTable();
  /** Status of executions as DescribeExecution reports them; unknown executions do not exist (yet). */
  public executionStatus: Record<string, string> = {};
  /** Every answer below, checked against AWS's models. */
  public readonly checker = new AnswerChecker();
  /** Resolves when a Spark run may end; lets a test hold one execution inside its job. */
  public sparkGate: Promise<void> = Promise.resolve();
  /** The Iceberg table: undefined until the first successful bootstrap. */
  public table?: Record<string, string>;
  public pitr = { enabled: true, earliest: new Date('2026-01-01T00:00:00Z'), latest: new Date('2026-01-15T11:59:00Z') };
  /** Outcomes of the next exports started, in order; COMPLETED when empty. */
  public exportOutcomes: Array<'COMPLETED' | 'FAILED'> = [];
  /** Errors the next export start calls throw, in order. */
  public startErrors: string[] = [];
  /** How many Spark runs fail before one succeeds. */
  public sparkFailures = 0;
  /** The counts the verify job reports. */
  public verifyCounts = { missing: 0, extra: 0, different: 0 };
  /** Objects the Spark job wrote (the verification reports), by S3 URI. */
  public readonly objects: Record<string, string> = {};
  /** The MetricData of each PutMetricData call. */
  public readonly metricData: any[][] = [];

  public readonly calls: Array<{ state: string; input: any }> = [];
  public readonly exports: FakeExport[] = [];
  public readonly jobs: string[][] = [];
  private sourceTableArn = '';

  public calledStates(): string[] {
    return this.calls.map((c) => c.state);
  }

  public exportStarts(): any[] {
    return this.calls.filter((c) => c.state.endsWith('export: start')).map((c) => c.input);
  }

  private planClients(): PlanClients {
    const send = async (command: unknown): Promise<any> => {
      if (command instanceof GetTableCommand) {
        if (!this.table) {
          throw Object.assign(new Error('Table not found'), { name: 'EntityNotFoundException' });
        }
        return { Table: { Name: 'orders_mirror', Parameters: { metadata_location: 's3://bucket/warehouse/db.db/t/metadata/v1.metadata.json' } } };
      }
      if (command instanceof GetObjectCommand) {
        const body = Buffer.from(JSON.stringify({ 'format-version': 2, 'properties': this.table }));
        return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
      }
      const leaseAnswer = this.lease.answer(command);
      if (leaseAnswer) {
        return leaseAnswer;
      }
      if (command instanceof DescribeExecutionCommand) {
        const status = this.executionStatus[command.input.executionArn!];
        if (!status) {
          throw Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' });
        }
        return { executionArn: command.input.executionArn, stateMachineArn: STATE_MACHINE_ARN, status, startDate: new Date(NOW) };
      }
      if (command instanceof DescribeContinuousBackupsCommand) {
        return {
          ContinuousBackupsDescription: {
            ContinuousBackupsStatus: 'ENABLED',
            PointInTimeRecoveryDescription: {
              PointInTimeRecoveryStatus: this.pitr.enabled ? 'ENABLED' : 'DISABLED',
              EarliestRestorableDateTime: this.pitr.earliest,
              LatestRestorableDateTime: this.pitr.latest,
            },
          },
        };
      }
      throw new Error(`unexpected command ${String(command)}`);
    };
    const checked = (service: string) => ({ send: this.checker.sdkSend(service, send) }) as any;
    // GetObject's Body is a stream, which the model describes only as a blob: its fake stays unchecked.
    return { glue: checked('glue'), s3: { send } as any, dynamodb: checked('dynamodb'), sfn: checked('stepfunctions'), log: () => undefined };
  }

  private startExport(input: any) {
    const error = this.startErrors.shift();
    if (error) {
      throw Object.assign(new Error(`${error} (fake)`), { name: error });
    }
    const known = this.exports.find((e) => e.token === input.ClientToken);
    const exp = known ?? (() => {
      const id = `0${Date.parse(NOW) + this.exports.length}-${(0xabc00000 + this.exports.length).toString(16)}`;
      const created: FakeExport = {
        // A real export ARN: the source table's ARN (a CloudFormation reference in this definition) plus /export/<id>.
        arn: `arn:aws:dynamodb:eu-north-1:123456789012:table/orders/export/${id}`,
        id,
        token: input.ClientToken,
        params: input,
        outcome: this.exportOutcomes.shift() ?? 'COMPLETED',
        polls: 0,
      };
      this.exports.push(created);
      return created;
    })();
    return { ExportDescription: { ExportArn: exp.arn, ExportStatus: 'IN_PROGRESS' } };
  }

  private describeExport(input: any) {
    const exp = this.exports.find((e) => e.arn === input.ExportArn)!;
    exp.polls += 1;
    return { ExportDescription: { ExportArn: exp.arn, ExportStatus: exp.polls < 2 ? 'IN_PROGRESS' : exp.outcome } };
  }

  /** The Spark job's contract: windows applied in order while start <= W < end; a full export replaces. */
  /** What StartJobRun documents as its output: ApplicationId, JobRunId, Arn. */
  private jobRunOutput(input: any) {
    // The definition holds a rendered reference (`<LogicalId.ApplicationId>`) where a deployment has an id.
    const applicationId = /^[0-9a-zA-Z]+$/.test(input.ApplicationId) ? input.ApplicationId : '00f1a2b3c4d5e6f7';
    const jobRunId = `00f${this.jobs.length.toString().padStart(13, '0')}`;
    return {
      ApplicationId: applicationId,
      JobRunId: jobRunId,
      Arn: `arn:aws:emr-serverless:eu-north-1:123456789012:/applications/${applicationId}/jobruns/${jobRunId}`,
    };
  }

  private async runSpark(input: any) {
    const args: string[] = input.JobDriver.SparkSubmit.EntryPointArguments;
    this.jobs.push(args);
    await this.sparkGate;
    if (this.sparkFailures > 0) {
      this.sparkFailures -= 1;
      throw Object.assign(new Error('Job run failed: rejected input'), { name: 'States.TaskFailed' });
    }
    const folders = args.filter((a) => a.startsWith('s3://') && a.includes('/AWSDynamoDB/'));
    let watermark = this.table?.[WATERMARK_PROPERTY];
    for (const folder of folders) {
      const id = folder.split('/').slice(-2)[0];
      const exp = this.exports.find((e) => e.id === id);
      if (!exp || exp.outcome !== 'COMPLETED') {
        throw Object.assign(new Error(`no completed export in ${folder}`), { name: 'States.TaskFailed' });
      }
      if (exp.params.ExportType === 'FULL_EXPORT') {
        watermark = new Date(exp.params.ExportTime).toISOString();
      } else {
        const { ExportFromTime: from, ExportToTime: to } = exp.params.IncrementalExportSpecification;
        const w = Date.parse(watermark!);
        if (Date.parse(from) > w) {
          throw Object.assign(new Error(`gap: window starts ${from} after watermark ${watermark}`), { name: 'States.TaskFailed' });
        }
        if (w < Date.parse(to)) {
          watermark = new Date(to).toISOString();
        }
      }
    }
    this.table = { [WATERMARK_PROPERTY]: watermark!, [TABLE_ARN_PROPERTY]: this.sourceTableArn };
    return this.jobRunOutput(input);
  }

  /**
   * The job's `verify`: refuses (fails) unless the export is a completed full export at the table's
   * watermark, else writes its report where `--report` says.
   */
  private async runVerify(input: any) {
    const args: string[] = input.JobDriver.SparkSubmit.EntryPointArguments;
    this.jobs.push(args);
    if (this.sparkFailures > 0) {
      this.sparkFailures -= 1;
      throw Object.assign(new Error('Job run failed: verify refused'), { name: 'States.TaskFailed' });
    }
    const folder = args[args.length - 1];
    const exp = this.exports.find((e) => e.id === folder.split('/').slice(-2)[0]);
    if (!exp || exp.outcome !== 'COMPLETED' || exp.params.ExportType !== 'FULL_EXPORT'
      || Date.parse(exp.params.ExportTime) !== Date.parse(this.table![WATERMARK_PROPERTY])) {
      throw Object.assign(new Error(`verify refused ${folder}`), { name: 'States.TaskFailed' });
    }
    const report = { table: 'db.orders_mirror', ...this.verifyCounts, watermark: this.table![WATERMARK_PROPERTY], sample: {} };
    this.objects[args[args.indexOf('--report') + 1]] = `${JSON.stringify(report)}\n`;
    return this.jobRunOutput(input);
  }

  /** S3 GetObject as Step Functions answers it: the body of a text object as a string. */
  private getObject(input: any) {
    const text = this.objects[`s3://${input.Bucket}/${input.Key}`];
    if (text === undefined) {
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'S3.NoSuchKeyException' });
    }
    return { Body: text, ContentLength: Buffer.byteLength(text), ContentType: 'application/octet-stream', ETag: '"0"' };
  }

  /** The state machine's conditional DeleteItem of the lease, with Step Functions' error names. */
  private release(input: any) {
    try {
      this.lease.delete(input);
    } catch (error) {
      throw Object.assign(new Error((error as Error).message), { name: taskErrorName('dynamodb', (error as Error).name) });
    }
    return {};
  }

  public handlers(): Record<string, (input: any) => Promise<any>> {
    const record = (state: string, fn: (input: any) => any) => async (input: any) => {
      this.calls.push({ state, input: JSON.parse(JSON.stringify(input)) });
      return fn(input);
    };
    const plan = makePlanHandler(this.planClients());
    return {
      'Plan': record('Plan', (input: PlanEvent) => {
        this.sourceTableArn = input.config.tableArn;
        return plan(input);
      }),
      'Plan the verification export': record('Plan the verification export', (input: PlanEvent) => {
        this.sourceTableArn = input.config.tableArn;
        return plan(input);
      }),
      'Full export: start': record('Full export: start', (i) => this.startExport(i)),
      'Window export: start': record('Window export: start', (i) => this.startExport(i)),
      'Full export: describe': record('Full export: describe', (i) => this.describeExport(i)),
      'Window export: describe': record('Window export: describe', (i) => this.describeExport(i)),
      'Apply exports (Spark)': record('Apply exports (Spark)', (i) => this.runSpark(i)),
      'Maintain table (Spark)': record('Maintain table (Spark)', (i) => {
        this.jobs.push(i.JobDriver.SparkSubmit.EntryPointArguments);
        return this.jobRunOutput(i);
      }),
      'Verification export: start': record('Verification export: start', (i) => this.startExport(i)),
      'Verification export: describe': record('Verification export: describe', (i) => this.describeExport(i)),
      'Verify table (Spark)': record('Verify table (Spark)', (i) => this.runVerify(i)),
      'Read the verification report': record('Read the verification report', (i) => this.getObject(i)),
      'Publish the verification metrics': record('Publish the verification metrics', (i) => {
        this.metricData.push(i.MetricData);
        return {};
      }),
      'Release the run lease': record('Release the run lease', (i) => this.release(i)),
      'Release the run lease after a failure': record('Release the run lease after a failure', (i) => this.release(i)),
    };
  }
}

const definitions = new Map<RebootstrapPolicy, any>();
function definitionFor(policy: RebootstrapPolicy): any {
  if (!definitions.has(policy)) {
    const { template } = mirrorStack({ rebootstrapPolicy: policy });
    definitions.set(policy, definitionOf(template as Template));
  }
  return definitions.get(policy);
}

async function execute(fake: FakeAws, input: JsonValue = { mode: 'MIRROR' }, policy = RebootstrapPolicy.AUTOMATIC, name = 'exec-1'): Promise<any> {
  const definition = definitionFor(policy);
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false, checkPaths: false } });
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: fake.checker.taskHandlers(definition, fake.handlers()),
      ...withoutDelays(definition),
    },
    context: {
      Execution: { Id: executionArn(name), Name: name, Input: input, StartTime: NOW },
      StateMachine: { Id: STATE_MACHINE_ARN, Name: 'mirror' },
    },
  });
  try {
    return await execution.result;
  } finally {
    // Whatever the run did, every fake answered in the shape AWS documents.
    expect(fake.checker.problems).toEqual([]);
  }
}

async function executionError(fake: FakeAws, input: JsonValue = { mode: 'MIRROR' }, policy = RebootstrapPolicy.AUTOMATIC) {
  try {
    await execute(fake, input, policy);
  } catch (error) {
    const cause = (error as { cause?: { name?: string; message?: string } }).cause;
    return { name: cause?.name, message: cause?.message };
  }
  throw new Error('the execution succeeded');
}

function withWatermark(fake: FakeAws, watermark: string): FakeAws {
  fake.table = { [WATERMARK_PROPERTY]: watermark, [TABLE_ARN_PROPERTY]: '<OrdersA9B65338.Arn>' };
  return fake;
}

const TABLE_ARN = '<OrdersA9B65338.Arn>';
const folderOf = (exp: FakeExport) => expect.stringMatching(new RegExp(`^s3://<OrdersMirrorStorageBucket\\w+>/exports/AWSDynamoDB/${exp.id}/$`));

jest.setTimeout(60_000);

// The interpreter sets $$.Execution.StartTime from the clock: fake the clock (Date only, timers stay real).
beforeEach(() => {
  jest.useFakeTimers({
    now: new Date(NOW),
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
      'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval',
      'clearInterval', 'setTimeout', 'clearTimeout',
    ],
  });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('state machine on a local interpreter', () => {
  test('first run: full export at a whole second, wait until COMPLETED, bootstrap job', async () => {
    // GIVEN no Iceberg table
    const fake = new FakeAws();
    // WHEN
    await execute(fake);
    // THEN
    expect(fake.calledStates()).toEqual([
      'Plan',
      'Full export: start', 'Full export: describe', 'Full export: describe',
      'Apply exports (Spark)',
      'Release the run lease',
    ]);
    const [start] = fake.exportStarts();
    expect(start).toEqual({
      TableArn: TABLE_ARN,
      S3Bucket: expect.stringMatching(/^<OrdersMirrorStorageBucket\w+>$/),
      S3Prefix: 'exports',
      ExportFormat: 'DYNAMODB_JSON',
      S3SseAlgorithm: 'AES256',
      ExportType: 'FULL_EXPORT',
      ExportTime: '2026-01-15T11:55:00Z',
      ClientToken: `${exportClientToken([TABLE_ARN, 'FULL_EXPORT', '2026-01-15T11:55:00Z'])}-1`,
    });
    const [args] = fake.jobs;
    expect(args.slice(0, 3)).toEqual(['apply', '--catalog', 'glue']);
    expect(args.slice(-1)).toEqual([folderOf(fake.exports[0])]);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:55:00.000Z');
  });

  test('steady state: one window from the watermark, one Spark run', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    await execute(fake);
    expect(fake.calledStates()).toEqual([
      'Plan',
      'Window export: start', 'Window export: describe', 'Window export: describe',
      'Apply exports (Spark)',
      'Release the run lease',
    ]);
    expect(fake.exportStarts()[0]).toEqual(expect.objectContaining({
      ExportType: 'INCREMENTAL_EXPORT',
      IncrementalExportSpecification: {
        ExportFromTime: '2026-01-15T10:00:00Z',
        ExportToTime: '2026-01-15T11:55:00Z',
        ExportViewType: 'NEW_IMAGE',
      },
      ClientToken: `${exportClientToken([TABLE_ARN, 'INCREMENTAL_EXPORT', '2026-01-15T10:00:00Z', '2026-01-15T11:55:00Z', 'NEW_IMAGE'])}-1`,
    }));
    expect(fake.jobs).toHaveLength(1);
    expect(fake.jobs[0].slice(-1)).toEqual([folderOf(fake.exports[0])]);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:55:00.000Z');
  });

  test('nothing to do: a window shorter than 15 minutes starts no export and no job', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T11:45:00.000Z');
    const output = await execute(fake);
    expect(fake.calledStates()).toEqual(['Plan', 'Release the run lease']);
    expect(output.plan.action).toBe('UP_TO_DATE');
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:45:00.000Z');
  });

  test('catch-up over 30 hours: two chained windows, one Spark run applying both in order', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-14T06:00:00.000Z');
    await execute(fake);
    const windows = fake.exportStarts().map((s) => s.IncrementalExportSpecification);
    expect(windows).toEqual([
      { ExportFromTime: '2026-01-14T06:00:00Z', ExportToTime: '2026-01-15T06:00:00Z', ExportViewType: 'NEW_IMAGE' },
      { ExportFromTime: '2026-01-15T06:00:00Z', ExportToTime: '2026-01-15T11:55:00Z', ExportViewType: 'NEW_IMAGE' },
    ]);
    expect(fake.jobs).toHaveLength(1);
    const byWindow = [...fake.exports].sort((a, b) =>
      a.params.IncrementalExportSpecification.ExportFromTime.localeCompare(b.params.IncrementalExportSpecification.ExportFromTime));
    expect(fake.jobs[0].slice(-2)).toEqual(byWindow.map(folderOf));
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:55:00.000Z');
  });

  test('export API error retried with the same ClientToken; a FAILED export started again with the next attempt', async () => {
    // GIVEN the first start is throttled and the first export then FAILS
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.startErrors = ['DynamoDb.LimitExceededException'];
    fake.exportOutcomes = ['FAILED'];
    // WHEN
    await execute(fake);
    // THEN
    const token = exportClientToken([TABLE_ARN, 'INCREMENTAL_EXPORT', '2026-01-15T10:00:00Z', '2026-01-15T11:55:00Z', 'NEW_IMAGE']);
    expect(fake.exportStarts().map((s) => s.ClientToken)).toEqual([`${token}-1`, `${token}-1`, `${token}-2`]);
    expect(fake.exports.map((e) => e.outcome)).toEqual(['FAILED', 'COMPLETED']);
    expect(fake.jobs[0].slice(-1)).toEqual([folderOf(fake.exports[1])]);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:55:00.000Z');
  });

  test('an export that cannot start (PITR unavailable) fails the execution with ExportNotStarted and the cause', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.startErrors = ['DynamoDb.PointInTimeRecoveryUnavailableException'];
    const error = await executionError(fake);
    expect(error.name).toBe('ExportNotStarted');
    expect(error.message).toContain('PointInTimeRecoveryUnavailableException (fake)');
    expect(fake.exportStarts()).toHaveLength(1);
    expect(fake.jobs).toHaveLength(0);
  });

  test('an export that FAILS every attempt fails the execution with the watermark unchanged', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.exportOutcomes = ['FAILED', 'FAILED', 'FAILED'];
    const error = await executionError(fake);
    expect(error.name).toBe('ExportFailed');
    expect(fake.exportStarts()).toHaveLength(3);
    expect(fake.jobs).toHaveLength(0);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T10:00:00.000Z');
  });

  test('Spark job failed: retried once, then the execution fails; the next run reuses the same export', async () => {
    // GIVEN a Spark job that fails twice
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.sparkFailures = 2;
    // WHEN
    const error = await executionError(fake);
    // THEN the execution failed (the failure alarm counts it) and the watermark did not move
    expect(error.name).toBe('States.TaskFailed');
    expect(fake.jobs).toHaveLength(2);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T10:00:00.000Z');
    // WHEN the next scheduled run comes
    await execute(fake);
    // THEN it plans the same window, gets the same export back through its ClientToken, and applies it
    expect(fake.exports).toHaveLength(1);
    const tokens = fake.exportStarts().map((s) => s.ClientToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:55:00.000Z');
  });

  test('watermark older than the PITR window, AUTOMATIC: re-bootstrap from a new full export', async () => {
    const fake = withWatermark(new FakeAws(), '2025-12-01T00:00:00.000Z');
    const output = await execute(fake);
    expect(output.plan.action).toBe('REBOOTSTRAP');
    expect(output.plan.reason).toContain('older than the earliest restorable time');
    expect(fake.exportStarts().map((s) => s.ExportType)).toEqual(['FULL_EXPORT']);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T11:55:00.000Z');
  });

  test('watermark older than the PITR window, ALARM_AND_WAIT: the execution fails and nothing is exported', async () => {
    const fake = withWatermark(new FakeAws(), '2025-12-01T00:00:00.000Z');
    const error = await executionError(fake, { mode: 'MIRROR' }, RebootstrapPolicy.ALARM_AND_WAIT);
    expect(error.name).toBe('WatermarkOutsidePitrWindow');
    expect(fake.calledStates()).toEqual(['Plan', 'Release the run lease after a failure']);
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2025-12-01T00:00:00.000Z');
  });

  test('another execution holds the run lease: this one ends at once, exports nothing and leaves the lease alone', async () => {
    // GIVEN another execution holding the lease, RUNNING
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: '2026-01-15T11:50:00.000Z' } } });
    fake.executionStatus[OTHER_EXECUTION] = 'RUNNING';
    // WHEN
    const output = await execute(fake);
    // THEN its release is refused (not the holder) and the execution still succeeds
    expect(output.plan.action).toBe('ANOTHER_RUN');
    expect(fake.calledStates()).toEqual(['Plan', 'Release the run lease']);
    expect(fake.exportStarts()).toHaveLength(0);
    expect(fake.lease.item?.holder.S).toBe(OTHER_EXECUTION);
  });

  test('lagging Step Functions: a lease holder that DescribeExecution does not show yet keeps the lease', async () => {
    // GIVEN the holder started a moment ago and is not visible yet (ListExecutions or DescribeExecution lag)
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: NOW } } });
    // WHEN
    const output = await execute(fake);
    // THEN no second run: nothing exported, no job
    expect(output.plan.action).toBe('ANOTHER_RUN');
    expect(fake.jobs).toHaveLength(0);
    expect(fake.lease.item?.holder.S).toBe(OTHER_EXECUTION);
  });

  test('two executions started together: exactly one exports and applies, the other ends cleanly, the lease is free after both', async () => {
    // GIVEN the first execution's Spark job is held until the second execution has ended
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    let openGate = () => {};
    fake.sparkGate = new Promise((resolve) => { openGate = resolve; });
    fake.executionStatus[executionArn('first')] = 'RUNNING';
    fake.executionStatus[executionArn('second')] = 'RUNNING';
    // WHEN both run at once
    const first = execute(fake, { mode: 'MIRROR' }, RebootstrapPolicy.AUTOMATIC, 'first');
    const second = execute(fake, { mode: 'MIRROR' }, RebootstrapPolicy.AUTOMATIC, 'second').finally(openGate);
    const outputs = await Promise.all([first, second]);
    // THEN
    expect(outputs.map((o) => o.plan.action).sort()).toEqual(['ANOTHER_RUN', 'APPLY']);
    expect(fake.exportStarts()).toHaveLength(1);
    expect(fake.jobs).toHaveLength(1);
    expect(fake.lease.item).toBeUndefined();
  });

  test('a run whose holder ended without releasing (aborted) takes the lease over and runs', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: '2026-01-15T09:00:00.000Z' } } });
    fake.executionStatus[OTHER_EXECUTION] = 'ABORTED';
    const output = await execute(fake);
    expect(output.plan.action).toBe('APPLY');
    expect(fake.jobs).toHaveLength(1);
    expect(fake.lease.item).toBeUndefined();
  });

  test('a failed run releases the lease and fails with the error of the state that failed', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.sparkFailures = 2;
    const error = await executionError(fake);
    expect(error.name).toBe('States.TaskFailed');
    expect(error.message).toContain('rejected input');
    expect(fake.calledStates().slice(-1)).toEqual(['Release the run lease after a failure']);
    expect(fake.lease.item).toBeUndefined();
  });

  test('maintenance that meets a running mirror run waits for the lease, then maintains', async () => {
    // GIVEN a mirror run holding the lease, which it releases while the maintenance waits
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: NOW } } });
    fake.executionStatus[OTHER_EXECUTION] = 'RUNNING';
    const plans: string[] = [];
    const handlers = fake.handlers();
    const plan = handlers.Plan;
    handlers.Plan = async (input) => {
      const result = await plan(input);
      plans.push(result.action);
      fake.lease.item = undefined;
      return result;
    };
    // WHEN
    const definition = definitionFor(RebootstrapPolicy.AUTOMATIC);
    const output: any = await new StateMachine(definition, { validationOptions: { checkArn: false, checkPaths: false } }).run({ mode: 'MAINTAIN' }, {
      overrides: { taskResourceLocalHandlers: fake.checker.taskHandlers(definition, handlers), ...withoutDelays(definition) },
      context: { Execution: { Id: executionArn('maintenance'), Name: 'maintenance', StartTime: NOW }, StateMachine: { Id: STATE_MACHINE_ARN, Name: 'mirror' } },
    }).result;
    // THEN it asked twice and maintained
    expect(fake.checker.problems).toEqual([]);
    expect(plans).toEqual(['ANOTHER_RUN', 'MAINTAIN']);
    expect(output.leaseWaits).toEqual({ count: 1 });
    expect(fake.jobs[0][0]).toBe('maintain');
  });

  test('maintenance that never gets the lease fails visibly with MaintenanceNotRun after its waits', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: NOW } } });
    fake.executionStatus[OTHER_EXECUTION] = 'RUNNING';
    const error = await executionError(fake, { mode: 'MAINTAIN' });
    expect(error.name).toBe('MaintenanceNotRun');
    expect(error.message).toContain(OTHER_EXECUTION);
    expect(fake.calledStates().filter((s) => s === 'Plan')).toHaveLength(13);
    expect(fake.jobs).toHaveLength(0);
    expect(fake.lease.item?.holder.S).toBe(OTHER_EXECUTION);
  });

  test('PITR enabled moments ago: the run waits for a restorable time instead of a refused export', async () => {
    const fake = new FakeAws();
    fake.pitr.earliest = new Date('2026-01-15T11:58:00Z');
    const output = await execute(fake);
    expect(output.plan.action).toBe('WAITING_FOR_PITR');
    expect(fake.exportStarts()).toHaveLength(0);
  });

  test('point-in-time recovery disabled: a clear failure', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.pitr.enabled = false;
    const error = await executionError(fake);
    expect(error.name).toBe('PointInTimeRecoveryDisabled');
    expect(error.message).toContain('Point-in-time recovery is not enabled');
  });

  test('maintenance run: the lease, then the maintain job', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    await execute(fake, { mode: 'MAINTAIN' });
    expect(fake.calledStates()).toEqual(['Plan', 'Maintain table (Spark)', 'Release the run lease']);
    expect(fake.calls[0].input.mode).toBe('MAINTAIN');
    expect(fake.jobs[0]).toEqual([
      'maintain', '--catalog', 'glue',
      '--warehouse', expect.stringMatching(/\/warehouse$/),
      '--table', expect.stringMatching(/\.orders_mirror$/),
    ]);
  });

  test('maintenance before the first bootstrap does nothing', async () => {
    const fake = new FakeAws();
    const output = await execute(fake, { mode: 'MAINTAIN' });
    expect(output.plan.action).toBe('NOTHING_TO_MAINTAIN');
    expect(fake.jobs).toHaveLength(0);
  });

  test('verification run: a full export at the watermark, the verify job with its report, the counts as metrics', async () => {
    // GIVEN a mirror whose verify job finds one key missing and two different
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.verifyCounts = { missing: 1, extra: 0, different: 2 };
    // WHEN started by hand with {"mode": "VERIFY"}
    const output = await execute(fake, { mode: 'VERIFY' }, RebootstrapPolicy.AUTOMATIC, 'verify-1');
    // THEN
    expect(output.plan.action).toBe('VERIFY');
    expect(fake.calledStates()).toEqual([
      'Plan the verification export',
      'Verification export: start', 'Verification export: describe', 'Verification export: describe',
      'Plan',
      'Verify table (Spark)',
      'Read the verification report',
      'Publish the verification metrics',
      'Release the run lease',
    ]);
    expect(fake.exportStarts()[0]).toEqual(expect.objectContaining({
      ExportType: 'FULL_EXPORT',
      ExportTime: '2026-01-15T10:00:00Z',
      ClientToken: `${exportClientToken([TABLE_ARN, 'VERIFY', '2026-01-15T10:00:00Z'])}-1`,
    }));
    const reportUri = expect.stringMatching(/^s3:\/\/<OrdersMirrorStorageBucket\w+>\/emr-logs\/verification\/verify-1\.json$/);
    expect(fake.jobs[0]).toEqual([
      'verify', '--catalog', 'glue',
      '--warehouse', expect.stringMatching(/\/warehouse$/),
      '--table', expect.stringMatching(/\.orders_mirror$/),
      '--exit-zero-when-different',
      '--report', reportUri,
      folderOf(fake.exports[0]),
    ]);
    const dimensions = [{ Name: 'Mirror', Value: expect.stringMatching(/\.orders_mirror$/) }];
    expect(fake.metricData).toEqual([[
      { MetricName: 'VerificationDifferences', Dimensions: dimensions, Unit: 'Count', Value: 3 },
      { MetricName: 'VerificationMissingItems', Dimensions: dimensions, Unit: 'Count', Value: 1 },
      { MetricName: 'VerificationExtraItems', Dimensions: dimensions, Unit: 'Count', Value: 0 },
      { MetricName: 'VerificationDifferentItems', Dimensions: dimensions, Unit: 'Count', Value: 2 },
    ]]);
    // The verification changed nothing and freed the lease.
    expect(fake.table?.[WATERMARK_PROPERTY]).toBe('2026-01-15T10:00:00.000Z');
    expect(fake.lease.item).toBeUndefined();
  });

  test('a clean verification publishes zeros', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    await execute(fake, { mode: 'VERIFY' });
    expect(fake.metricData[0].map((d) => d.Value)).toEqual([0, 0, 0, 0]);
  });

  test('a verify job that refuses fails the run like any broken run: no metrics, the lease released', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.sparkFailures = 2;
    const error = await executionError(fake, { mode: 'VERIFY' });
    expect(error.name).toBe('States.TaskFailed');
    expect(error.message).toContain('verify refused');
    expect(fake.jobs).toHaveLength(2);
    expect(fake.metricData).toEqual([]);
    expect(fake.calledStates().slice(-1)).toEqual(['Release the run lease after a failure']);
    expect(fake.lease.item).toBeUndefined();
  });

  test('verification before the first bootstrap does nothing', async () => {
    const output = await execute(new FakeAws(), { mode: 'VERIFY' });
    expect(output.plan.action).toBe('NOTHING_TO_VERIFY');
  });

  test('a watermark outside the PITR window fails the verification visibly, exporting nothing', async () => {
    const fake = withWatermark(new FakeAws(), '2025-12-01T00:00:00.000Z');
    const error = await executionError(fake, { mode: 'VERIFY' });
    expect(error.name).toBe('VerificationNotPossible');
    expect(error.message).toContain('outside the point-in-time recovery window');
    expect(fake.calledStates()).toEqual(['Plan the verification export']);
  });

  test('the verification export is made while a mirror run holds the lease; the job waits for the lease', async () => {
    // GIVEN a mirror run holding the lease, which it releases while the verification waits
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: NOW } } });
    fake.executionStatus[OTHER_EXECUTION] = 'RUNNING';
    const handlers = fake.handlers();
    const plan = handlers.Plan;
    const plans: string[] = [];
    handlers.Plan = async (input) => {
      const result = await plan(input);
      plans.push(result.action);
      fake.lease.item = undefined;
      return result;
    };
    // WHEN
    const definition = definitionFor(RebootstrapPolicy.AUTOMATIC);
    const output: any = await new StateMachine(definition, { validationOptions: { checkArn: false, checkPaths: false } }).run({ mode: 'VERIFY' }, {
      overrides: { taskResourceLocalHandlers: fake.checker.taskHandlers(definition, handlers), ...withoutDelays(definition) },
      context: { Execution: { Id: executionArn('verify'), Name: 'verify', StartTime: NOW }, StateMachine: { Id: STATE_MACHINE_ARN, Name: 'mirror' } },
    }).result;
    // THEN the export did not wait for the lease; the job did, once
    expect(fake.checker.problems).toEqual([]);
    expect(fake.calledStates().slice(0, 2)).toEqual(['Plan the verification export', 'Verification export: start']);
    expect(plans).toEqual(['ANOTHER_RUN', 'VERIFY']);
    expect(output.leaseWaits).toEqual({ count: 1 });
    expect(fake.jobs[0][0]).toBe('verify');
    expect(fake.metricData).toHaveLength(1);
  });

  test('verification whose job never gets the lease fails visibly with VerificationNotRun and leaves the holder alone', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: NOW } } });
    fake.executionStatus[OTHER_EXECUTION] = 'RUNNING';
    const error = await executionError(fake, { mode: 'VERIFY' });
    expect(error.name).toBe('VerificationNotRun');
    expect(fake.exportStarts()).toHaveLength(1);
    expect(fake.jobs).toHaveLength(0);
    expect(fake.lease.item?.holder.S).toBe(OTHER_EXECUTION);
  });

  test('a mirror run that meets a verification holding the lease ends at once (the next one catches up)', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T10:00:00.000Z');
    fake.lease.put({ Item: { lease: { S: 'run' }, holder: { S: OTHER_EXECUTION }, since: { S: NOW }, mode: { S: 'VERIFY' } } });
    fake.executionStatus[OTHER_EXECUTION] = 'RUNNING';
    const output = await execute(fake);
    expect(output.plan.action).toBe('ANOTHER_RUN');
    expect(fake.calledStates()).toEqual(['Plan', 'Release the run lease']);
  });

  test('a manual start with an empty input is a mirror run', async () => {
    const fake = withWatermark(new FakeAws(), '2026-01-15T11:45:00.000Z');
    const output = await execute(fake, {});
    expect(output.mode).toBe('MIRROR');
    expect(output.plan.action).toBe('UP_TO_DATE');
  });
});
