import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { OperatorClients } from './clients';
import { historyEvents } from './execution-history';
import { failureOf, lastExport, lastJobRun } from './history-events';
import { IcebergTableState, readIcebergTable } from './iceberg-table';
import { JobRunStatus, readJobRun } from './job-run';
import { MirrorTarget } from './mirror-definition';

/** How many of the newest executions `status` shows (and searches for the last export and job run). */
export const RECENT_RUNS = 5;

/** One execution of the state machine. */
export interface RunSummary {
  readonly name: string;
  readonly executionArn: string;
  readonly status: string;
  /** The input's mode (`MIRROR` when the input names none, as the state machine reads it). */
  readonly mode: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly failedState?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** The last export an execution started or described. */
export interface ExportSummary {
  readonly exportArn: string;
  readonly type?: string;
  readonly status?: string;
  /** The full export's time, or the incremental window. */
  readonly exportTime?: string;
  readonly from?: string;
  readonly to?: string;
}

/** Everything `status` prints. */
export interface StatusReport {
  readonly mirror: string;
  readonly stateMachineArn: string;
  readonly now: string;
  /** Absent before the first run created the table. */
  readonly table?: IcebergTableState;
  readonly watermark?: string;
  /** Seconds from the watermark to now: how old the newest data in the table can be. */
  readonly lagSeconds?: number;
  readonly runs: RunSummary[];
  readonly lastExport?: ExportSummary;
  readonly lastJobRun?: JobRunStatus;
}

function modeOf(input: string | undefined): string {
  try {
    const mode = JSON.parse(input ?? '{}')?.mode;
    return typeof mode === 'string' ? mode : 'MIRROR';
  } catch {
    return 'MIRROR';
  }
}

/** SDK times may come back as Date objects or text; the report keeps ISO-8601 text. */
function isoTime(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const time = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(time.getTime()) ? String(value) : time.toISOString();
}

function exportSummary(description: Record<string, any>): ExportSummary {
  const window = description.IncrementalExportSpecification;
  return {
    exportArn: description.ExportArn,
    type: description.ExportType,
    status: description.ExportStatus,
    exportTime: window ? undefined : isoTime(description.ExportTime),
    from: isoTime(window?.ExportFromTime),
    to: isoTime(window?.ExportToTime),
  };
}

export async function mirrorStatus(clients: OperatorClients, mirror: MirrorTarget, now: Date): Promise<StatusReport> {
  const table = await readIcebergTable(clients, mirror.glueDatabase, mirror.glueTable);
  const listed = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: mirror.stateMachineArn, maxResults: RECENT_RUNS }));
  const runs: RunSummary[] = [];
  let exported: Record<string, any> | undefined;
  let jobRun;
  for (const item of listed.executions ?? []) {
    const described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: item.executionArn! }));
    const events = await historyEvents(clients, item.executionArn!);
    const failed = described.status !== 'RUNNING' && described.status !== 'SUCCEEDED';
    const failure = failed ? failureOf(events) : undefined;
    runs.push({
      name: described.name ?? item.name!,
      executionArn: item.executionArn!,
      status: described.status ?? item.status!,
      mode: modeOf(described.input),
      startDate: isoTime(described.startDate),
      stopDate: isoTime(described.stopDate),
      failedState: failure?.state,
      error: described.error ?? failure?.error,
      cause: described.cause ?? failure?.cause,
    });
    exported ??= lastExport(events);
    jobRun ??= lastJobRun(events);
  }
  const watermark = table?.watermark;
  const lagSeconds = watermark ? Math.round((now.getTime() - Date.parse(watermark)) / 1000) : undefined;
  return {
    mirror: `${mirror.glueDatabase}.${mirror.glueTable}`,
    stateMachineArn: mirror.stateMachineArn,
    now: now.toISOString(),
    table,
    watermark,
    lagSeconds,
    runs,
    lastExport: exported && exportSummary(exported),
    lastJobRun: jobRun && await readJobRun(clients, jobRun),
  };
}
