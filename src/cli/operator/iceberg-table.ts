import { gunzipSync } from 'zlib';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { OperatorClients } from './clients';
import { WATERMARK_PROPERTY } from '../../workflow/table-properties';

/** The mirror's Iceberg table as its current metadata file describes it. */
export interface IcebergTableState {
  readonly metadataLocation: string;
  /** The watermark the last commit recorded (ISO-8601), if any. */
  readonly watermark?: string;
  /** Text: snapshot ids are 64-bit, beyond a JavaScript number's exact range. */
  readonly snapshotId?: string;
  /** When the current snapshot was committed (ISO-8601). */
  readonly committedAt?: string;
  /** Totals of the current snapshot's summary; undefined where the summary has none. */
  readonly records?: number;
  readonly dataFiles?: number;
  readonly deleteFiles?: number;
  readonly bytes?: number;
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) {
    throw new Error(`metadata_location is not an S3 URI: ${JSON.stringify(uri)}`);
  }
  return { bucket: match[1], key: match[2] };
}

function total(summary: Record<string, string> | undefined, name: string): number | undefined {
  const value = summary?.[name];
  return value === undefined ? undefined : Number(value);
}

/** Quotes the 64-bit snapshot ids of a metadata file's text so that JSON.parse keeps every digit. */
export function snapshotIdsAsText(text: string): string {
  return text.replace(/"(current-snapshot-id|snapshot-id|parent-snapshot-id)"(\s*):(\s*)(-?\d+)/g, '"$1"$2:$3"$4"');
}

/** Reads what an Iceberg metadata file (format v1 or v2) says of the table now. */
export function tableStateOf(metadataLocation: string, metadata: any): IcebergTableState {
  const current = (metadata.snapshots ?? []).find((s: any) => s['snapshot-id'] === metadata['current-snapshot-id']);
  const summary = current?.summary;
  return {
    metadataLocation,
    watermark: metadata.properties?.[WATERMARK_PROPERTY],
    snapshotId: current?.['snapshot-id'],
    committedAt: current ? new Date(current['timestamp-ms']).toISOString() : undefined,
    records: total(summary, 'total-records'),
    dataFiles: total(summary, 'total-data-files'),
    deleteFiles: total(summary, 'total-delete-files'),
    bytes: total(summary, 'total-files-size'),
  };
}

/** The table's state (Glue `metadata_location`, then the metadata JSON in S3), or undefined before the first run made it. */
export async function readIcebergTable(clients: Pick<OperatorClients, 'glue' | 's3'>, database: string, table: string): Promise<IcebergTableState | undefined> {
  let location: string | undefined;
  try {
    const result = await clients.glue.send(new GetTableCommand({ DatabaseName: database, Name: table }));
    location = result.Table?.Parameters?.metadata_location;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') {
      return undefined;
    }
    throw error;
  }
  if (!location) {
    throw new Error(`Glue table ${database}.${table} is not an Iceberg table (no metadata_location)`);
  }
  const { bucket, key } = parseS3Uri(location);
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf-8');
  return tableStateOf(location, JSON.parse(snapshotIdsAsText(text)));
}
