import { formatBytes, formatDuration, formatTime } from './format';
import { RunSummary, StatusReport } from './status';

/** One `label: value` line; labels are padded so that values line up. */
function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(15)}${value}`;
}

function runLine(run: RunSummary): string {
  const took = run.startDate && run.stopDate
    ? formatDuration((Date.parse(run.stopDate) - Date.parse(run.startDate)) / 1000) : '-';
  const failure = run.failedState || run.error
    ? `  failed in ${run.failedState ? `'${run.failedState}'` : '?'}: ${run.error ?? '?'}${run.cause ? `: ${oneLine(run.cause)}` : ''}`
    : '';
  return `  ${formatTime(run.startDate)}  ${run.status.padEnd(9)}  ${run.mode.padEnd(8)}  ${took.padEnd(7)}  ${run.name}${failure}`;
}

/** A cause can hold a stack trace: the first line is enough on a terminal. */
function oneLine(text: string): string {
  const [first] = text.split('\n');
  return first.length > 200 ? `${first.slice(0, 200)}...` : first;
}

/** The plain, stable text of `status`: one `label: value` line per fact, then the runs. */
export function statusText(report: StatusReport): string[] {
  const lines = [line('mirror', report.mirror), line('state machine', report.stateMachineArn)];
  const { table } = report;
  if (!table) {
    lines.push(line('table', 'not created yet (the first run bootstraps it)'));
  } else {
    lines.push(line('watermark', report.watermark
      ? `${formatTime(report.watermark)} (lag ${formatDuration(report.lagSeconds!)})` : 'none recorded'));
    const size = [
      table.records !== undefined ? `${table.records} rows` : undefined,
      table.dataFiles !== undefined ? `${table.dataFiles} data files` : undefined,
      table.deleteFiles ? `${table.deleteFiles} delete files` : undefined,
      table.bytes !== undefined ? formatBytes(table.bytes) : undefined,
    ].filter((part) => part !== undefined);
    lines.push(line('table', table.snapshotId
      ? `${size.join(', ') || 'no totals in the snapshot summary'} (snapshot ${table.snapshotId} at ${formatTime(table.committedAt)})`
      : 'no snapshot yet'));
    lines.push(line('metadata', table.metadataLocation));
  }
  const exported = report.lastExport;
  lines.push(line('last export', exported
    ? [exported.type ?? '?', exported.status ?? '?',
      exported.from ? `${formatTime(exported.from)} to ${formatTime(exported.to)}` : formatTime(exported.exportTime),
      exported.exportArn].join('  ')
    : `none in the last ${report.runs.length} runs`));
  const job = report.lastJobRun;
  if (job) {
    lines.push(line('last job run', [job.jobRunId, job.state ?? '?',
      job.durationSeconds !== undefined ? formatDuration(job.durationSeconds) : undefined,
      job.stateDetails ? oneLine(job.stateDetails) : undefined].filter((p) => p !== undefined).join('  ')));
    lines.push(line('spark ui', job.dashboardUrl ?? `unavailable (${oneLine(job.dashboardError ?? 'no URL')})`));
    lines.push(line('job logs', job.logs ?? 'unknown'));
  } else {
    lines.push(line('last job run', `none in the last ${report.runs.length} runs`));
  }
  lines.push(line('runs', report.runs.length ? `${report.runs.length} newest, newest first` : 'none'));
  lines.push(...report.runs.map(runLine));
  return lines;
}
