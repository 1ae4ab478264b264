import type { BackupRecord, PlannerBackup } from '../../operator/api/generated.ts';
import { resourceTypes } from '../../operator/api/resources.ts';
import { formatAge, formatData, formatDuration, formatSize, formatTable, type OutputFormat } from '../format.ts';
import { getApp, listObjects, type Session } from '../kube.ts';

/** One stored or attempted backup, as `kubectl planner backups` lists it. */
export interface BackupRow {
  app: string;
  plannerBackup: string;
  id: string;
  completionTime?: string;
  size?: number;
  durationSeconds?: number;
  status: string;
  location?: string;
}

/**
 * Collects the backups recorded in PlannerBackup statuses: the retained history plus the last run
 * when it failed (so a failure is visible), newest first.
 */
export function collectBackupRows(backups: readonly PlannerBackup[], app: string | undefined): BackupRow[] {
  const rows: BackupRow[] = [];
  for (const backup of backups) {
    if (app !== undefined && backup.spec.appRef.name !== app) continue;
    const records: BackupRecord[] = [...(backup.status?.backups ?? [])];
    const last = backup.status?.lastRun;
    if (last !== undefined && !records.some((record) => record.backupId === last.backupId)) records.push(last);
    for (const record of records) {
      rows.push({
        app: backup.spec.appRef.name,
        plannerBackup: backup.metadata?.name ?? '',
        id: record.backupId ?? '<none>',
        completionTime: record.completionTime ?? record.startTime,
        size: record.size,
        durationSeconds: record.durationSeconds,
        status: record.result ?? 'Unknown',
        location: record.location,
      });
    }
  }
  return rows.sort((a, b) => (b.completionTime ?? '').localeCompare(a.completionTime ?? ''));
}

/** `kubectl planner backups [APP]`: prints the backups of every app, or of one. */
export async function listBackups(session: Session, app: string | undefined, output: OutputFormat): Promise<string> {
  if (app !== undefined) await getApp(session, app);
  const backups = await listObjects<PlannerBackup>(session, resourceTypes.plannerBackup);
  const rows = collectBackupRows(backups, app);
  if (output !== 'table') return formatData(rows, output);
  if (rows.length === 0) {
    return `No backups found in namespace ${session.namespace}${app === undefined ? '' : ` for app ${app}`}.`;
  }
  const now = new Date();
  return formatTable(
    ['app', 'backup', 'id', 'age', 'size', 'duration', 'status'],
    rows.map((row) => [
      row.app,
      row.plannerBackup,
      row.id,
      formatAge(row.completionTime, now),
      formatSize(row.size),
      formatDuration(row.durationSeconds),
      row.status,
    ]),
  );
}
