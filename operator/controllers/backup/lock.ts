import type { PlannerApp, PlannerBackup } from '../../api/generated.ts';
import { plannerGroup } from '../../api/resources.ts';
import { acquireAppLock, readAppLock, releaseAppLock } from '../../locks/app-lock.ts';
import { parseQuiesceRequest } from '../../quiesce/request.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { maintenanceDeadlineSeconds } from './job.ts';
import { BackupReason } from './reasons.ts';

/**
 * Annotation on a PlannerBackup naming the holder of the app's lock under which it may run, for
 * example `restore/<PlannerRestore>` on a restore's safety backup. While the lock is held by exactly
 * that holder the backup runs under it instead of being blocked, and leaves the lock to its holder.
 */
export const lockHolderAnnotation = `${plannerGroup}/lock-holder`;

/** Why a run cannot start now. */
export interface RunBlocker {
  reason: (typeof BackupReason)['AnotherRunActive' | 'AppRestoring'];
  message: string;
}

/** Identity of a run in the app's lock: `backup/<PlannerBackup>/<run>`. */
export function lockHolder(backup: PlannerBackup, run: string): string {
  return `backup/${backup.metadata?.name}/${run}`;
}

/**
 * Seconds the lock lasts without renewal: the run's deadline, then its prune Job's, plus five
 * minutes of slack, so a run whose operator never returns cannot block the app for longer.
 */
export function lockDurationSeconds(backup: PlannerBackup): number {
  return (backup.spec.job?.activeDeadlineSeconds ?? 3600) + maintenanceDeadlineSeconds + 300;
}

/**
 * Takes the app's lock for a run, or returns what blocks it: an app quiesced for a restore, or
 * another holder. A lock left by an earlier run of this same PlannerBackup is taken over, because
 * this controller only starts a run when it has none in progress. Under the lock-holder annotation
 * the run joins the named holder's lock without taking it.
 */
export async function lockForRun(
  backup: PlannerBackup,
  app: PlannerApp,
  run: string,
  context: ReconcileContext,
): Promise<RunBlocker | undefined> {
  const namespace = backup.metadata?.namespace ?? '';
  const appName = backup.spec.appRef.name;
  const now = context.clock.now();
  const hostHolder = backup.metadata?.annotations?.[lockHolderAnnotation];
  if (hostHolder !== undefined && hostHolder !== '') {
    const current = await readAppLock(context.client, namespace, appName, now);
    if (current?.holder === hostHolder) return undefined;
  }
  let quiesce;
  try {
    quiesce = parseQuiesceRequest(app);
  } catch {
    quiesce = undefined;
  }
  if (quiesce !== undefined && quiesce.purpose === 'Restore') {
    return {
      reason: BackupReason.AppRestoring,
      message: `PlannerApp ${appName} is being restored by ${quiesce.holder}`,
    };
  }
  const request = {
    namespace,
    app: appName,
    holder: lockHolder(backup, run),
    durationSeconds: lockDurationSeconds(backup),
    now,
    owner: app,
  };
  let result = await acquireAppLock(context.client, request);
  if (!result.acquired && result.holder.startsWith(lockHolder(backup, ''))) {
    context.log.info('Taking over a lock left by an earlier run', { holder: result.holder });
    await releaseAppLock(context.client, { namespace, app: appName, holder: result.holder });
    result = await acquireAppLock(context.client, request);
  }
  if (result.acquired) return undefined;
  return {
    reason: BackupReason.AnotherRunActive,
    message: `the lock of PlannerApp ${appName} is held by ${result.holder} until ${result.expiresAt.toISOString()} at the latest`,
  };
}

/** Releases the app's lock if this run holds it; a run under another holder's lock leaves it alone. */
export async function unlockAfterRun(backup: PlannerBackup, run: string, context: ReconcileContext): Promise<void> {
  await releaseAppLock(context.client, {
    namespace: backup.metadata?.namespace ?? '',
    app: backup.spec.appRef.name,
    holder: lockHolder(backup, run),
  });
}
