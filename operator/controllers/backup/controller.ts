import type { PlannerApp, PlannerBackup } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import {
  requeueAfter,
  type ControllerDefinition,
  type ReconcileContext,
  type ReconcileResult,
} from '../../runtime/controller.ts';
import type { ObjectKey } from '../../runtime/objects.ts';
import { stripUndefined } from '../../runtime/writes.ts';
import { ensureFinalizer, finalizeBackup } from './finalizer.ts';
import { progressRun } from './progress.ts';
import { BackupCondition, BackupReason } from './reasons.ts';
import { nextScheduleTime, scheduleProblem } from './schedule.ts';
import { startRun, waitRetryMs } from './start.ts';
import { addSkippedRuns, phaseOf, readyCondition } from './status.ts';
import { backupLabels, putCondition, saveStatus, type BackupControllerOptions, type BackupState } from './state.ts';
import { decideRun } from './trigger.ts';

export type { BackupControllerOptions } from './state.ts';

/**
 * The PlannerBackup controller: decides when runs are due from the schedule, the single on-demand
 * run and the run-now annotation, runs each as a Job of `planner-backup backup` under the app's
 * lock, records the verified result, prunes by the retention policy, and deletes stored backups
 * on deletion when deletionPolicy is Delete.
 */
export function createBackupController(options: BackupControllerOptions): ControllerDefinition {
  return {
    name: 'plannerbackup',
    for: resourceTypes.plannerBackup,
    owns: [resourceTypes.job],
    reads: [resourceTypes.plannerApp],
    reconcile: (request, context) => reconcileBackup(request, context, options),
  };
}

/** A problem in the spec that the user must fix; no run starts until it is gone. */
function specProblem(backup: PlannerBackup, options: BackupControllerOptions) {
  const { schedule, timeZone, storage, job } = backup.spec;
  if (schedule !== undefined) {
    const problem = scheduleProblem(schedule, timeZone);
    if (problem !== undefined) return { reason: BackupReason.InvalidSpec, message: problem };
  }
  if ((storage.pvc === undefined) === (storage.s3 === undefined)) {
    return { reason: BackupReason.InvalidSpec, message: 'spec.storage must set exactly one of pvc or s3' };
  }
  if ((job?.image ?? options.runnerImage ?? '') === '') {
    return {
      reason: BackupReason.RunnerImageMissing,
      message: 'no runner image: set spec.job.image or start the operator with --runner-image',
    };
  }
  return undefined;
}

/** One reconcile of a PlannerBackup: finalize, validate, move the active run on or start a due one, then write status. */
export async function reconcileBackup(
  request: ObjectKey,
  context: ReconcileContext,
  options: BackupControllerOptions,
): Promise<ReconcileResult> {
  const backup = context.cache.get<PlannerBackup>(resourceTypes.plannerBackup, request.namespace, request.name);
  if (backup === undefined) {
    options.metrics.forget(request.namespace, request.name);
    return undefined;
  }
  const state: BackupState = { backup, status: stripUndefined(backup.status ?? {}), context, options };
  if (backup.metadata?.deletionTimestamp !== undefined) return finalizeBackup(state);
  if (await ensureFinalizer(state)) return undefined;

  const app = context.cache.get<PlannerApp>(resourceTypes.plannerApp, request.namespace, backup.spec.appRef.name);
  let problem: { reason: string; message: string } | undefined = specProblem(backup, options);
  let result: ReconcileResult;
  if (problem !== undefined) {
    if (state.status.conditions?.find((item) => item.type === BackupCondition.Ready)?.message !== problem.message) {
      context.log.info('Backup spec is invalid', { problem: problem.message });
      await context.events.record(backup, 'Warning', problem.reason, problem.message);
    }
  } else if (state.status.activeRun !== undefined) {
    result = await progressRun(state, state.status.activeRun, app);
  } else if (app === undefined) {
    problem = { reason: BackupReason.AppNotFound, message: `PlannerApp ${backup.spec.appRef.name} does not exist` };
    result = requeueAfter(waitRetryMs * 3);
  } else {
    result = await startDueRun(state, app);
  }
  return finishReconcile(state, problem, result);
}

async function startDueRun(state: BackupState, app: PlannerApp): Promise<ReconcileResult> {
  const { context, backup } = state;
  const decision = decideRun(backup, context.clock.now());
  const { skipped } = decision.schedule;
  if (skipped.length > 0) {
    state.status.skippedRuns = addSkippedRuns(state.status.skippedRuns, skipped);
    const labels = backupLabels(backup);
    for (const skip of skipped) {
      context.log.info('Scheduled run skipped', { scheduledTime: skip.scheduledTime, reason: skip.reason });
      await context.events.record(
        backup,
        'Warning',
        BackupReason.RunSkipped,
        `Skipped the run due at ${skip.scheduledTime.toISOString()} (${skip.reason}): ${skip.message}`,
      );
    }
    state.options.metrics.countRun(labels.namespace, labels.backup, 'skipped', skipped.length);
  }
  if (decision.schedule.lastScheduleTime !== undefined && decision.run === undefined) {
    state.status.lastScheduleTime = decision.schedule.lastScheduleTime.toISOString();
  }
  if (decision.run === undefined) return undefined;
  return startRun(state, app, decision.run);
}

/** Writes the summary fields and the status, updates the gauges, and requeues for the next scheduled time. */
async function finishReconcile(
  state: BackupState,
  problem: { reason: string; message: string } | undefined,
  result: ReconcileResult,
): Promise<ReconcileResult> {
  const { backup, context } = state;
  const now = context.clock.now();
  const { schedule, timeZone } = backup.spec;
  const scheduled = schedule !== undefined && problem?.reason !== BackupReason.InvalidSpec;
  const next = scheduled ? nextScheduleTime(schedule, timeZone, now) : undefined;
  state.status.nextScheduleTime = backup.spec.suspend === true ? undefined : next?.toISOString();
  state.status.observedGeneration = backup.metadata?.generation;
  putCondition(state, readyCondition(state.status, problem));
  if (state.status.activeRun === undefined) {
    const running = state.status.conditions?.find((item) => item.type === BackupCondition.Running);
    if (running === undefined || running.status === 'True') {
      putCondition(state, {
        type: BackupCondition.Running,
        status: 'False',
        reason: BackupReason.Idle,
        message: 'No run is in progress',
      });
    }
  }
  state.status.phase =
    problem?.reason === BackupReason.InvalidSpec
      ? 'Failed'
      : phaseOf(state.status, scheduled, backup.spec.suspend === true);
  await saveStatus(state);
  state.options.metrics.observeStatus(state.backup);

  const delays = [result?.requeueAfterMs];
  if (next !== undefined) delays.push(next.getTime() - now.getTime() + 1);
  const defined = delays.filter((delay): delay is number => delay !== undefined);
  return defined.length === 0 ? undefined : requeueAfter(Math.min(...defined));
}
