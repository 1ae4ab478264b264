/**
 * Why a runner command failed. Each reason has its own exit code, listed in
 * {@link exitCodes}, so a controller can tell them apart from the container's exit code alone.
 */
export type FailureReason =
  /** A flag or environment variable is missing or invalid. */
  | 'InvalidConfiguration'
  /** The database could not be reached or rejected the credentials. */
  | 'ConnectionFailed'
  /** pg_dump failed or the server went away while it ran. */
  | 'DumpFailed'
  /** The storage could not be written, read or listed. */
  | 'StorageFailed'
  /** A stored dump does not match its manifest, or its archive or row counts are wrong. */
  | 'VerificationFailed'
  /** pg_restore or psql failed; the single transaction was rolled back. */
  | 'RestoreFailed'
  /** The requested backup has no manifest in the storage. */
  | 'BackupNotFound'
  /** The runner received SIGTERM or SIGINT and stopped. */
  | 'Interrupted'
  /** A bug in the runner. */
  | 'InternalError';

/** Exit codes of `planner-backup`; 0 is success. */
export const exitCodes: Readonly<Record<FailureReason, number>> = {
  InternalError: 1,
  InvalidConfiguration: 2,
  ConnectionFailed: 3,
  DumpFailed: 4,
  StorageFailed: 5,
  VerificationFailed: 6,
  RestoreFailed: 7,
  BackupNotFound: 8,
  Interrupted: 9,
};

/** A failure the runner reports with a reason, a message saying what failed, and a hint saying what to do. */
export class RunnerError extends Error {
  readonly reason: FailureReason;
  readonly hint: string | undefined;
  /** Extra fields for the result document, such as the backup id or the row count mismatches. */
  details: Record<string, unknown>;

  constructor(
    reason: FailureReason,
    message: string,
    options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunnerError';
    this.reason = reason;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  get exitCode(): number {
    return exitCodes[this.reason];
  }
}

/** Wraps any thrown value as a RunnerError, keeping one that already is. */
export function toRunnerError(error: unknown, fallback: FailureReason, context: string): RunnerError {
  if (error instanceof RunnerError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new RunnerError(fallback, `${context}: ${reason}`, { cause: error });
}
