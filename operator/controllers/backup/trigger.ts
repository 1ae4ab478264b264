import { runNowAnnotation } from '../../api/constants.ts';
import type { PlannerBackup } from '../../api/generated.ts';
import { runName, type RunTrigger } from './naming.ts';
import { decideSchedule, type ScheduleDecision } from './schedule.ts';

/** A run to start now, with its deterministic name. */
export interface PendingRun {
  trigger: RunTrigger;
  name: string;
  /** Scheduled time the run is for; the creation time for the single on-demand run. */
  scheduledTime: Date | undefined;
  /** Whether the run waits when blocked (on-demand and run-now) rather than being skipped. */
  waitsWhenBlocked: boolean;
}

/** The outcome of {@link decideRun}. */
export interface RunDecision {
  run: PendingRun | undefined;
  schedule: ScheduleDecision;
}

/**
 * Decides which run, if any, should start now for an idle PlannerBackup. Pure. In order: a new
 * value of the run-now annotation (it runs even while suspended, as an explicit request); the
 * single on-demand run of a PlannerBackup without a schedule, once; the latest due scheduled time.
 */
export function decideRun(backup: PlannerBackup, now: Date): RunDecision {
  const name = backup.metadata?.name ?? '';
  const status = backup.status ?? {};
  const createdAt = new Date(backup.metadata?.creationTimestamp ?? now);
  const lastScheduleTime = status.lastScheduleTime === undefined ? undefined : new Date(status.lastScheduleTime);
  const schedule = decideSchedule({
    schedule: backup.spec.schedule,
    timeZone: backup.spec.timeZone,
    suspend: backup.spec.suspend === true,
    startingDeadlineSeconds: backup.spec.startingDeadlineSeconds,
    createdAt,
    lastScheduleTime,
    now,
  });
  const runNow = backup.metadata?.annotations?.[runNowAnnotation];
  if (runNow !== undefined && runNow !== '' && runNow !== status.lastRunNowValue) {
    const trigger: RunTrigger = { kind: 'RunNow', value: runNow };
    return {
      run: { trigger, name: runName(name, trigger), scheduledTime: undefined, waitsWhenBlocked: true },
      schedule: { ...schedule, due: undefined, skipped: [], lastScheduleTime: undefined },
    };
  }
  if (backup.spec.schedule === undefined) {
    if (lastScheduleTime !== undefined || status.lastRun !== undefined) return { run: undefined, schedule };
    const trigger: RunTrigger = { kind: 'Once', createdAt };
    return {
      run: { trigger, name: runName(name, trigger), scheduledTime: createdAt, waitsWhenBlocked: true },
      schedule,
    };
  }
  if (schedule.due === undefined) return { run: undefined, schedule };
  const trigger: RunTrigger = { kind: 'Schedule', scheduledTime: schedule.due };
  return {
    run: { trigger, name: runName(name, trigger), scheduledTime: schedule.due, waitsWhenBlocked: false },
    schedule,
  };
}
