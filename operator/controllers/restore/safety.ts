import { appLabel, managedByLabel, managedByValue } from '../../api/constants.ts';
import type { PlannerBackup } from '../../api/generated.ts';
import { plannerApiVersion, plannerGroup, resourceTypes } from '../../api/resources.ts';
import { isAlreadyExists } from '../../runtime/errors.ts';
import { restoreLabel } from './job.ts';
import { holdAppLock, renewIntervalMs, resolveInputs } from './prepare.ts';
import { RestoreCondition, RestoreReason, restoreHolder } from './reasons.ts';
import { advance, markFailed, recordEvent, setRestoreCondition, type RestoreStep, type StepResult } from './state.ts';

/**
 * Annotation on a PlannerBackup naming the holder of the app's lock under which the backup
 * controller runs it, instead of taking the lock itself. The restore sets it on its safety backup.
 */
export const lockHolderAnnotation = `${plannerGroup}/lock-holder`;

/** Name of a restore's safety backup. */
export function safetyBackupName(restore: string): string {
  return `${restore}-safety`;
}

/**
 * The safety PlannerBackup: an on-demand backup (no schedule) of the same app into the same
 * storage as the source, run under the restore's lock. It has no owner reference, so it and its
 * stored backup outlive the PlannerRestore and can be restored to undo it.
 */
export function buildSafetyBackup(step: RestoreStep, storage: PlannerBackup['spec']['storage']): PlannerBackup {
  const name = step.restore.metadata?.name ?? '';
  return {
    apiVersion: plannerApiVersion,
    kind: 'PlannerBackup',
    metadata: {
      name: safetyBackupName(name),
      namespace: step.restore.metadata?.namespace,
      labels: { [appLabel]: step.restore.spec.appRef.name, [restoreLabel]: name, [managedByLabel]: managedByValue },
      annotations: { [lockHolderAnnotation]: restoreHolder(name) },
    },
    spec: {
      appRef: { name: step.restore.spec.appRef.name },
      storage,
      deletionPolicy: 'Retain',
      ...(step.restore.spec.job === undefined ? {} : { job: step.restore.spec.job }),
    },
  };
}

/**
 * SafetyBackup: create the safety PlannerBackup once and wait until the backup controller reports
 * its run. A failed safety backup fails the restore before the database is touched.
 */
export async function runSafetyBackup(step: RestoreStep): Promise<StepResult> {
  const inputs = resolveInputs(step);
  if (inputs === undefined || !(await holdAppLock(step, inputs.app))) return 0;
  const namespace = step.restore.metadata?.namespace ?? '';
  const name = safetyBackupName(step.restore.metadata?.name ?? '');
  let backup = await step.context.client.find<PlannerBackup>(resourceTypes.plannerBackup, namespace, name);
  if (backup === undefined) {
    const storage = step.restore.spec.source.storage ?? inputs.sourceBackup?.spec.storage;
    if (storage === undefined) {
      markFailed(step, RestoreReason.SafetyBackupFailed, 'no storage for the safety backup');
      return 0;
    }
    try {
      backup = await step.context.client.create(
        resourceTypes.plannerBackup,
        namespace,
        buildSafetyBackup(step, storage),
      );
    } catch (error) {
      if (!isAlreadyExists(error)) throw new Error(`while creating safety PlannerBackup ${name}`, { cause: error });
      return 1_000;
    }
    const message = `Taking safety backup ${name} of app ${inputs.app.metadata?.name} before restoring`;
    setRestoreCondition(step, {
      type: RestoreCondition.SafetyBackupTaken,
      status: 'False',
      reason: RestoreReason.SafetyBackupRunning,
      message,
    });
    step.status.message = message;
    await recordEvent(step, 'Normal', RestoreReason.SafetyBackupRunning, message);
    step.context.log.info('Safety backup created', { backup: name });
  }
  const lastRun = backup.status?.lastRun;
  if (backup.status?.phase === 'Succeeded' && lastRun?.result === 'Succeeded' && lastRun.backupId !== undefined) {
    step.status.safetyBackupId = lastRun.backupId;
    const message = `Safety backup ${lastRun.backupId} taken (PlannerBackup ${name}); restore it to undo this restore`;
    setRestoreCondition(step, {
      type: RestoreCondition.SafetyBackupTaken,
      status: 'True',
      reason: RestoreReason.SafetyBackupSucceeded,
      message,
    });
    await recordEvent(step, 'Normal', RestoreReason.SafetyBackupSucceeded, message);
    advance(step, 'SafetyBackup', message);
    return 0;
  }
  if (backup.status?.phase === 'Failed') {
    const message = `safety backup ${name} failed (${lastRun?.message ?? 'see its status'}); nothing was restored`;
    setRestoreCondition(step, {
      type: RestoreCondition.SafetyBackupTaken,
      status: 'False',
      reason: RestoreReason.SafetyBackupFailed,
      message,
    });
    markFailed(step, RestoreReason.SafetyBackupFailed, message);
    await recordEvent(step, 'Warning', RestoreReason.SafetyBackupFailed, `Restore failed: ${message}`);
    return 0;
  }
  return renewIntervalMs;
}
