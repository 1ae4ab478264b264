import type { V1Job } from '@kubernetes/client-node';
import { plannerGroup } from '../../api/resources.ts';
import type { PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { requeueAfter, type ReconcileResult } from '../../runtime/controller.ts';
import { isAlreadyExists } from '../../runtime/errors.ts';
import { buildRunnerJob } from './job.ts';
import { lockForRun } from './lock.ts';
import { BackupCondition, BackupReason } from './reasons.ts';
import { addSkippedRuns } from './status.ts';
import { backupLabels, putCondition, saveStatus, type BackupState } from './state.ts';
import type { PendingRun } from './trigger.ts';

/** Annotation on a run's Job with the scheduled time it is for. */
export const scheduledTimeAnnotation = `${plannerGroup}/scheduled-time`;

/** How often a waiting on-demand run tries the app's lock again. */
export const waitRetryMs = 10_000;

/**
 * Starts a run: takes the app's lock, records the run in status, then creates its Job. Status
 * comes first so that an operator restarted in between finds the run and creates the same Job.
 * A blocked scheduled run is skipped and recorded; a blocked on-demand or run-now run waits.
 */
export async function startRun(state: BackupState, app: PlannerApp, run: PendingRun): Promise<ReconcileResult> {
  const { context } = state;
  const blocker = await lockForRun(state.backup, app, run.name, context);
  if (blocker !== undefined) {
    if (run.waitsWhenBlocked) {
      const before = state.status.conditions?.find((item) => item.type === BackupCondition.Running);
      putCondition(state, { type: BackupCondition.Running, status: 'False', ...blocker });
      if (before?.reason !== blocker.reason) {
        context.log.info('Run waiting', { run: run.name, reason: blocker.reason });
        await context.events.record(
          state.backup,
          'Normal',
          BackupReason.RunWaiting,
          `Run ${run.name} waits: ${blocker.message}`,
        );
      }
      return requeueAfter(waitRetryMs);
    }
    const scheduledTime = run.scheduledTime ?? context.clock.now();
    state.status.skippedRuns = addSkippedRuns(state.status.skippedRuns, [{ scheduledTime, ...blocker }]);
    state.status.lastScheduleTime = scheduledTime.toISOString();
    context.log.info('Scheduled run skipped', { run: run.name, reason: blocker.reason });
    await context.events.record(
      state.backup,
      'Warning',
      BackupReason.RunSkipped,
      `Skipped the run due at ${scheduledTime.toISOString()}: ${blocker.message}`,
    );
    const labels = backupLabels(state.backup);
    state.options.metrics.countRun(labels.namespace, labels.backup, 'skipped');
    return undefined;
  }

  const now = context.clock.now();
  state.status.activeRun = {
    runId: run.name,
    jobName: run.name,
    scheduledTime: run.trigger.kind === 'Schedule' ? run.scheduledTime?.toISOString() : undefined,
    startTime: now.toISOString(),
  };
  if (run.trigger.kind === 'RunNow') state.status.lastRunNowValue = run.trigger.value;
  else if (run.scheduledTime !== undefined) state.status.lastScheduleTime = run.scheduledTime.toISOString();
  putCondition(state, {
    type: BackupCondition.Running,
    status: 'True',
    reason: BackupReason.InProgress,
    message: `Run ${run.name} is in progress`,
  });
  state.status.phase = 'Running';
  await saveStatus(state);
  await createRunJob(state, app, run.name);
  context.log.info('Backup run started', { run: run.name, trigger: run.trigger.kind });
  await context.events.record(state.backup, 'Normal', BackupReason.RunStarted, `Started backup run ${run.name}`);
  return undefined;
}

/** Creates the backup Job of a run; a Job of that name that exists already is the run's own. */
export async function createRunJob(state: BackupState, app: PlannerApp, name: string): Promise<void> {
  const active = state.status.activeRun;
  const annotations: Record<string, string> = {};
  if (active?.scheduledTime !== undefined) annotations[scheduledTimeAnnotation] = active.scheduledTime;
  const job = buildRunnerJob({
    backup: state.backup,
    app,
    name,
    command: 'backup',
    defaultImage: state.options.runnerImage ?? '',
    annotations,
  });
  try {
    await state.context.client.create<V1Job>(resourceTypes.job, state.backup.metadata?.namespace, job);
  } catch (error) {
    if (!isAlreadyExists(error)) throw new Error(`while creating backup job ${name}`, { cause: error });
  }
}
