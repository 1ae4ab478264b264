/** Condition types of a PlannerBackup. */
export const BackupCondition = {
  /** True when the spec is valid and the last finished run succeeded (or none has run yet). */
  Ready: 'Ready',
  /** True while a run (its backup Job, then its prune Job) is in progress. */
  Running: 'Running',
} as const;

/** Condition reasons and Event reasons of the PlannerBackup controller. */
export const BackupReason = {
  /** The schedule, time zone or storage in the spec cannot be used; the user must fix the spec. */
  InvalidSpec: 'InvalidSpec',
  /** Neither spec.job.image nor the operator's --runner-image is set. */
  RunnerImageMissing: 'RunnerImageMissing',
  /** The PlannerApp named by spec.appRef does not exist. */
  AppNotFound: 'AppNotFound',
  /** No run has finished yet. */
  NoRunYet: 'NoRunYet',
  /** A run's backup Job was created. */
  RunStarted: 'RunStarted',
  /** A run produced a verified backup. */
  RunSucceeded: 'RunSucceeded',
  /** A run failed: the runner reported an error, its pod vanished, or it passed its deadline. */
  RunFailed: 'RunFailed',
  /** A scheduled time passed without a run; status.skippedRuns has the detail. */
  RunSkipped: 'RunSkipped',
  /** An on-demand or run-now run waits for the app's lock or for a restore to finish. */
  RunWaiting: 'RunWaiting',
  /** Another backup, prune or restore holds the app's lock. */
  AnotherRunActive: 'AnotherRunActive',
  /** The app is quiesced for a restore. */
  AppRestoring: 'AppRestoring',
  /** Expired backups were pruned after a successful run. */
  Pruned: 'Pruned',
  /** The prune Job after a successful run failed; the backup itself still counts. */
  PruneFailed: 'PruneFailed',
  /** The run's Job disappeared before it finished. */
  JobMissing: 'JobMissing',
  /** The run's Job was still running well past its activeDeadlineSeconds and was stopped. */
  DeadlineExceeded: 'DeadlineExceeded',
  /** The stored backups were deleted because deletionPolicy is Delete. */
  BackupsDeleted: 'BackupsDeleted',
  /** Deleting the stored backups failed; the finalizer stays until it succeeds. */
  DeleteFailed: 'DeleteFailed',
  /** The PlannerBackup is idle and waits for its next run. */
  Idle: 'Idle',
  /** A run is in progress. */
  InProgress: 'InProgress',
} as const;
