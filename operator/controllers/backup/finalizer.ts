import type { V1Job } from '@kubernetes/client-node';
import { plannerGroup } from '../../api/resources.ts';
import type { PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { acquireAppLock, releaseAppLock } from '../../locks/app-lock.ts';
import { requeueAfter, type ReconcileResult } from '../../runtime/controller.ts';
import { isAlreadyExists } from '../../runtime/errors.ts';
import { buildRunnerJob, maintenanceDeadlineSeconds, storageLocation } from './job.ts';
import { lockHolder } from './lock.ts';
import { deleteJobName } from './naming.ts';
import { isJobFinished, readJobOutcome } from './outcome.ts';
import { progressRun } from './progress.ts';
import { BackupReason } from './reasons.ts';
import type { BackupState } from './state.ts';

/** Finalizer on a PlannerBackup with deletionPolicy Delete: its stored backups are deleted before it goes. */
export const deleteBackupsFinalizer = `${plannerGroup}/delete-backups`;

/** Delay before a failed delete Job is tried again. */
const deleteRetryMs = 60_000;

/**
 * Adds the finalizer when deletionPolicy is Delete and removes it when the policy is Retain.
 * Returns whether it wrote, in which case the reconcile ends and the watch brings the change back.
 */
export async function ensureFinalizer(state: BackupState): Promise<boolean> {
  const { backup, context } = state;
  const finalizers = backup.metadata?.finalizers ?? [];
  const wanted = backup.spec.deletionPolicy === 'Delete';
  if (wanted === finalizers.includes(deleteBackupsFinalizer)) return false;
  const next = wanted
    ? [...finalizers, deleteBackupsFinalizer]
    : finalizers.filter((item) => item !== deleteBackupsFinalizer);
  await context.client.patch(resourceTypes.plannerBackup, backup.metadata?.namespace, backup.metadata?.name ?? '', {
    metadata: { resourceVersion: backup.metadata?.resourceVersion, finalizers: next },
  });
  return true;
}

/**
 * Deletes the stored backups of a PlannerBackup being deleted with deletionPolicy Delete: lets an
 * active run finish, takes the app's lock, runs `planner-backup delete` in a Job, then removes the
 * finalizer. A failed delete Job is recorded in an Event and tried again; the finalizer stays, so
 * no backup is left behind silently (remove the finalizer by hand to keep them after all).
 */
export async function finalizeBackup(state: BackupState): Promise<ReconcileResult> {
  const { backup, context } = state;
  const finalizers = backup.metadata?.finalizers ?? [];
  if (!finalizers.includes(deleteBackupsFinalizer)) return undefined;
  const namespace = backup.metadata?.namespace ?? '';
  const app = context.cache.get<PlannerApp>(resourceTypes.plannerApp, namespace, backup.spec.appRef.name);
  if (state.status.activeRun !== undefined) {
    const result = await progressRun(state, state.status.activeRun, app);
    return result ?? requeueAfter(1000);
  }
  const holder = lockHolder(backup, 'delete');
  const lock = await acquireAppLock(context.client, {
    namespace,
    app: backup.spec.appRef.name,
    holder,
    durationSeconds: maintenanceDeadlineSeconds + 300,
    now: context.clock.now(),
  });
  if (!lock.acquired) return requeueAfter(10_000);

  const name = deleteJobName(backup.metadata?.name ?? '');
  const job = context.cache.get<V1Job>(resourceTypes.job, namespace, name);
  if (job === undefined) {
    const body = buildRunnerJob({ backup, name, command: 'delete', defaultImage: state.options.runnerImage ?? '' });
    try {
      await context.client.create<V1Job>(resourceTypes.job, namespace, body);
    } catch (error) {
      if (!isAlreadyExists(error)) throw new Error(`while creating delete job ${name}`, { cause: error });
    }
    return requeueAfter(30_000);
  }
  if (!isJobFinished(job)) return requeueAfter(30_000);
  const pods = await context.client.list(resourceTypes.pod, namespace, { labelSelector: `job-name=${name}` });
  const outcome = readJobOutcome(job, pods.items, 'delete');
  if (!outcome.succeeded) {
    context.log.warn('Deleting stored backups failed', { failure: outcome.message });
    await context.events.record(
      backup,
      'Warning',
      BackupReason.DeleteFailed,
      `Deleting stored backups failed: ${outcome.message}`,
    );
    await context.client.delete(resourceTypes.job, namespace, name);
    return requeueAfter(deleteRetryMs);
  }
  const deleted = Array.isArray(outcome.result?.deleted) ? outcome.result.deleted.length : 0;
  context.log.info('Stored backups deleted', { deleted });
  await context.events.record(
    backup,
    'Normal',
    BackupReason.BackupsDeleted,
    `Deleted ${deleted} stored backups from ${storageLocation(backup)}`,
  );
  await releaseAppLock(context.client, { namespace, app: backup.spec.appRef.name, holder });
  await context.client.patch(resourceTypes.plannerBackup, namespace, backup.metadata?.name ?? '', {
    metadata: {
      resourceVersion: backup.metadata?.resourceVersion,
      finalizers: finalizers.filter((item) => item !== deleteBackupsFinalizer),
    },
  });
  return undefined;
}
