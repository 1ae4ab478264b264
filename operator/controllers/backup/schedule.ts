import { CronExpressionParser } from 'cron-parser';

/** Most missed times counted after downtime; older ones are summarised, never run. */
const maxMissedCount = 1000;

/** The scheduling fields of a PlannerBackup spec and status that decide when a run is due. */
export interface ScheduleInput {
  schedule: string | undefined;
  timeZone: string | undefined;
  suspend: boolean;
  startingDeadlineSeconds: number | undefined;
  /** When the PlannerBackup was created; scheduled times before it never count. */
  createdAt: Date;
  /** Scheduled time of the last run started or skipped (status.lastScheduleTime). */
  lastScheduleTime: Date | undefined;
  now: Date;
}

/** A scheduled time that does not start a run, with its CamelCase reason. */
export interface SkipDecision {
  scheduledTime: Date;
  reason: string;
  message: string;
}

/** The outcome of {@link decideSchedule}. */
export interface ScheduleDecision {
  /** The scheduled time to run now, if any: the latest missed time, once. */
  due: Date | undefined;
  /** Scheduled times passed over; record them as skipped runs. */
  skipped: SkipDecision[];
  /** Where lastScheduleTime moves to (the latest time run or skipped), or undefined to keep it. */
  lastScheduleTime: Date | undefined;
  /** The first scheduled time after now; undefined without a schedule. */
  next: Date | undefined;
}

/** Whether zone is an IANA time zone name that this runtime supports. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a cron expression and time zone. Returns a message that names what is wrong, or undefined
 * when both are valid.
 */
export function scheduleProblem(schedule: string, timeZone: string | undefined): string | undefined {
  const zone = timeZone ?? 'UTC';
  if (!isKnownTimeZone(zone)) return `time zone "${zone}" is not a known IANA time zone name`;
  if (!schedule.startsWith('@') && schedule.trim().split(/\s+/).length !== 5) {
    return `cron expression "${schedule}" must have five fields (minute hour day-of-month month day-of-week)`;
  }
  try {
    CronExpressionParser.parse(schedule, { tz: zone });
  } catch (error) {
    return `cron expression "${schedule}" is invalid: ${(error as Error).message}`;
  }
  return undefined;
}

/** The first time of the schedule strictly after `after`. Throws for an invalid schedule. */
export function nextScheduleTime(schedule: string, timeZone: string | undefined, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: timeZone ?? 'UTC' })
    .next()
    .toDate();
}

/** Scheduled times in (since, until], oldest first, at most maxMissedCount of the latest ones. */
function timesBetween(schedule: string, timeZone: string | undefined, since: Date, until: Date) {
  // prev() is strictly before currentDate, so one millisecond later makes a time exactly at `until` count.
  const iterator = CronExpressionParser.parse(schedule, {
    currentDate: new Date(until.getTime() + 1),
    tz: timeZone ?? 'UTC',
  });
  const times: Date[] = [];
  let more = false;
  while (iterator.hasPrev()) {
    const time = iterator.prev().toDate();
    if (time <= since) break;
    if (times.length === maxMissedCount) {
      more = true;
      break;
    }
    times.unshift(time);
  }
  return { times, more };
}

/**
 * Decides whether a scheduled run is due at now. Pure: the clock and the last scheduled time are
 * inputs. After downtime only the latest missed time runs (a catch-up), and only while it is within
 * startingDeadlineSeconds; the earlier missed times are reported as one MissedRuns skip, so a burst
 * of runs never starts. While suspended the latest missed time is skipped with reason Suspended.
 * Without a schedule nothing is ever due here: the single on-demand run is decided elsewhere.
 * Throws for an invalid schedule; check it with {@link scheduleProblem} first.
 */
export function decideSchedule(input: ScheduleInput): ScheduleDecision {
  if (input.schedule === undefined) {
    return { due: undefined, skipped: [], lastScheduleTime: undefined, next: undefined };
  }
  const since = input.lastScheduleTime ?? input.createdAt;
  const next = nextScheduleTime(input.schedule, input.timeZone, input.now);
  const { times, more } = timesBetween(input.schedule, input.timeZone, since, input.now);
  const latest = times.at(-1);
  if (latest === undefined) return { due: undefined, skipped: [], lastScheduleTime: undefined, next };

  const skipped: SkipDecision[] = [];
  const earlier = times.length - 1;
  if (earlier > 0) {
    const count = more ? `more than ${earlier}` : String(earlier);
    skipped.push({
      scheduledTime: times[earlier - 1] as Date,
      reason: 'MissedRuns',
      message: `${count} earlier scheduled runs were missed; only the latest one is considered`,
    });
  }
  if (input.suspend) {
    skipped.push({ scheduledTime: latest, reason: 'Suspended', message: 'spec.suspend is true' });
    return { due: undefined, skipped, lastScheduleTime: latest, next };
  }
  const lateSeconds = (input.now.getTime() - latest.getTime()) / 1000;
  if (input.startingDeadlineSeconds !== undefined && lateSeconds > input.startingDeadlineSeconds) {
    skipped.push({
      scheduledTime: latest,
      reason: 'MissedDeadline',
      message: `the run was due ${Math.round(lateSeconds)}s ago, past startingDeadlineSeconds ${input.startingDeadlineSeconds}`,
    });
    return { due: undefined, skipped, lastScheduleTime: latest, next };
  }
  return { due: latest, skipped, lastScheduleTime: latest, next };
}
