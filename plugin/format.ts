import { stringify } from 'yaml';

/** Output formats of the commands that print data. */
export type OutputFormat = 'table' | 'json' | 'yaml';

/** Short age of a time relative to now, as kubectl prints it: 45s, 12m, 5h, 3d. */
export function formatAge(time: string | undefined, now: Date): string {
  if (time === undefined) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(time).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Size in bytes with a binary unit: 512B, 1.5KiB, 20MiB. */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '<unknown>';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1);
  return `${text}${units[unit]}`;
}

/** Duration in seconds as 850ms, 42s, 3m20s or 1h5m. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '<unknown>';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3_600) return `${Math.floor(whole / 60)}m${whole % 60}s`;
  return `${Math.floor(whole / 3_600)}h${Math.floor((whole % 3_600) / 60)}m`;
}

/** Renders rows as a table with upper-case headers and columns separated by three spaces, as kubectl does. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers.map((header) => header.toUpperCase())), ...rows.map(line)].join('\n');
}

/** Renders data as JSON or YAML. */
export function formatData(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(data, null, 2) : stringify(data).trimEnd();
}

/**
 * Splits `BACKUP[/ID]` into a PlannerBackup name and an optional backup id.
 * Throws for an empty part or more than one slash.
 */
export function parseBackupReference(text: string): { name: string; backupId?: string } {
  const parts = text.split('/');
  if (parts.length > 2 || parts.some((part) => part === '')) {
    throw new Error(
      `invalid --from value "${text}": expected BACKUP or BACKUP/ID, for example nightly/web-20261204t020000z`,
    );
  }
  const [name = '', backupId] = parts;
  return backupId === undefined ? { name } : { name, backupId };
}

/** Name of a new PlannerRestore: `<app>-restore-<UTC time>`, for example shop-restore-20261204t101500z. */
export function restoreName(app: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'z')
    .replace(/[-:]/g, '')
    .replace('T', 't')
    .toLowerCase();
  return `${app.slice(0, 200)}-restore-${stamp}`;
}
