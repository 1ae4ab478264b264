import { CronExpressionParser } from 'cron-parser';
import type { ReplicaSchedule } from '../../api/generated.ts';

/** Maximum window of a schedule: 31 days. A longer one is reported as invalid. */
export const maxWindowMs = 31 * 24 * 3_600_000;

/** A schedule that cannot be evaluated, with the reason. */
export interface InvalidSchedule {
  name: string;
  message: string;
}

/** The replica bounds in force at one instant, and when they may change next. */
export interface ScheduleEvaluation {
  effectiveMin: number;
  effectiveMax: number;
  /** Names of the schedules whose window contains the instant, in spec order. */
  active: string[];
  /** The next window start or end after the instant; undefined without valid schedules. */
  nextChange: Date | undefined;
  invalid: InvalidSchedule[];
}

/**
 * Parses a duration such as 8h, 90m or 1h30m15s into milliseconds. Throws for an empty, zero or
 * malformed value.
 */
export function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (match === null || text === '') throw new Error(`duration "${text}" is not like 8h, 90m or 1h30m`);
  const [hours, minutes, seconds] = [match[1], match[2], match[3]].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
  ];
  const ms = ((hours * 60 + minutes) * 60 + seconds) * 1000;
  if (ms <= 0) throw new Error(`duration "${text}" must be longer than zero`);
  return ms;
}

/** Whether zone is an IANA time zone name that this runtime supports. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface Window {
  start: Date;
  /** End of the window, extended through the windows that start before it ends. */
  end: Date;
  /** Next start after now. */
  next: Date;
}

/** Bound on how many overlapping windows are chained into one; an every-minute schedule reaches it after 1,000 minutes. */
const maxChainedWindows = 1000;

/**
 * The latest window of a schedule starting at or before now, and the next start after now.
 * Throws with a readable message for an invalid cron expression, time zone or duration.
 */
export function windowAround(schedule: ReplicaSchedule, now: Date): Window {
  const zone = schedule.timeZone ?? 'UTC';
  if (!isValidTimeZone(zone)) throw new Error(`time zone "${zone}" is not a known IANA time zone name`);
  if (!schedule.cron.startsWith('@') && schedule.cron.trim().split(/\s+/).length !== 5) {
    throw new Error(`cron expression "${schedule.cron}" must have five fields`);
  }
  const durationMs = parseDuration(schedule.duration);
  if (durationMs > maxWindowMs) throw new Error(`duration "${schedule.duration}" is longer than 744h`);
  // prev() is strictly before currentDate, so one millisecond later makes a window starting exactly now count.
  const options = { currentDate: new Date(now.getTime() + 1), tz: zone };
  let start: Date;
  let next: Date;
  let end: Date;
  try {
    start = CronExpressionParser.parse(schedule.cron, options).prev().toDate();
    next = CronExpressionParser.parse(schedule.cron, { currentDate: now, tz: zone }).next().toDate();
    end = chainedEnd(schedule.cron, zone, start, durationMs);
  } catch (error) {
    throw new Error(`cron expression "${schedule.cron}" is invalid: ${(error as Error).message}`, { cause: error });
  }
  return { start, end, next };
}

/**
 * End of the window starting at start, extended while the next window starts before the current
 * one ends. Without this, a window longer than its interval (every 5 minutes for 10 minutes) would
 * report a change at every start although the bounds stay the same.
 */
function chainedEnd(cron: string, zone: string, start: Date, durationMs: number): Date {
  const occurrences = CronExpressionParser.parse(cron, { currentDate: start, tz: zone });
  let end = start.getTime() + durationMs;
  for (let index = 0; index < maxChainedWindows; index++) {
    const following = occurrences.next().getTime();
    if (following >= end) break;
    end = following + durationMs;
  }
  return new Date(end);
}

/**
 * Evaluates the schedules at now against the spec's own bounds. Inside any window the floor is the
 * highest of the spec min and the active schedules' mins; the ceiling is the highest of the spec
 * max and the active schedules' maxes, and never below the floor. Invalid schedules are skipped
 * and listed.
 */
export function evaluateSchedules(
  schedules: readonly ReplicaSchedule[],
  bounds: { min: number; max: number },
  now: Date,
): ScheduleEvaluation {
  let effectiveMin = bounds.min;
  let effectiveMax = bounds.max;
  const active: string[] = [];
  const invalid: InvalidSchedule[] = [];
  let nextChange: Date | undefined;
  const consider = (time: Date): void => {
    if (time > now && (nextChange === undefined || time < nextChange)) nextChange = time;
  };
  for (const schedule of schedules) {
    let window: Window;
    try {
      window = windowAround(schedule, now);
    } catch (error) {
      invalid.push({ name: schedule.name, message: (error as Error).message });
      continue;
    }
    if (now < window.end) {
      active.push(schedule.name);
      consider(window.end);
      effectiveMin = Math.max(effectiveMin, schedule.min);
      effectiveMax = Math.max(effectiveMax, schedule.max ?? 0);
    } else {
      consider(window.next);
    }
  }
  return { effectiveMin, effectiveMax: Math.max(effectiveMax, effectiveMin), active, nextChange, invalid };
}
