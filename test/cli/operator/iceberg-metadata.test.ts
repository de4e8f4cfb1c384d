import { snapshotIdsAsText, tableStateOf } from '../../../src/cli/operator/iceberg-table';

describe('tableStateOf', () => {
  test('keeps every digit of 64-bit snapshot ids and reads the current snapshot\'s totals', () => {
    const text = '{"current-snapshot-id": 9007199254740993, "properties": {"dynamo-iceberg-mirror.watermark": "2026-11-30T05:00:00.000Z"},'
      + ' "snapshots": [{"snapshot-id":9007199254740992, "timestamp-ms": 1, "summary": {"total-records": "1"}},'
      + ' {"snapshot-id":9007199254740993, "parent-snapshot-id": 9007199254740992, "timestamp-ms": 1796014800000,'
      + ' "summary": {"total-records": "5", "total-data-files": "2", "total-files-size": "100"}}]}';
    expect(tableStateOf('s3://b/m.json', JSON.parse(snapshotIdsAsText(text)))).toEqual({
      metadataLocation: 's3://b/m.json',
      watermark: '2026-11-30T05:00:00.000Z',
      snapshotId: '9007199254740993',
      committedAt: '2026-11-30T05:00:00.000Z',
      records: 5,
      dataFiles: 2,
      deleteFiles: undefined,
      bytes: 100,
    });
  });

  test('a table without a snapshot yet (format v1 writes -1)', () => {
    const state = tableStateOf('s3://b/m.json', JSON.parse(snapshotIdsAsText('{"current-snapshot-id": -1, "snapshots": []}')));
    expect(state.snapshotId).toBeUndefined();
    expect(state.records).toBeUndefined();
  });
});
