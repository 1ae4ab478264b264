import type { BackupRecord, PlannerBackupStatus, SkippedRun } from '../../api/generated.ts';
import type { ConditionInput } from '../../runtime/conditions.ts';
import { BackupCondition, BackupReason } from './reasons.ts';
import { decideRetention, type RetentionPolicy } from '../../runner/retention.ts';
import type { SkipDecision } from './schedule.ts';

/** Most entries of status.backups, as the CRD allows. */
export const maxHistory = 100;

/** Most entries of status.skippedRuns, as the CRD allows. */
export const maxSkippedRuns = 20;

/** Maximum length of a status message, as the CRD allows. */
const maxMessageLength = 4096;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Facts about a run that the controller has without the runner's result. */
export interface RunFacts {
  jobName: string;
  location: string;
  startTime: string;
  completionTime: string;
  format: 'custom' | 'plain';
}

/**
 * The record of a finished run, from the runner's result when there is one. The location is the
 * dump's URL in the PlannerBackup's storage, not the runner's view of its mount.
 */
export function buildRunRecord(
  facts: RunFacts,
  succeeded: boolean,
  result: Record<string, unknown> | undefined,
  message: string | undefined,
): BackupRecord {
  const dumpKey = text(result?.dumpKey);
  const startTime = text(result?.startedAt) ?? facts.startTime;
  const completionTime = text(result?.completedAt) ?? facts.completionTime;
  const duration =
    count(result?.durationSeconds) ?? Math.max(0, (Date.parse(completionTime) - Date.parse(startTime)) / 1000);
  const sha256 = text(result?.sha256);
  return {
    backupId: text(result?.backupId) ?? facts.jobName,
    location: dumpKey === undefined ? facts.location : `${facts.location}/${dumpKey}`,
    size: count(result?.size),
    sha256: sha256 !== undefined && /^[a-f0-9]{64}$/.test(sha256) ? sha256 : undefined,
    serverVersion: text(result?.serverVersion),
    format: result?.format === 'plain' || result?.format === 'custom' ? result.format : facts.format,
    startTime,
    completionTime,
    durationSeconds: Math.round(duration * 1000) / 1000,
    result: succeeded ? 'Succeeded' : 'Failed',
    jobName: facts.jobName,
    message: message?.slice(0, maxMessageLength),
  };
}

/**
 * The status fields that change when a run finishes: lastRun, lastSuccessfulTime and
 * consecutiveFailures (reset by a success, else one more).
 */
export function recordFinishedRun(status: PlannerBackupStatus, record: BackupRecord): PlannerBackupStatus {
  const succeeded = record.result === 'Succeeded';
  return {
    ...status,
    lastRun: record,
    lastSuccessfulTime: succeeded ? record.completionTime : status.lastSuccessfulTime,
    consecutiveFailures: succeeded ? 0 : (status.consecutiveFailures ?? 0) + 1,
  };
}

/**
 * The retained backups after a successful run, newest first, at most {@link maxHistory}: the new
 * record plus the earlier ones that retention keeps. `keptIds` is the prune Job's list when it
 * reported one; otherwise the policy is applied to the known records, as the runner would.
 */
export function updateHistory(
  history: readonly BackupRecord[] | undefined,
  record: BackupRecord,
  policy: RetentionPolicy,
  timeZone: string,
  keptIds: readonly string[] | undefined,
): BackupRecord[] {
  const all = [record, ...(history ?? []).filter((item) => item.backupId !== record.backupId)];
  let kept: Set<string | undefined>;
  if (keptIds !== undefined) {
    kept = new Set([...keptIds, record.backupId]);
  } else {
    const candidates = all.map((item) => ({
      id: item.backupId ?? '',
      completedAt: new Date(item.completionTime ?? 0),
    }));
    kept = new Set(decideRetention(candidates, policy, timeZone).keep.map((entry) => entry.id));
  }
  return all
    .filter((item) => kept.has(item.backupId))
    .sort((a, b) => (b.completionTime ?? '').localeCompare(a.completionTime ?? ''))
    .slice(0, maxHistory);
}

/** Adds skipped runs to the list, newest first, at most {@link maxSkippedRuns}; a time already listed is replaced. */
export function addSkippedRuns(list: readonly SkippedRun[] | undefined, skips: readonly SkipDecision[]): SkippedRun[] {
  const added: SkippedRun[] = skips.map((skip) => ({
    scheduledTime: skip.scheduledTime.toISOString(),
    reason: skip.reason,
    message: skip.message.slice(0, 1024),
  }));
  const times = new Set(added.map((item) => item.scheduledTime));
  return [...added, ...(list ?? []).filter((item) => !times.has(item.scheduledTime))]
    .sort((a, b) => b.scheduledTime.localeCompare(a.scheduledTime))
    .slice(0, maxSkippedRuns);
}

/** The summary phase: Running, Suspended, the last run's result, then Scheduled or Pending. */
export function phaseOf(
  status: PlannerBackupStatus,
  scheduled: boolean,
  suspended: boolean,
): NonNullable<PlannerBackupStatus['phase']> {
  if (status.activeRun !== undefined) return 'Running';
  if (scheduled && suspended) return 'Suspended';
  if (status.lastRun?.result !== undefined && !scheduled) return status.lastRun.result;
  if (status.lastRun?.result === 'Failed') return 'Failed';
  return scheduled ? 'Scheduled' : 'Pending';
}

/**
 * The Ready condition: False with the problem's reason when the spec or its app is unusable,
 * else from the last finished run (True before the first run).
 */
export function readyCondition(
  status: PlannerBackupStatus,
  problem: { reason: string; message: string } | undefined,
): ConditionInput {
  const type = BackupCondition.Ready;
  if (problem !== undefined) return { type, status: 'False', ...problem };
  const last = status.lastRun;
  if (last === undefined)
    return { type, status: 'True', reason: BackupReason.NoRunYet, message: 'No run has finished yet' };
  if (last.result === 'Succeeded') {
    return {
      type,
      status: 'True',
      reason: BackupReason.RunSucceeded,
      message: `Backup ${last.backupId} is verified and stored at ${last.location}`,
    };
  }
  return {
    type,
    status: 'False',
    reason: BackupReason.RunFailed,
    message: `Run ${last.jobName} failed: ${last.message}`,
  };
}
