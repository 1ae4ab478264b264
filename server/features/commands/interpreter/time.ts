import * as chrono from 'chrono-node';

/** The clock and zone a command is read in. */
export interface TimeContext {
  readonly now: Date;
  /** IANA time zone, e.g. Europe/London. */
  readonly timeZone: string;
}

/** A date found in a command, with where it was found so the words can be cut from the title. */
export interface FoundDate {
  readonly start: Date;
  /** End of a range such as "3-4pm", when the text gave one. */
  readonly end: Date | undefined;
  readonly index: number;
  readonly text: string;
  /** Whether the text named a time of day (9am, noon, tonight) rather than only a date. */
  readonly hasTime: boolean;
}

const minute = 60_000;

/**
 * Offset of the zone from UTC in minutes at an instant, e.g. 60 for
 * Europe/Paris in winter. Throws a RangeError for an unknown zone.
 */
export function zoneOffsetMinutes(timeZone: string, instant: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (match === null) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

/** Whether Intl recognises a string as a time zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    zoneOffsetMinutes(timeZone, new Date());
    return true;
  } catch {
    return false;
  }
}

/** Local calendar fields of an instant in the context's zone. */
export function localParts(
  instant: Date,
  context: TimeContext,
): { year: number; month: number; day: number; weekday: number } {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(context.timeZone, instant) * minute);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth(),
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
  };
}

/**
 * Returns the instant of a local wall-clock time in the context's zone. Days beyond
 * the month roll over as in Date.UTC.
 */
export function localTime(
  context: TimeContext,
  parts: { year: number; month: number; day: number },
  hour: number,
  minuteOfHour = 0,
): Date {
  const guess = Date.UTC(parts.year, parts.month, parts.day, hour, minuteOfHour);
  // NOTE: the offset is taken at the guessed instant; a wall time inside a
  // daylight-saving gap resolves to the hour after it.
  const offset = zoneOffsetMinutes(context.timeZone, new Date(guess));
  return new Date(guess - offset * minute);
}

/** Local midnight starting the day `days` after today's. */
export function startOfLocalDay(context: TimeContext, days = 0): Date {
  const today = localParts(context.now, context);
  return localTime(context, { ...today, day: today.day + days }, 0);
}

/** Hours given to parts of the day named without a time; chrono's own guesses (06:00 for morning) are too early for a planner. */
const partOfDayHours: readonly [RegExp, number][] = [
  [/\bmorning\b/i, 9],
  [/\b(afternoon)\b/i, 14],
  [/\b(evening|tonight)\b/i, 19],
  [/\bnight\b/i, 21],
  [/\b(noon|midday|lunchtime)\b/i, 12],
  [/\bmidnight\b/i, 0],
];

/**
 * Finds the first date or date range in the text with chrono-node, reading
 * it in the context's zone and preferring future dates ("Friday" is the next
 * Friday). A bare hour from 1 to 7 without am or pm is read as afternoon,
 * because "at 5" in a planner means 17:00.
 */
export function findDate(text: string, context: TimeContext): FoundDate | undefined {
  const reference = { instant: context.now, timezone: zoneOffsetMinutes(context.timeZone, context.now) };
  let results = chrono.parse(text, reference, { forwardDate: true });
  // chrono 2.x reads "night Saturday at 8pm" (as in "date night Saturday")
  // as tonight; masking the leading part-of-day word lets Saturday count.
  const leading = results[0] === undefined ? null : /^(night|morning|evening|afternoon)\s+/i.exec(results[0].text);
  if (leading !== null && results[0] !== undefined) {
    const start = results[0].index;
    const masked = `${text.slice(0, start)}${' '.repeat(leading[0].length)}${text.slice(start + leading[0].length)}`;
    const retry = chrono.parse(masked, reference, { forwardDate: true });
    if (retry[0] !== undefined) results = retry;
  }
  const result = results[0];
  if (result === undefined) return findOrdinalDay(text, context);

  const hourCertain = result.start.isCertain('hour');
  const partOfDay = hourCertain ? undefined : partOfDayHours.find(([pattern]) => pattern.test(result.text));
  const hasTime = hourCertain || partOfDay !== undefined;
  let start = result.start.date();
  if (partOfDay !== undefined) start = localTime(context, localParts(start, context), partOfDay[1]);
  let end = result.end?.date();
  const hour = result.start.get('hour') ?? 0;
  if (hourCertain && !result.start.isCertain('meridiem') && hour >= 1 && hour <= 7) {
    const shift = 12 * 60 * minute;
    // chrono moved an hour already past this morning to tomorrow; the same afternoon may still be ahead.
    const sameDay = result.start.isCertain('day')
      ? start.getTime() + shift
      : start.getTime() + shift - 24 * 60 * minute;
    start = new Date(sameDay > context.now.getTime() ? sameDay : start.getTime() + shift);
    if (end !== undefined && end <= start) end = new Date(end.getTime() + shift);
  }
  if (end !== undefined && end <= start) end = new Date(end.getTime() + 24 * 60 * minute);
  return { start, end, index: result.index, text: result.text, hasTime };
}

/** "on the 15th": the next day of that number, which chrono 2.x does not read. */
function findOrdinalDay(text: string, context: TimeContext): FoundDate | undefined {
  const match = /\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b/i.exec(text);
  if (match === null) return undefined;
  const day = Number(match[1]);
  if (day < 1 || day > 31) return undefined;
  const today = localParts(context.now, context);
  let candidate = { year: today.year, month: today.month, day };
  if (day < today.day) candidate = { ...candidate, month: today.month + 1 };
  const start = localTime(context, candidate, 12);
  return { start, end: undefined, index: match.index, text: match[0], hasTime: false };
}

/** Moves a date-only finding to a default local hour, keeping its calendar day. */
export function atDefaultHour(found: FoundDate, context: TimeContext, hour: number): Date {
  if (found.hasTime) return found.start;
  return localTime(context, localParts(found.start, context), hour);
}
