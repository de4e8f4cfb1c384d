import { gzipSync } from 'zlib';
import { DescribeContinuousBackupsCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { AnswerChecker } from './contract/checked-fakes';
import { FakeLeaseTable } from './fakes/lease-table';
import { PLAN_CONFIG, TABLE_ARN } from './helpers';
import { makePlanHandler, PlanClients, PlanEvent, readTableState } from '../src/mirror-plan.lambda';

const EXECUTION = 'arn:aws:states:eu-north-1:123456789012:execution:mirror:this-run';
const OTHER = 'arn:aws:states:eu-north-1:123456789012:execution:mirror:other-run';

/** Every SDK answer the fakes below give, checked against AWS's models after each test. */
let checker = new AnswerChecker();
beforeEach(() => {
  checker = new AnswerChecker();
});
afterEach(() => {
  expect(checker.problems).toEqual([]);
});

const EVENT: PlanEvent = {
  now: '2026-01-15T12:00:00.123Z',
  execution: EXECUTION,
  config: {
    ...PLAN_CONFIG,
    glueDatabase: 'mirror_db',
    glueTable: 'orders',
    mirrorName: 'mirror_db.orders',
    leaseTable: 'lease-table',
    runTimeoutSeconds: 86400,
  },
};

interface Fakes {
  readonly metadata?: Buffer | string;
  readonly glueError?: string;
  readonly pitr?: 'ENABLED' | 'DISABLED';
  /** The lease item before the call, held by OTHER since this time. */
  readonly heldSince?: string;
  /** OTHER's status as DescribeExecution reports it. */
  readonly otherStatus?: string;
}

function clients(fakes: Fakes): { clients: PlanClients; calls: unknown[]; logs: string[]; lease: FakeLeaseTable } {
  const calls: unknown[] = [];
  const logs: string[] = [];
  const lease = new FakeLeaseTable();
  if (fakes.heldSince) {
    lease.item = { lease: { S: 'run' }, holder: { S: OTHER }, since: { S: fakes.heldSince }, mode: { S: 'MIRROR' } };
  }
  const send = async (command: unknown) => {
    calls.push(command);
    const leaseAnswer = lease.answer(command);
    if (leaseAnswer) {
      return leaseAnswer;
    }
    if (command instanceof DescribeExecutionCommand) {
      return {
        executionArn: command.input.executionArn,
        stateMachineArn: 'arn:aws:states:eu-north-1:123456789012:stateMachine:mirror',
        status: fakes.otherStatus ?? 'RUNNING',
        startDate: new Date('2026-01-15T11:30:00Z'),
      };
    }
    if (command instanceof GetTableCommand) {
      if (fakes.glueError) {
        throw Object.assign(new Error(fakes.glueError), { name: fakes.glueError });
      }
      return { Table: { Name: 'orders', Parameters: { metadata_location: 's3://bucket/warehouse/mirror_db.db/orders/metadata/00001.metadata.json' } } };
    }
    if (command instanceof GetObjectCommand) {
      const body = Buffer.from(fakes.metadata ?? '');
      return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
    }
    if (command instanceof DescribeContinuousBackupsCommand) {
      return {
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: {
            PointInTimeRecoveryStatus: fakes.pitr ?? 'ENABLED',
            EarliestRestorableDateTime: new Date('2026-01-01T00:00:00Z'),
            LatestRestorableDateTime: new Date('2026-01-15T11:59:00Z'),
          },
        },
      };
    }
    throw new Error(`unexpected command ${String(command)}`);
  };
  return {
    clients: {
      glue: { send: checker.sdkSend('glue', send) } as any,
      // GetObject's Body is a stream, which the model describes only as a blob: its fake stays unchecked.
      s3: { send } as any,
      dynamodb: { send: checker.sdkSend('dynamodb', send) } as any,
      sfn: { send: checker.sdkSend('stepfunctions', send) } as any,
      log: (l) => logs.push(l),
    },
    calls,
    logs,
    lease,
  };
}

function metadata(properties: Record<string, string>): string {
  return JSON.stringify({ 'format-version': 2, 'properties': properties });
}

