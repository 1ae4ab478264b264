import type { PlannerApp, PlannerBackup, PlannerRestore } from '../../operator/api/generated.ts';
import { resourceTypes } from '../../operator/api/resources.ts';
import { formatAge, formatData, formatTable, type OutputFormat } from '../format.ts';
import { getApp, listObjects, type Session } from '../kube.ts';
import { collectBackupRows } from './backups.ts';

/** The at-a-glance state of one app. */
export interface AppSummary {
  app: string;
  phase: string;
  replicas: { current?: number; min?: number; max?: number };
  schedules: { name: string; active: boolean }[];
  lastBackup?: { id: string; plannerBackup: string; completionTime?: string };
  restoreInProgress?: { name: string; phase: string; message?: string };
}

/** Summarizes an app from its PlannerApp status, its PlannerBackups and its unfinished PlannerRestores. */
export function summarizeApp(
  app: PlannerApp,
  backups: readonly PlannerBackup[],
  restores: readonly PlannerRestore[],
): AppSummary {
  const name = app.metadata?.name ?? '';
  const active = new Set(app.status?.activeSchedules ?? []);
  const last = collectBackupRows(backups, name).find((row) => row.status === 'Succeeded');
  const restore = restores.find(
    (item) => item.spec.appRef.name === name && item.status?.phase !== 'Succeeded' && item.status?.phase !== 'Failed',
  );
  return {
    app: name,
    phase: app.status?.phase ?? 'Pending',
    replicas: {
      current: app.status?.currentReplicas,
      min: app.status?.effectiveMinReplicas ?? app.spec.replicas.min,
      max: app.status?.effectiveMaxReplicas ?? app.spec.replicas.max,
    },
    schedules: (app.spec.schedules ?? []).map((schedule) => ({
      name: schedule.name,
      active: active.has(schedule.name),
    })),
    ...(last === undefined
      ? {}
      : { lastBackup: { id: last.id, plannerBackup: last.plannerBackup, completionTime: last.completionTime } }),
    ...(restore === undefined
      ? {}
      : {
          restoreInProgress: {
            name: restore.metadata?.name ?? '',
            phase: restore.status?.phase ?? 'Pending',
            message: restore.status?.message,
          },
        }),
  };
}

/** `kubectl planner status [APP]`: prints replicas, schedules, last backup and any restore in progress. */
export async function showStatus(session: Session, app: string | undefined, output: OutputFormat): Promise<string> {
  const apps =
    app === undefined ? await listObjects<PlannerApp>(session, resourceTypes.plannerApp) : [await getApp(session, app)];
  const backups = await listObjects<PlannerBackup>(session, resourceTypes.plannerBackup);
  const restores = await listObjects<PlannerRestore>(session, resourceTypes.plannerRestore);
  const summaries = apps.map((item) => summarizeApp(item, backups, restores));
  if (output !== 'table') return formatData(app === undefined ? summaries : summaries[0], output);
  if (summaries.length === 0) return `No PlannerApps found in namespace ${session.namespace}.`;
  const now = new Date();
  return formatTable(
    ['app', 'phase', 'replicas', 'min-max', 'schedules', 'last backup', 'restore'],
    summaries.map((summary) => [
      summary.app,
      summary.phase,
      summary.replicas.current === undefined ? '-' : String(summary.replicas.current),
      `${summary.replicas.min ?? '-'}-${summary.replicas.max ?? '-'}`,
      summary.schedules.map((schedule) => (schedule.active ? `${schedule.name}*` : schedule.name)).join(',') || '-',
      summary.lastBackup === undefined
        ? '-'
        : `${summary.lastBackup.id} (${formatAge(summary.lastBackup.completionTime, now)} ago)`,
      summary.restoreInProgress === undefined
        ? '-'
        : `${summary.restoreInProgress.name} (${summary.restoreInProgress.phase})`,
    ]),
  );
}
