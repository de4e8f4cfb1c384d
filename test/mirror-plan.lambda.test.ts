import { gzipSync } from 'zlib';
import { DescribeContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PLAN_CONFIG, TABLE_ARN } from './helpers';
import { makePlanHandler, PlanClients, PlanEvent, readTableState } from '../src/mirror-plan.lambda';

const EVENT: PlanEvent = {
  now: '2026-01-15T12:00:00.123Z',
  config: {
    ...PLAN_CONFIG,
    glueDatabase: 'mirror_db',
    glueTable: 'orders',
    mirrorName: 'mirror_db.orders',
  },
};

interface Fakes {
  readonly metadata?: Buffer | string;
  readonly glueError?: string;
  readonly pitr?: 'ENABLED' | 'DISABLED';
}

function clients(fakes: Fakes): { clients: PlanClients; calls: unknown[]; logs: string[] } {
  const calls: unknown[] = [];
  const logs: string[] = [];
  const send = async (command: unknown) => {
    calls.push(command);
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
    clients: { glue: { send } as any, s3: { send } as any, dynamodb: { send } as any, log: (l) => logs.push(l) },
    calls,
    logs,
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

  test('GIVEN an unknown mode or a bad time WHEN invoked THEN a clear error', async () => {
    const fake = clients({ metadata: metadata({}) });
    await expect(makePlanHandler(fake.clients)({ ...EVENT, mode: 'PURGE' })).rejects.toThrow('mode must be MIRROR or MAINTAIN');
    await expect(makePlanHandler(fake.clients)({ ...EVENT, now: 'yesterday' })).rejects.toThrow('now is not a valid time');
  });

  test('GIVEN a Glue table without metadata_location WHEN invoked THEN a clear error', async () => {
    const fake = clients({});
    fake.clients.glue.send = (async () => ({ Table: { Parameters: {} } })) as any;
    await expect(makePlanHandler(fake.clients)(EVENT)).rejects.toThrow('not an Iceberg table');
  });
});
