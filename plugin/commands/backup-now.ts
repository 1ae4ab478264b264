import { runNowAnnotation } from '../../operator/api/constants.ts';
import type { PlannerBackup } from '../../operator/api/generated.ts';
import { resourceTypes } from '../../operator/api/resources.ts';
import { ExitCode, PluginError } from '../errors.ts';
import { getBackup, sleep, type Session } from '../kube.ts';

/** Options of `kubectl planner backup now`. */
export interface BackupNowOptions {
  wait: boolean;
  timeoutSeconds: number;
  log: (line: string) => void;
}

/**
 * `kubectl planner backup now BACKUP`: sets the run-now annotation to a new value (the current
 * time), which the backup controller answers with one immediate run. With wait, polls until the
 * controller records that run and exits 1 when it failed.
 */
export async function backupNow(session: Session, name: string, options: BackupNowOptions): Promise<void> {
  await getBackup(session, name);
  const value = new Date().toISOString();
  await session.client.patch(resourceTypes.plannerBackup, session.namespace, name, {
    metadata: { annotations: { [runNowAnnotation]: value } },
  });
  options.log(`Backup of PlannerBackup ${name} requested (${runNowAnnotation}=${value}).`);
  if (!options.wait) return;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let announced = false;
  while (Date.now() < deadline) {
    const backup = await getBackup(session, name);
    const status = backup.status ?? {};
    if (!announced && status.activeRun?.jobName !== undefined) {
      options.log(`Running in Job ${status.activeRun.jobName}...`);
      announced = true;
    }
    if (status.lastRunNowValue === value && status.activeRun === undefined) return reportRun(backup, options);
    await sleep(1_000);
  }
  throw new PluginError(
    `timed out after ${options.timeoutSeconds}s waiting for the backup of ${name}; check "kubectl describe plannerbackup ${name}"`,
    ExitCode.Timeout,
  );
}

function reportRun(backup: PlannerBackup, options: BackupNowOptions): void {
  const run = backup.status?.lastRun;
  if (run?.result === 'Succeeded') {
    options.log(`Backup ${run.backupId} succeeded: ${run.size ?? '?'} bytes, sha256 ${run.sha256 ?? '?'}.`);
    return;
  }
  throw new PluginError(
    `backup of ${backup.metadata?.name} failed: ${run?.message ?? 'no message'}; see "kubectl describe plannerbackup ${backup.metadata?.name}"`,
    ExitCode.Failed,
  );
}
