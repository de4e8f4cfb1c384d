/** Plain renderings shared by the operator commands' text output. */

/** `2h 05m`, `3m 07s`, `12s`; a negative duration (a clock ahead of ours) keeps its sign. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(Math.round(seconds));
  const days = Math.floor(rest / 86400);
  rest %= 86400;
  const hours = Math.floor(rest / 3600);
  rest %= 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (days > 0) {
    return `${sign}${days}d ${pad(hours)}h`;
  }
  if (hours > 0) {
    return `${sign}${hours}h ${pad(minutes)}m`;
  }
  return minutes > 0 ? `${sign}${minutes}m ${pad(secs)}s` : `${sign}${secs}s`;
}

/** `12.3 MiB` */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** ISO-8601 time to the second, without milliseconds. */
export function formatTime(iso: string | undefined): string {
  return iso ? iso.replace(/\.\d+Z$/, 'Z') : '-';
}
