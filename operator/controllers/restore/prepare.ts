import type { PlannerApp, PlannerBackup } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { acquireAppLock } from '../../locks/app-lock.ts';
import { chooseBackup } from './decide.ts';
import { backupRefStorage, describeLocation, externalStorage, type ResolvedStorage } from './job.ts';
import { RestoreCondition, RestoreReason, restoreHolder } from './reasons.ts';
import { runRunnerJob } from './runner-jobs.ts';
import { advance, markFailed, recordEvent, setRestoreCondition, type RestoreStep, type StepResult } from './state.ts';

/** Validity of the app lock after each renew; every reconcile of an active restore renews it. */
export const lockDurationSeconds = 300;

/** Poll interval while waiting for another holder of the app's lock (Leases are not watched). */
const lockPollMs = 3_000;

/** Maximum wait between reconciles of an active restore, so the lock is renewed well within its duration. */
export const renewIntervalMs = 60_000;

/** What an active restore works with: the app, the backup id and where it is stored, the runner image. */
export interface RestoreInputs {
  app: PlannerApp;
  backupId: string;
  storage: ResolvedStorage;
  image: string;
  /** The PlannerBackup named by spec.source.backupRef, if any. */
  sourceBackup: PlannerBackup | undefined;
}

/** Reads what the restore needs from the cache; records a failure and returns undefined when something is missing. */
export function resolveInputs(step: RestoreStep): RestoreInputs | undefined {
  const { restore } = step;
  const namespace = restore.metadata?.namespace ?? '';
  const appName = restore.spec.appRef.name;
  const app = step.context.cache.get<PlannerApp>(resourceTypes.plannerApp, namespace, appName);
  if (app === undefined) {
    markFailed(step, RestoreReason.AppNotFound, `PlannerApp ${appName} not found in namespace ${namespace}`);
    return undefined;
  }
  const image = restore.spec.job?.image ?? step.settings.runnerImage;
  if (image === undefined) {
    markFailed(step, RestoreReason.InvalidSpec, 'no runner image: set spec.job.image or the operator --runner-image');
    return undefined;
  }
  const source = restore.spec.source;
  if (source.storage !== undefined) {
    const backupId = step.status.restoredBackup?.id ?? source.backupId ?? 'latest';
    return { app, backupId, storage: externalStorage(source.storage), image, sourceBackup: undefined };
  }
  const ref = source.backupRef;
  const backup =
    ref === undefined
      ? undefined
      : step.context.cache.get<PlannerBackup>(resourceTypes.plannerBackup, namespace, ref.name);
  if (ref === undefined || backup === undefined) {
    markFailed(
      step,
      RestoreReason.BackupNotFound,
      `PlannerBackup ${ref?.name ?? '(unset)'} not found in namespace ${namespace}`,
    );
    return undefined;
  }
  const storage = backupRefStorage(backup.spec.storage, namespace, ref.name);
  if (step.status.restoredBackup?.id !== undefined) {
    return { app, backupId: step.status.restoredBackup.id, storage, image, sourceBackup: backup };
  }
  const choice = chooseBackup(backup, ref.backupId);
  if (!choice.found) {
    markFailed(step, choice.reason, choice.message);
    return undefined;
  }
  return { app, backupId: choice.id, storage, image, sourceBackup: backup };
}

/**
 * Takes or renews the app's lock as `restore/<name>`. Returns false while another holder has it;
 * the restore then waits in its phase with the AppLocked condition naming the holder.
 */
export async function holdAppLock(step: RestoreStep, app: PlannerApp): Promise<boolean> {
  const name = step.restore.metadata?.name ?? '';
  const result = await acquireAppLock(step.context.client, {
    namespace: step.restore.metadata?.namespace ?? '',
    app: app.metadata?.name ?? '',
    holder: restoreHolder(name),
    durationSeconds: lockDurationSeconds,
    now: step.now,
    owner: app,
  });
  if (result.acquired) {
    setRestoreCondition(step, {
      type: RestoreCondition.AppLocked,
      status: 'True',
      reason: RestoreReason.LockAcquired,
      message: `No backup or other restore of app ${app.metadata?.name} can start until this restore ends`,
    });
    return true;
  }
  const message = `Waiting for ${result.holder} to finish: it holds the lock on app ${app.metadata?.name}`;
  if (step.status.message !== message) {
    await recordEvent(step, 'Normal', RestoreReason.WaitingForLock, message);
    step.context.log.info('Restore waiting for app lock', { holder: result.holder });
  }
  setRestoreCondition(step, {
    type: RestoreCondition.AppLocked,
    status: 'False',
    reason: RestoreReason.WaitingForLock,
    message,
  });
  step.status.message = message;
  return false;
}

/**
 * Pending: resolve the source, take the app's lock, then check the dump against its manifest in a
 * short verify Job before anything is touched. A missing or corrupt backup fails the restore here,
 * with the app still running.
 */
export async function runPending(step: RestoreStep): Promise<StepResult> {
  const inputs = resolveInputs(step);
  if (inputs === undefined) return undefined;
  if (!(await holdAppLock(step, inputs.app))) return lockPollMs;
  const progress = await runRunnerJob(step, {
    restore: step.restore,
    app: inputs.app,
    step: 'verify',
    backupId: inputs.backupId,
    storage: inputs.storage,
    image: inputs.image,
  });
  if (!progress.finished) {
    step.status.message = `Checking backup ${inputs.backupId} against its manifest`;
    return renewIntervalMs;
  }
  const { outcome } = progress;
  if (!outcome.succeeded) {
    const reason = outcome.reason ?? RestoreReason.JobFailed;
    setRestoreCondition(step, {
      type: RestoreCondition.BackupVerified,
      status: 'False',
      reason,
      message: outcome.message,
    });
    markFailed(step, reason, outcome.message);
    await recordEvent(step, 'Warning', reason, `Restore failed: ${outcome.message}; the app was not touched`);
    return 0;
  }
  const result = outcome.result ?? {};
  const id = typeof result.backupId === 'string' ? result.backupId : inputs.backupId;
  step.status.restoredBackup = {
    id,
    location: `${describeLocation(inputs.storage)}`,
    ...(typeof result.sha256 === 'string' ? { sha256: result.sha256 } : {}),
    ...(typeof result.size === 'number' ? { size: result.size } : {}),
  };
  const message = `Backup ${id} matches its manifest (sha256 ${String(result.sha256).slice(0, 12)}…, ${String(result.size)} bytes)`;
  setRestoreCondition(step, {
    type: RestoreCondition.BackupVerified,
    status: 'True',
    reason: RestoreReason.ChecksumVerified,
    message,
  });
  await recordEvent(step, 'Normal', RestoreReason.ChecksumVerified, message);
  advance(step, 'Pending', message);
  return 0;
}
