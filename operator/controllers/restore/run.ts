import { getQuiesceState, QuiesceHeldError, releaseQuiesce, requestQuiesce } from '../../quiesce/quiesce.ts';
import { findCondition } from '../../runtime/conditions.ts';
import { isNotFound } from '../../runtime/errors.ts';
import { releaseAppLock } from '../../locks/app-lock.ts';
import { holdAppLock, renewIntervalMs, resolveInputs } from './prepare.ts';
import { RestoreCondition, RestoreReason, restoreHolder } from './reasons.ts';
import { runRunnerJob } from './runner-jobs.ts';
import {
  advance,
  hasFailed,
  markFailed,
  recordEvent,
  setRestoreCondition,
  type RestoreStep,
  type StepResult,
} from './state.ts';

/** Poll interval while the app scales to zero or back; the PlannerApp is watched too. */
const quiescePollMs = 1_000;

function target(step: RestoreStep) {
  return {
    namespace: step.restore.metadata?.namespace ?? '',
    app: step.restore.spec.appRef.name,
    holder: restoreHolder(step.restore.metadata?.name ?? ''),
  };
}

/**
 * Quiescing: ask the PlannerApp controller to scale the app to zero and hold its HPA (the app
 * shows phase Restoring), save the state to come back to, and wait until no pod is left.
 */
export async function runQuiescing(step: RestoreStep): Promise<StepResult> {
  const inputs = resolveInputs(step);
  if (inputs === undefined || !(await holdAppLock(step, inputs.app))) return 0;
  const { namespace, app, holder } = target(step);
  let request;
  try {
    request = await requestQuiesce(step.context.client, { namespace, app, holder, purpose: 'Restore', now: step.now });
  } catch (error) {
    if (!(error instanceof QuiesceHeldError)) throw error;
    step.status.message = `Waiting for ${error.holder} to release app ${app}, which it holds at zero replicas`;
    return quiescePollMs * 3;
  }
  if (step.status.savedReplicas === undefined) {
    step.status.savedReplicas = request.savedReplicas;
    if (request.savedMinReplicas !== undefined) step.status.savedMinReplicas = request.savedMinReplicas;
    if (request.savedMaxReplicas !== undefined) step.status.savedMaxReplicas = request.savedMaxReplicas;
    const message = `Scaling app ${app} to zero for restore (from ${request.savedReplicas} replicas)`;
    setRestoreCondition(step, {
      type: RestoreCondition.AppQuiesced,
      status: 'False',
      reason: RestoreReason.Quiescing,
      message,
    });
    step.status.message = message;
  }
  const state = await getQuiesceState(step.context.client, namespace, app);
  if (state.phase !== 'Quiesced') return quiescePollMs;
  const message = `App scaled to zero for restore; it comes back at ${request.savedReplicas} replicas afterwards`;
  setRestoreCondition(step, {
    type: RestoreCondition.AppQuiesced,
    status: 'True',
    reason: RestoreReason.Quiesced,
    message,
  });
  await recordEvent(step, 'Normal', RestoreReason.Quiesced, message);
  advance(step, 'Quiescing', message);
  return 0;
}

/** Restoring: run the restore Job and record its result, including the row-count comparison. */
export async function runRestoring(step: RestoreStep): Promise<StepResult> {
  const inputs = resolveInputs(step);
  if (inputs === undefined || !(await holdAppLock(step, inputs.app))) return 0;
  const progress = await runRunnerJob(step, {
    restore: step.restore,
    app: inputs.app,
    step: 'restore',
    backupId: inputs.backupId,
    storage: inputs.storage,
    image: inputs.image,
  });
  if (!progress.finished) {
    if (step.status.message?.startsWith('Restoring') !== true) {
      await recordEvent(
        step,
        'Normal',
        RestoreReason.Restoring,
        `Restoring database of app ${inputs.app.metadata?.name} from backup ${inputs.backupId}`,
      );
    }
    step.status.message = `Restoring database from backup ${inputs.backupId} in Job ${step.status.jobName}`;
    return renewIntervalMs;
  }
  const { outcome } = progress;
  if (!outcome.succeeded) {
    const reason = outcome.reason ?? RestoreReason.RestoreFailed;
    const detail =
      reason === RestoreReason.RowCountMismatch
        ? outcome.message
        : `${outcome.message}; the database was left as it was before the restore`;
    setRestoreCondition(step, { type: RestoreCondition.DatabaseRestored, status: 'False', reason, message: detail });
    markFailed(step, reason, detail);
    await recordEvent(step, 'Warning', reason, `Restore failed: ${detail}`);
    return 0;
  }
  const result = outcome.result ?? {};
  const message = `Database restored from backup ${inputs.backupId}: ${String(result.tables)} tables, ${String(result.rows)} rows, row counts match the manifest`;
  setRestoreCondition(step, {
    type: RestoreCondition.DatabaseRestored,
    status: 'True',
    reason: RestoreReason.RestoreSucceeded,
    message,
  });
  await recordEvent(step, 'Normal', RestoreReason.RestoreSucceeded, message);
  advance(step, 'Restoring', message);
  return 0;
}

/**
 * Resuming: let the app come back to its saved replicas and HPA, wait until the PlannerApp
 * controller has done so, release the app's lock, then end in Succeeded or Failed.
 */
export async function runResuming(step: RestoreStep): Promise<StepResult> {
  const { namespace, app, holder } = target(step);
  try {
    await releaseQuiesce(step.context.client, { namespace, app, holder });
    const state = await getQuiesceState(step.context.client, namespace, app);
    if (state.phase !== 'None' && state.request?.holder === holder) {
      step.status.message = `Bringing app ${app} back to ${step.status.savedReplicas ?? 'its'} replicas`;
      return quiescePollMs;
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await releaseAppLock(step.context.client, { namespace, app, holder });
  setRestoreCondition(step, {
    type: RestoreCondition.AppLocked,
    status: 'False',
    reason: RestoreReason.Resuming,
    message: 'Lock released',
  });
  const failed = hasFailed(step);
  const resumed = step.status.savedReplicas === undefined ? '' : `; app ${app} is back at its previous replicas`;
  step.status.completionTime = step.now.toISOString();
  if (failed) {
    step.status.phase = 'Failed';
    const failure = findCondition(step.status.conditions, RestoreCondition.Failed)?.message ?? 'see the conditions';
    step.status.message = `Restore failed: ${failure}${resumed}`;
    await recordEvent(
      step,
      'Warning',
      RestoreReason.Resuming,
      `App ${app} resumed after a failed restore${resumed ? ' at its previous replicas' : ''}`,
    );
  } else {
    step.status.phase = 'Succeeded';
    const message = `Restore succeeded: backup ${step.status.restoredBackup?.id} restored${resumed}`;
    step.status.message = message;
    setRestoreCondition(step, {
      type: RestoreCondition.Complete,
      status: 'True',
      reason: RestoreReason.Succeeded,
      message,
    });
    await recordEvent(step, 'Normal', RestoreReason.Succeeded, message);
  }
  step.context.log.info('Restore finished', { phase: step.status.phase });
  return undefined;
}
