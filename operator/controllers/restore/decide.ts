import { constants } from 'node:os';
import type { BackupRecord, PlannerBackup, PlannerRestoreSpec, PlannerRestoreStatus } from '../../api/generated.ts';
import { RestoreReason } from './reasons.ts';

/** Phase of a PlannerRestore. */
export type RestorePhase = NonNullable<PlannerRestoreStatus['phase']>;

/** Whether phase is final: the restore never runs again. */
export function isFinalPhase(phase: RestorePhase | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * The phase after `phase` once its work is done, skipping the steps the spec turns off
 * (spec.quiesce and spec.safetyBackup default to true). Resuming ends in Failed when `failed`.
 */
export function nextPhase(phase: RestorePhase, spec: PlannerRestoreSpec, failed = false): RestorePhase {
  const quiesce = spec.quiesce !== false;
  const safety = spec.safetyBackup !== false;
  switch (phase) {
    case 'Pending':
      if (quiesce) return 'Quiescing';
      return safety ? 'SafetyBackup' : 'Restoring';
    case 'Quiescing':
      return safety ? 'SafetyBackup' : 'Restoring';
    case 'SafetyBackup':
      return 'Restoring';
    case 'Restoring':
      return 'Resuming';
    case 'Resuming':
      return failed ? 'Failed' : 'Succeeded';
    default:
      return phase;
  }
}

/** Outcome of choosing the backup of a PlannerBackup to restore. */
export type BackupChoice =
  { found: true; id: string; record: BackupRecord | undefined } | { found: false; reason: string; message: string };

/**
 * Picks the backup to restore from a PlannerBackup: the requested id when given (a successful
 * backup in the status history, or an id the history no longer lists, which the verify Job then
 * looks up in storage), else the newest successful backup by completion time.
 */
export function chooseBackup(backup: PlannerBackup, requestedId: string | undefined): BackupChoice {
  const name = backup.metadata?.name ?? '';
  const successful = successfulBackups(backup);
  if (requestedId !== undefined) {
    const record = successful.find((item) => item.backupId === requestedId);
    return { found: true, id: requestedId, record };
  }
  const newest = successful[0];
  if (newest?.backupId === undefined) {
    return {
      found: false,
      reason: RestoreReason.NoSuccessfulBackup,
      message: `PlannerBackup ${name} has no successful backup yet; run one with "kubectl planner backup now ${name} --wait" or name a backup id`,
    };
  }
  return { found: true, id: newest.backupId, record: newest };
}

/** Successful backups of a PlannerBackup's status (history and last run), newest first, without duplicates. */
export function successfulBackups(backup: PlannerBackup): BackupRecord[] {
  const records = [...(backup.status?.backups ?? [])];
  const last = backup.status?.lastRun;
  if (last !== undefined) records.push(last);
  const byId = new Map<string, BackupRecord>();
  for (const record of records) {
    if (record.result !== 'Succeeded' || record.backupId === undefined) continue;
    if (!byId.has(record.backupId)) byId.set(record.backupId, record);
  }
  return [...byId.values()].sort((a, b) => timeOf(b) - timeOf(a));
}

function timeOf(record: BackupRecord): number {
  const text = record.completionTime ?? record.startTime;
  return text === undefined ? 0 : new Date(text).getTime();
}

/** Outcome of one Job, from the runner's termination message and exit code. */
export interface RunnerOutcome {
  succeeded: boolean;
  /** Restore condition reason for a failure. */
  reason?: string;
  /** One sentence for status and Events. */
  message: string;
  /** The parsed result document, when the message was JSON. */
  result?: Record<string, unknown>;
}

/**
 * Reads a runner Job's result. `message` is the container's termination message (the runner's
 * JSON document, or anything else when the pod was killed); `exitCode` the container's exit code.
 * A missing or unreadable document is a failure, even with exit code 0.
 */
export function interpretRunnerResult(
  command: 'verify' | 'restore',
  backupId: string,
  exitCode: number | undefined,
  message: string | undefined,
): RunnerOutcome {
  const result = parseResult(message);
  if (result === undefined) {
    const code = exitCode === undefined ? 'no exit code' : `exit code ${exitCode}${describeSignalExit(exitCode)}`;
    return {
      succeeded: false,
      reason: RestoreReason.JobFailed,
      message: `${command} of backup ${backupId} failed with ${code} and no result; see the Job's pod logs`,
    };
  }
  if (result.status === 'Succeeded' && exitCode === 0) {
    return { succeeded: true, message: `${command} of backup ${backupId} succeeded`, result };
  }
  const detail = [text(result.message), text(result.hint)].filter((part) => part !== '').join(' ');
  return {
    succeeded: false,
    reason: failureReason(command, result),
    message: `${failureSummary(command, backupId, result)}${detail === '' ? '' : `: ${detail}`}`,
    result,
  };
}

/**
 * Names the signal behind an exit code above 128, which container runtimes report for a process
 * ended by signal `code - 128`. Code 137 is SIGKILL, which the kernel's out-of-memory killer sends,
 * and so does the kubelet when a pod outlives its termination grace period.
 */
function describeSignalExit(code: number): string {
  if (code <= 128) return '';
  const signal = code - 128;
  const name = Object.entries(constants.signals).find(([, value]) => value === signal)?.[0];
  if (name === undefined) return '';
  const hint = name === 'SIGKILL' ? ', for example out of memory or a grace period that ran out' : '';
  return ` (killed by ${name}${hint})`;
}

function failureReason(command: 'verify' | 'restore', result: Record<string, unknown>): string {
  switch (result.reason) {
    case 'BackupNotFound':
      return RestoreReason.BackupNotFound;
    case 'VerificationFailed':
      if (Array.isArray(result.mismatches)) return RestoreReason.RowCountMismatch;
      return RestoreReason.ChecksumMismatch;
    case 'RestoreFailed':
      return RestoreReason.RestoreFailed;
    default:
      return command === 'restore' ? RestoreReason.RestoreFailed : RestoreReason.JobFailed;
  }
}

function failureSummary(command: 'verify' | 'restore', backupId: string, result: Record<string, unknown>): string {
  switch (failureReason(command, result)) {
    case RestoreReason.BackupNotFound:
      return `backup ${backupId} not found in storage`;
    case RestoreReason.ChecksumMismatch:
      return `checksum mismatch for backup ${backupId}`;
    case RestoreReason.RowCountMismatch:
      return `row counts differ from the manifest of backup ${backupId}`;
    default:
      return `${command} of backup ${backupId} failed (${text(result.reason) || 'unknown reason'})`;
  }
}

function parseResult(message: string | undefined): Record<string, unknown> | undefined {
  if (message === undefined || message.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
