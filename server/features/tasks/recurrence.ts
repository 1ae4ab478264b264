import type { Recurrence } from './schemas.ts';

function addMonthsClamped(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = date.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/**
 * Returns when the next occurrence of a recurring task is due, counted from
 * the previous due time (not from when it was completed), or undefined when
 * that falls after `until`. Months are calendar months in UTC; a day that the
 * target month lacks becomes its last day (31 January + 1 month = 28 or 29 February).
 */
export function nextOccurrence(dueAt: Date, recurrence: Recurrence): Date | undefined {
  const day = 24 * 60 * 60 * 1000;
  let next: Date;
  switch (recurrence.frequency) {
    case 'daily':
      next = new Date(dueAt.getTime() + recurrence.interval * day);
      break;
    case 'weekly':
      next = new Date(dueAt.getTime() + recurrence.interval * 7 * day);
      break;
    case 'monthly':
      next = addMonthsClamped(dueAt, recurrence.interval);
      break;
  }
  if (recurrence.until !== null && next > recurrence.until) return undefined;
  return next;
}
