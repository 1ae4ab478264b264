import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { BackupActiveRun, PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { requeueAfter, type ReconcileResult } from '../../runtime/controller.ts';
import { isAlreadyExists } from '../../runtime/errors.ts';
import { trimJobHistory } from './history.ts';
import { buildRunnerJob, maintenanceDeadlineSeconds, storageLocation } from './job.ts';
import { unlockAfterRun } from './lock.ts';
import { pruneJobName } from './naming.ts';
import { isJobFinished, readJobOutcome, type JobOutcome } from './outcome.ts';
import { BackupCondition, BackupReason } from './reasons.ts';
import { createRunJob } from './start.ts';
import { buildRunRecord, phaseOf, readyCondition, recordFinishedRun, updateHistory } from './status.ts';
import { backupLabels, putCondition, saveStatus, type BackupState } from './state.ts';

/** How long a run's Job may be missing before the run counts as failed; covers a restart before it was created. */
const jobCreationGraceMs = 60_000;

/** How long past its activeDeadlineSeconds a Job may stay unfinished before the operator stops it. */
const deadlineGraceMs = 120_000;

/** How often an active run is checked besides the Job's watch events. */
const activeRecheckMs = 30_000;

async function findJob(state: BackupState, name: string): Promise<V1Job | undefined> {
  const namespace = state.backup.metadata?.namespace ?? '';
  return (
    state.context.cache.get<V1Job>(resourceTypes.job, namespace, name) ??
    (await state.context.client.find<V1Job>(resourceTypes.job, namespace, name))
  );
}

async function listJobPods(state: BackupState, job: string): Promise<V1Pod[]> {
  const list = await state.context.client.list<V1Pod>(resourceTypes.pod, state.backup.metadata?.namespace, {
    labelSelector: `job-name=${job}`,
  });
  return list.items;
}

function ageMs(state: BackupState, since: string | undefined): number {
  return state.context.clock.now().getTime() - Date.parse(since ?? '');
}

/**
 * Moves the active run on: waits for its backup Job, records the result, then runs the prune Job
 * and releases the app's lock. A run whose Job vanished, or that is unfinished well past its
 * deadline, is recorded as failed. The stage is read from status: once lastRun names the active
 * run's Job, the backup part is recorded and the prune stage follows.
 */
export async function progressRun(
  state: BackupState,
  active: BackupActiveRun,
  app: PlannerApp | undefined,
): Promise<ReconcileResult> {
  const jobName = active.jobName ?? '';
  const lastRun = state.status.lastRun;
  if (lastRun?.jobName === jobName && lastRun.result === 'Succeeded') return progressPrune(state, active);

  const job = await findJob(state, jobName);
  if (job === undefined) {
    if (ageMs(state, active.startTime) < jobCreationGraceMs && app !== undefined) {
      await createRunJob(state, app, jobName);
      return requeueAfter(activeRecheckMs);
    }
    return finishBackup(state, active, {
      succeeded: false,
      result: undefined,
      message: `Job ${jobName} disappeared before it finished`,
    });
  }
  if (!isJobFinished(job)) {
    const deadlineMs = (job.spec?.activeDeadlineSeconds ?? 3600) * 1000 + deadlineGraceMs;
    if (ageMs(state, active.startTime) <= deadlineMs) return requeueAfter(activeRecheckMs);
    await state.context.client.delete(resourceTypes.job, job.metadata?.namespace, jobName);
    return finishBackup(state, active, {
      succeeded: false,
      result: undefined,
      message: `Job ${jobName} was still running past its activeDeadlineSeconds and was stopped`,
    });
  }
  return finishBackup(state, active, readJobOutcome(job, await listJobPods(state, jobName), 'backup'));
}

async function finishBackup(state: BackupState, active: BackupActiveRun, outcome: JobOutcome) {
  const { context, backup } = state;
  const jobName = active.jobName ?? '';
  const record = buildRunRecord(
    {
      jobName,
      location: storageLocation(backup),
      startTime: active.startTime ?? context.clock.now().toISOString(),
      completionTime: context.clock.now().toISOString(),
      format: backup.spec.format ?? 'custom',
    },
    outcome.succeeded,
    outcome.result,
    outcome.message,
  );
  state.status = recordFinishedRun(state.status, record);
  const labels = backupLabels(backup);
  if (!outcome.succeeded) {
    state.status.activeRun = undefined;
    putCondition(state, readyCondition(state.status, undefined));
    putCondition(state, {
      type: BackupCondition.Running,
      status: 'False',
      reason: BackupReason.Idle,
      message: 'No run is in progress',
    });
    state.status.phase = idlePhase(state);
    // The lock goes before the idle status is written, so a reader that sees the run over also finds the lock free.
    await unlockAfterRun(state.backup, jobName, context);
    await saveStatus(state);
    state.options.metrics.countRun(labels.namespace, labels.backup, 'failed');
    context.log.info('Backup run failed', { run: jobName, failure: record.message });
    await context.events.record(backup, 'Warning', BackupReason.RunFailed, `Run ${jobName} failed: ${record.message}`);
    await trimHistory(state);
    return undefined;
  }
  putCondition(state, readyCondition(state.status, undefined));
  await saveStatus(state);
  state.options.metrics.countRun(labels.namespace, labels.backup, 'succeeded');
  context.log.info('Backup run succeeded', { run: jobName, backupId: record.backupId, size: record.size });
  await context.events.record(
    backup,
    'Normal',
    BackupReason.RunSucceeded,
    `Backup ${record.backupId} (${record.size ?? 0} bytes, sha256 ${record.sha256?.slice(0, 12) ?? 'unknown'}) verified and stored`,
  );
  return progressPrune(state, active);
}

async function progressPrune(state: BackupState, active: BackupActiveRun): Promise<ReconcileResult> {
  const { context, backup } = state;
  const name = pruneJobName(active.jobName ?? '');
  const job = await findJob(state, name);
  if (job === undefined) {
    const body = buildRunnerJob({ backup, name, command: 'prune', defaultImage: state.options.runnerImage ?? '' });
    try {
      await context.client.create<V1Job>(resourceTypes.job, backup.metadata?.namespace, body);
    } catch (error) {
      if (!isAlreadyExists(error)) throw new Error(`while creating prune job ${name}`, { cause: error });
    }
    return requeueAfter(activeRecheckMs);
  }
  if (!isJobFinished(job)) {
    // The run's start is on the controller's clock, as is now; the Job's creationTimestamp is not.
    const runDeadlineMs = (backup.spec.job?.activeDeadlineSeconds ?? 3600) * 1000;
    const tooLate =
      ageMs(state, active.startTime) > runDeadlineMs + maintenanceDeadlineSeconds * 1000 + 2 * deadlineGraceMs;
    if (!tooLate) return requeueAfter(activeRecheckMs);
    await context.client.delete(resourceTypes.job, job.metadata?.namespace, name);
  }
  const outcome = isJobFinished(job)
    ? readJobOutcome(job, await listJobPods(state, name), 'prune')
    : { succeeded: false, result: undefined, message: `Job ${name} ran past its deadline and was stopped` };
  return finishPrune(state, active, outcome);
}

async function finishPrune(state: BackupState, active: BackupActiveRun, outcome: JobOutcome) {
  const { context, backup } = state;
  const record = state.status.lastRun ?? {};
  const kept = Array.isArray(outcome.result?.kept)
    ? (outcome.result.kept as { id?: unknown }[]).map((entry) => String(entry.id))
    : undefined;
  const deleted = Array.isArray(outcome.result?.deleted) ? outcome.result.deleted.length : 0;
  const policy = { keepLast: 7, ...backup.spec.retention };
  state.status.backups = updateHistory(
    state.status.backups,
    record,
    policy,
    backup.spec.timeZone ?? 'UTC',
    keptAfterPrune(state, outcome, kept),
  );
  state.status.activeRun = undefined;
  putCondition(state, {
    type: BackupCondition.Running,
    status: 'False',
    reason: BackupReason.Idle,
    message: 'No run is in progress',
  });
  state.status.phase = idlePhase(state);
  await unlockAfterRun(state.backup, active.jobName ?? '', context);
  await saveStatus(state);
  if (outcome.succeeded) {
    context.log.info('Expired backups pruned', { run: active.jobName, deleted });
    await context.events.record(backup, 'Normal', BackupReason.Pruned, `Pruned ${deleted} expired backups`);
  } else {
    context.log.warn('Prune failed', { run: active.jobName, failure: outcome.message });
    await context.events.record(backup, 'Warning', BackupReason.PruneFailed, `Prune failed: ${outcome.message}`);
  }
  await trimHistory(state);
  return undefined;
}

/** Deletes the Jobs of older runs once a run is recorded; a failure is logged, because the run itself is done. */
async function trimHistory(state: BackupState): Promise<void> {
  try {
    await trimJobHistory(state);
  } catch (error) {
    state.context.log.warn('Deleting the Jobs of older runs failed', { err: (error as Error).message });
  }
}

/** The ids retention kept: the prune's list, the policy's own decision when the list was cut, or every known id when the prune failed. */
function keptAfterPrune(state: BackupState, outcome: JobOutcome, kept: string[] | undefined): string[] | undefined {
  if (!outcome.succeeded) return (state.status.backups ?? []).map((item) => item.backupId ?? '');
  return outcome.result?.truncated === undefined ? kept : undefined;
}

/** The phase once the run is over, written with the run's result so readers never see a finished run still Running. */
function idlePhase(state: BackupState) {
  const { spec } = state.backup;
  return phaseOf(state.status, spec.schedule !== undefined, spec.suspend === true);
}
