import { createHash } from 'node:crypto';

/**
 * Longest name of a run's Job. The Job controller copies the name into the pods' job-name label,
 * whose values stop at 63 characters, and the prune Job adds {@link pruneSuffix}.
 */
const maxRunNameLength = 63 - 6;

/** Suffix of the prune Job that follows a successful run. */
export const pruneSuffix = '-prune';

/** Name of the Job that deletes the stored backups of a PlannerBackup with deletionPolicy Delete. */
export function deleteJobName(backup: string): string {
  return `${shortened(backup, 63 - 7)}-delete`;
}

/** What started a run. */
export type RunTrigger =
  { kind: 'Schedule'; scheduledTime: Date } | { kind: 'Once'; createdAt: Date } | { kind: 'RunNow'; value: string };

function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function shortened(name: string, max: number): string {
  if (name.length <= max) return name;
  return `${name.slice(0, max - 7).replace(/[-.]+$/, '')}-${digest(name, 6)}`;
}

/** UTC minute stamp such as 202612040200. */
export function minuteStamp(time: Date): string {
  return time.toISOString().slice(0, 16).replace(/[-:T]/g, '');
}

/**
 * Deterministic name of a run, used as its Job name and backup id: the same trigger always gives
 * the same name, so an operator restarted mid-run finds the Job it created instead of starting a
 * second one. Scheduled and single on-demand runs are `<backup>-<yyyymmddhhmm>` (UTC);
 * run-now requests are `<backup>-now-<hash of the annotation value>`. Long backup names are cut
 * and given a hash, so that the result stays a valid Job name of at most 57 characters.
 */
export function runName(backup: string, trigger: RunTrigger): string {
  const suffix =
    trigger.kind === 'RunNow'
      ? `now-${digest(trigger.value, 8)}`
      : minuteStamp(trigger.kind === 'Schedule' ? trigger.scheduledTime : trigger.createdAt);
  return `${shortened(backup, maxRunNameLength - suffix.length - 1)}-${suffix}`;
}

/** Name of the prune Job that follows run `jobName`. */
export function pruneJobName(jobName: string): string {
  return `${jobName}${pruneSuffix}`;
}
