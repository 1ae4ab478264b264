/** Condition types of a PlannerRestore. */
export const RestoreCondition = {
  /** True once the backup's dump matched its manifest (size and sha256); False when it did not or is missing. */
  BackupVerified: 'BackupVerified',
  /** True while this restore holds the app's lock; False while it waits for another holder. */
  AppLocked: 'AppLocked',
  /** True once no pod of the app is left; False while scaling to zero. */
  AppQuiesced: 'AppQuiesced',
  /** True once the safety backup finished; False when it failed. */
  SafetyBackupTaken: 'SafetyBackupTaken',
  /** True once the runner restored the dump and the row counts matched; False when the restore failed. */
  DatabaseRestored: 'DatabaseRestored',
  /** True when the restore failed; the reason names the step. Set before the app resumes. */
  Failed: 'Failed',
  /** True when the restore succeeded and the app runs again. */
  Complete: 'Complete',
} as const;

/** Condition reasons and Event reasons of the PlannerRestore controller. */
export const RestoreReason = {
  /** The operator picked the restore up. */
  Started: 'Started',
  /** The PlannerApp named by spec.appRef does not exist. */
  AppNotFound: 'AppNotFound',
  /** The PlannerBackup named by spec.source.backupRef does not exist. */
  BackupNotFound: 'BackupNotFound',
  /** The PlannerBackup has no successful backup to restore. */
  NoSuccessfulBackup: 'NoSuccessfulBackup',
  /** The restore cannot run as specified, for example without a runner image. */
  InvalidSpec: 'InvalidSpec',
  /** Another backup or restore holds the app's lock; the restore waits. */
  WaitingForLock: 'WaitingForLock',
  /** The restore holds the app's lock. */
  LockAcquired: 'LockAcquired',
  /** The verify Job checked the dump against its manifest. */
  ChecksumVerified: 'ChecksumVerified',
  /** The dump's size or sha256 differs from its manifest, or its archive cannot be listed. */
  ChecksumMismatch: 'ChecksumMismatch',
  /** A runner Job failed for a reason other than the ones above (storage, connection, killed pod). */
  JobFailed: 'JobFailed',
  /** The app is being scaled to zero. */
  Quiescing: 'Quiescing',
  /** No pod of the app is left. */
  Quiesced: 'Quiesced',
  /** spec.quiesce is false: the app keeps running during the restore. */
  QuiesceSkipped: 'QuiesceSkipped',
  /** The safety backup is running. */
  SafetyBackupRunning: 'SafetyBackupRunning',
  /** The safety backup finished. */
  SafetyBackupSucceeded: 'SafetyBackupSucceeded',
  /** The safety backup failed; nothing was restored. */
  SafetyBackupFailed: 'SafetyBackupFailed',
  /** spec.safetyBackup is false. */
  SafetyBackupSkipped: 'SafetyBackupSkipped',
  /** The restore Job is running. */
  Restoring: 'Restoring',
  /** The runner restored the dump and the row counts match the manifest. */
  RestoreSucceeded: 'RestoreSucceeded',
  /** pg_restore or psql failed and the transaction was rolled back: the database is as it was. */
  RestoreFailed: 'RestoreFailed',
  /** The restore was committed but the row counts differ from the manifest. */
  RowCountMismatch: 'RowCountMismatch',
  /** The app is being brought back to its previous replicas. */
  Resuming: 'Resuming',
  /** The restore finished and the app runs again. */
  Succeeded: 'Succeeded',
} as const;

/** Identity of a restore as holder of the app's lock and of its quiesce. */
export function restoreHolder(name: string): string {
  return `restore/${name}`;
}
