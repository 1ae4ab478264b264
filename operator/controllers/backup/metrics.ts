import { Counter, Gauge, type Registry } from 'prom-client';
import type { PlannerBackup } from '../../api/generated.ts';

/** Outcome label of {@link BackupMetrics.runs}. */
export type RunOutcome = 'succeeded' | 'failed' | 'skipped';

/**
 * The PlannerBackup metrics on the operator's /metrics, labelled by namespace and backup (the
 * PlannerBackup name). The gauges are set from status on every reconcile, so they are right again
 * soon after an operator restart; the counter counts the runs this process saw finish or skip.
 */
export class BackupMetrics {
  /** Runs finished or skipped, by outcome. */
  readonly runs: Counter<'namespace' | 'backup' | 'outcome'>;
  /** Completion time of the last successful run, in Unix seconds. */
  readonly lastSuccess: Gauge<'namespace' | 'backup'>;
  /** Wall time of the last successful run, in seconds. */
  readonly lastDuration: Gauge<'namespace' | 'backup'>;
  /** Size of the last successful run's dump, in bytes. */
  readonly lastSize: Gauge<'namespace' | 'backup'>;
  /** Failed runs since the last success. */
  readonly consecutiveFailures: Gauge<'namespace' | 'backup'>;

  constructor(registry: Registry) {
    const labelNames = ['namespace', 'backup'] as const;
    this.runs = new Counter({
      name: 'planner_backup_runs_total',
      help: 'PlannerBackup runs finished or skipped, by outcome (succeeded, failed, skipped).',
      labelNames: [...labelNames, 'outcome'],
      registers: [registry],
    });
    this.lastSuccess = new Gauge({
      name: 'planner_backup_last_success_timestamp_seconds',
      help: 'Completion time of the last successful PlannerBackup run, in Unix seconds.',
      labelNames,
      registers: [registry],
    });
    this.lastDuration = new Gauge({
      name: 'planner_backup_last_duration_seconds',
      help: 'Wall time of the last successful PlannerBackup run, in seconds.',
      labelNames,
      registers: [registry],
    });
    this.lastSize = new Gauge({
      name: 'planner_backup_last_size_bytes',
      help: 'Size of the dump of the last successful PlannerBackup run, in bytes.',
      labelNames,
      registers: [registry],
    });
    this.consecutiveFailures = new Gauge({
      name: 'planner_backup_consecutive_failures',
      help: 'Failed PlannerBackup runs since the last successful one.',
      labelNames,
      registers: [registry],
    });
  }

  /** Counts a finished or skipped run. */
  countRun(namespace: string, backup: string, outcome: RunOutcome, runs = 1): void {
    this.runs.inc({ namespace, backup, outcome }, runs);
  }

  /** Sets the gauges of one PlannerBackup from its status. */
  observeStatus(backup: PlannerBackup): void {
    const labels = { namespace: backup.metadata?.namespace ?? '', backup: backup.metadata?.name ?? '' };
    const status = backup.status ?? {};
    this.consecutiveFailures.set(labels, status.consecutiveFailures ?? 0);
    if (status.lastSuccessfulTime !== undefined) {
      this.lastSuccess.set(labels, Date.parse(status.lastSuccessfulTime) / 1000);
    }
    const last = status.backups?.[0] ?? (status.lastRun?.result === 'Succeeded' ? status.lastRun : undefined);
    if (last?.durationSeconds !== undefined) this.lastDuration.set(labels, last.durationSeconds);
    if (last?.size !== undefined) this.lastSize.set(labels, last.size);
  }

  /** Removes the series of a deleted PlannerBackup. */
  forget(namespace: string, backup: string): void {
    const labels = { namespace, backup };
    for (const gauge of [this.lastSuccess, this.lastDuration, this.lastSize, this.consecutiveFailures]) {
      gauge.remove(labels);
    }
    for (const outcome of ['succeeded', 'failed', 'skipped']) this.runs.remove({ ...labels, outcome });
  }
}
