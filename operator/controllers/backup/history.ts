import type { V1Job } from '@kubernetes/client-node';
import { resourceTypes } from '../../api/resources.ts';
import { backupLabel, jobKindLabel } from './job.ts';
import { pruneSuffix } from './naming.ts';
import { isJobFinished } from './outcome.ts';
import type { BackupState } from './state.ts';

/** Number of recent runs whose Jobs stay in the cluster for `kubectl logs`. */
export const keptRunJobs = 3;

/** A Job of a PlannerBackup, reduced to the fields that the history selection uses. */
export interface JobSummary {
  name: string;
  /** creationTimestamp in milliseconds since the epoch; 0 when missing, so it sorts as the oldest. */
  createdMs: number;
  finished: boolean;
}

/**
 * Returns the names of the Jobs to delete: those of every run older than the newest `keep` runs.
 * A run's Job and its prune Job count as one run, and a run with an unfinished Job is never chosen.
 */
export function expiredRunJobs(jobs: JobSummary[], keep: number): string[] {
  const runs = new Map<string, JobSummary[]>();
  for (const job of jobs) {
    const run = job.name.endsWith(pruneSuffix) ? job.name.slice(0, -pruneSuffix.length) : job.name;
    runs.set(run, [...(runs.get(run) ?? []), job]);
  }
  const createdMs = (group: JobSummary[]) => Math.min(...group.map((job) => job.createdMs || 0));
  const newestFirst = [...runs.values()].sort((a, b) => createdMs(b) - createdMs(a));
  return newestFirst
    .slice(Math.max(keep, 0))
    .filter((group) => group.every((job) => job.finished))
    .flatMap((group) => group.map((job) => job.name))
    .sort();
}

/** Deletes the finished backup and prune Jobs of this PlannerBackup's older runs, leaving the active run's Jobs alone. */
export async function trimJobHistory(state: BackupState): Promise<void> {
  const { context, backup } = state;
  const namespace = backup.metadata?.namespace ?? '';
  const name = backup.metadata?.name ?? '';
  const active = state.status.activeRun?.jobName;
  const list = await context.client.list<V1Job>(resourceTypes.job, namespace, {
    labelSelector: `${backupLabel}=${name},${jobKindLabel} in (backup,prune)`,
  });
  const jobs = list.items
    .map((job) => ({
      name: job.metadata?.name ?? '',
      createdMs: new Date(job.metadata?.creationTimestamp ?? 0).getTime(),
      finished: isJobFinished(job),
    }))
    .filter((job) => active === undefined || (job.name !== active && job.name !== `${active}${pruneSuffix}`));
  for (const job of expiredRunJobs(jobs, keptRunJobs)) {
    await context.client.delete(resourceTypes.job, namespace, job, { propagationPolicy: 'Background' });
    context.log.debug('Deleted the Job of an older run', { job });
  }
}