describe('readTableState', () => {
  test('GIVEN no Glue table WHEN reading THEN exists is false', async () => {
    const fake = clients({ glueError: 'EntityNotFoundException' });
    await expect(readTableState(fake.clients, 'db', 't')).resolves.toEqual({ exists: false, properties: {} });
  });

  test('GIVEN a gzipped metadata file WHEN reading THEN its properties', async () => {
    const fake = clients({ metadata: gzipSync(metadata({ a: 'b' })) });
    await expect(readTableState(fake.clients, 'db', 't')).resolves.toEqual({ exists: true, properties: { a: 'b' } });
    const get = fake.calls.find((c) => c instanceof GetObjectCommand) as GetObjectCommand;
    expect(get.input).toEqual({ Bucket: 'bucket', Key: 'warehouse/mirror_db.db/orders/metadata/00001.metadata.json' });
  });

  test('GIVEN another Glue error WHEN reading THEN it propagates', async () => {
    const fake = clients({ glueError: 'AccessDeniedException' });
    await expect(readTableState(fake.clients, 'db', 't')).rejects.toThrow('AccessDeniedException');
  });
});

describe('plan handler', () => {
  test('GIVEN no table WHEN invoked THEN BOOTSTRAP and no freshness metric', async () => {
    const fake = clients({ glueError: 'EntityNotFoundException' });
    const plan = await makePlanHandler(fake.clients)(EVENT);
    expect(plan.action).toBe('BOOTSTRAP');
    expect(plan.fullExport?.exportTime).toBe('2026-01-15T11:55:00Z');
    expect(fake.logs.some((l) => l.includes('CloudWatchMetrics'))).toBe(false);
  });

  test('GIVEN a watermark WHEN invoked THEN APPLY and a freshness metric in embedded metric format', async () => {
    const fake = clients({
      metadata: metadata({
        'dynamo-iceberg-mirror.watermark': '2026-01-15T10:00:00.000Z',
        'dynamo-iceberg-mirror.table-arn': TABLE_ARN,
      }),
    });
    const plan = await makePlanHandler(fake.clients)(EVENT);
    expect(plan.action).toBe('APPLY');
    expect(plan.windows[0].from).toBe('2026-01-15T10:00:00Z');
    const emf = JSON.parse(fake.logs.find((l) => l.includes('CloudWatchMetrics'))!);
    expect(emf).toMatchObject({ Mirror: 'mirror_db.orders', FreshnessLagSeconds: 7200 });
    expect(emf._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'DynamoIcebergMirror',
      Dimensions: [['Mirror']],
      Metrics: [{ Name: 'FreshnessLagSeconds', Unit: 'Seconds' }],
    });
  });

  test('GIVEN PITR disabled WHEN invoked THEN PITR_DISABLED', async () => {
    const fake = clients({ metadata: metadata({ 'dynamo-iceberg-mirror.watermark': '2026-01-15T10:00:00Z' }), pitr: 'DISABLED' });
    await expect(makePlanHandler(fake.clients)(EVENT)).resolves.toMatchObject({ action: 'PITR_DISABLED' });
  });

  test('GIVEN maintenance mode WHEN invoked THEN no PITR call', async () => {
    const fake = clients({ metadata: metadata({}) });
    const plan = await makePlanHandler(fake.clients)({ ...EVENT, mode: 'MAINTAIN' });
    expect(plan.action).toBe('MAINTAIN');
    expect(fake.calls.some((c) => c instanceof DescribeContinuousBackupsCommand)).toBe(false);
  });

  test('GIVEN a verification export WHEN invoked THEN no lease is taken, the PITR window is read and no freshness metric is written', async () => {
    const fake = clients({
      metadata: metadata({
        'dynamo-iceberg-mirror.watermark': '2026-01-15T10:00:00.000Z',
        'dynamo-iceberg-mirror.table-arn': TABLE_ARN,
      }),
    });
    const plan = await makePlanHandler(fake.clients)({ ...EVENT, mode: 'VERIFY_EXPORT' });
    expect(plan.action).toBe('VERIFY');
    expect(plan.fullExport?.exportTime).toBe('2026-01-15T10:00:00Z');
    expect(fake.calls.some((c) => c instanceof DescribeContinuousBackupsCommand)).toBe(true);
    expect(fake.lease.item).toBeUndefined();
    expect(fake.logs.some((l) => l.includes('CloudWatchMetrics'))).toBe(false);
  });

  test('GIVEN the verify job\'s turn WHEN invoked THEN the lease is taken and no PITR call is made', async () => {
    const fake = clients({
      metadata: metadata({
        'dynamo-iceberg-mirror.watermark': '2026-01-15T10:00:00.000Z',
        'dynamo-iceberg-mirror.table-arn': TABLE_ARN,
      }),
    });
    const plan = await makePlanHandler(fake.clients)({ ...EVENT, mode: 'VERIFY' });
    expect(plan.action).toBe('VERIFY');
    expect(fake.lease.item?.holder.S).toBe(EVENT.execution);
    expect(fake.calls.some((c) => c instanceof DescribeContinuousBackupsCommand)).toBe(false);
  });

  test('GIVEN an unknown mode or a bad time WHEN invoked THEN a clear error', async () => {
    const fake = clients({ metadata: metadata({}) });
    await expect(makePlanHandler(fake.clients)({ ...EVENT, mode: 'PURGE' })).rejects.toThrow('mode must be MIRROR, MAINTAIN, VERIFY_EXPORT or VERIFY');
    await expect(makePlanHandler(fake.clients)({ ...EVENT, now: 'yesterday' })).rejects.toThrow('now is not a valid time');
  });

  test('GIVEN a Glue table without metadata_location WHEN invoked THEN a clear error', async () => {
    const fake = clients({});
    fake.clients.glue.send = (async () => ({ Table: { Parameters: {} } })) as any;
    await expect(makePlanHandler(fake.clients)(EVENT)).rejects.toThrow('not an Iceberg table');
  });

  test('GIVEN no lease WHEN invoked THEN this execution takes it before planning', async () => {
    const fake = clients({ glueError: 'EntityNotFoundException' });
    await makePlanHandler(fake.clients)(EVENT);
    expect(fake.lease.item?.holder.S).toBe(EXECUTION);
    expect(fake.lease.item?.since.S).toBe('2026-01-15T12:00:00.123Z');
    expect(fake.calls.findIndex((c) => c instanceof PutItemCommand)).toBeLessThan(fake.calls.findIndex((c) => c instanceof GetTableCommand));
  });

  test('GIVEN another running execution holds the lease WHEN invoked THEN ANOTHER_RUN, no PITR call, and still the freshness metric', async () => {
    // GIVEN
    const fake = clients({
      metadata: metadata({ 'dynamo-iceberg-mirror.watermark': '2026-01-15T10:00:00.000Z' }),
      heldSince: '2026-01-15T11:30:00.000Z',
    });
    // WHEN
    const plan = await makePlanHandler(fake.clients)(EVENT);
    // THEN the lease is untouched and the lag still reaches CloudWatch: a hung run shows as growing lag
    expect(plan.action).toBe('ANOTHER_RUN');
    expect(plan.reason).toContain(OTHER);
    expect(fake.lease.item?.holder.S).toBe(OTHER);
    expect(fake.calls.some((c) => c instanceof DescribeContinuousBackupsCommand)).toBe(false);
    const emf = JSON.parse(fake.logs.find((l) => l.includes('CloudWatchMetrics'))!);
    expect(emf).toMatchObject({ FreshnessLagSeconds: 7200 });
  });

  test.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'])('GIVEN the holder ended %s without releasing WHEN invoked THEN the lease is taken over', async (status) => {
    const fake = clients({ glueError: 'EntityNotFoundException', heldSince: '2026-01-15T11:30:00.000Z', otherStatus: status });
    const plan = await makePlanHandler(fake.clients)(EVENT);
    expect(plan.action).toBe('BOOTSTRAP');
    expect(fake.lease.item?.holder.S).toBe(EXECUTION);
    expect(fake.logs).toContain(JSON.stringify({ lease: 'taken over', from: OTHER }));
  });

  test('GIVEN a holder older than the run timeout WHEN invoked THEN the lease is taken over without asking Step Functions', async () => {
    const fake = clients({ glueError: 'EntityNotFoundException', heldSince: '2026-01-14T11:59:00.000Z' });
    const plan = await makePlanHandler(fake.clients)(EVENT);
    expect(plan.action).toBe('BOOTSTRAP');
    expect(fake.calls.some((c) => c instanceof DescribeExecutionCommand)).toBe(false);
  });

  test('GIVEN no execution id WHEN invoked THEN a clear error', async () => {
    const fake = clients({ metadata: metadata({}) });
    await expect(makePlanHandler(fake.clients)({ ...EVENT, execution: '' })).rejects.toThrow('execution');
  });
});
